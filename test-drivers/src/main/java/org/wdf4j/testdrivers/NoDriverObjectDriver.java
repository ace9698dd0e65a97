package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;

/** D7: returns success without ever creating its driver object. */
public final class NoDriverObjectDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        DbgPrint.print("returning success without WdfDriver.create");
        return NtStatus.STATUS_SUCCESS;
    }
}
