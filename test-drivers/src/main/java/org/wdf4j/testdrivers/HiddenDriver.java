package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;

/** A bad package: the entry class is not public. */
final class HiddenDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return NtStatus.STATUS_SUCCESS;
    }
}
