package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * H9: calls {@code System.exit(3)} in DriverEntry, after creating its driver object and tree. In the host's JVM
 * the call is refused as a bug check: the driver fails, its tree is cleaned up, the host goes on.
 */
public final class ExitInEntryDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN")));
        Tree.build();
        System.exit(3);
        DbgPrint.print("after System.exit: MUST NOT RUN");
        return NtStatus.STATUS_SUCCESS;
    }
}
