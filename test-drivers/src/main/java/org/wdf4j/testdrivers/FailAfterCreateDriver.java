package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** U3: creates its driver object and tree, then fails DriverEntry. EvtDriverUnload must never run. */
public final class FailAfterCreateDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN")));
        Tree.build();
        return NtStatus.STATUS_INSUFFICIENT_RESOURCES;
    }
}
