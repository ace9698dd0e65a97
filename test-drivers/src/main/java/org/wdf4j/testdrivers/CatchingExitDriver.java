package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * H9: tries {@code System.exit(10)}, {@code Runtime.exit(11)} and {@code Runtime.halt(12)} in DriverEntry,
 * catching every refusal, and returns STATUS_SUCCESS as if nothing happened. It must still be failed.
 */
public final class CatchingExitDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN")));
        Tree.build();
        try {
            System.exit(10);
        } catch (RuntimeException e) {
            DbgPrint.print("caught %s", e.getClass().getSimpleName());
        }
        try {
            Runtime.getRuntime().exit(11);
        } catch (RuntimeException e) {
            DbgPrint.print("caught %s", e.getClass().getSimpleName());
        }
        try {
            Runtime.getRuntime().halt(12);
        } catch (RuntimeException e) {
            DbgPrint.print("caught %s", e.getClass().getSimpleName());
        }
        DbgPrint.print("carrying on");
        return NtStatus.STATUS_SUCCESS;
    }
}
