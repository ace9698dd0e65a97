package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;

/** H9: starts cleanly, then calls {@code Runtime.getRuntime().exit(5)} in its EvtDriverUnload. */
public final class RuntimeExitInUnloadDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(RuntimeExitInUnloadDriver::unload));
        Tree.build();
        return NtStatus.STATUS_SUCCESS;
    }

    private static void unload(WdfDriver driver) {
        DbgPrint.print("EvtDriverUnload: exiting");
        Runtime.getRuntime().exit(5);
        DbgPrint.print("after Runtime.exit: MUST NOT RUN");
    }
}
