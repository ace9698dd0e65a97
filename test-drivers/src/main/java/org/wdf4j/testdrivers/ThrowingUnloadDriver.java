package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** U8: EvtDriverUnload throws; the unload must still clean up and destroy everything. */
public final class ThrowingUnloadDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> {
            throw new IllegalStateException("unload failed to flush statistics");
        }));
        Tree.build();
        return NtStatus.STATUS_SUCCESS;
    }
}
