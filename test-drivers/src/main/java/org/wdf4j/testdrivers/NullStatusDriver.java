package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;

/** D1: returns null from DriverEntry, which counts as STATUS_UNSUCCESSFUL. */
public final class NullStatusDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return null;
    }
}
