package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.object.WdfObjectAttributes;

/** D2: WdfDriver.create with a null config is a bug check (WDF_REQUIRED_PARAMETER_IS_NULL). */
public final class NullParameterDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE, null);
        return NtStatus.STATUS_SUCCESS;
    }
}
