package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.driver.WdfDriverInitFlag;

/** U7: a non-PnP driver without EvtDriverUnload: a stop must be refused and it keeps running. */
public final class NonPnpNoUnloadDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withFlags(WdfDriverInitFlag.NON_PNP_DRIVER));
        Tree.build();
        return NtStatus.STATUS_SUCCESS;
    }
}
