package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** U7: a PnP driver without EvtDriverUnload can always be unloaded. */
public final class PnpNoUnloadDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init((driver, init) -> NtStatus.STATUS_SUCCESS));
        Tree.build();
        return NtStatus.STATUS_SUCCESS;
    }
}
