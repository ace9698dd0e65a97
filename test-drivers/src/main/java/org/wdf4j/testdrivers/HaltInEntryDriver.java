package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** H9: calls {@code Runtime.getRuntime().halt(4)} in DriverEntry (halt runs no shutdown hook: the harshest end). */
public final class HaltInEntryDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN")));
        Tree.build();
        Runtime.getRuntime().halt(4);
        DbgPrint.print("after Runtime.halt: MUST NOT RUN");
        return NtStatus.STATUS_SUCCESS;
    }
}
