package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** U3/D1: creates its driver object and tree, then throws from DriverEntry. */
public final class ThrowingDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN")));
        Tree.build();
        throw new IllegalStateException("device firmware missing");
    }
}
