package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** Implements DriverEntry through its superclass only: a valid entry class. */
public final class InheritingDriver extends AbstractBaseDriver {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        return NtStatus.STATUS_SUCCESS;
    }
}
