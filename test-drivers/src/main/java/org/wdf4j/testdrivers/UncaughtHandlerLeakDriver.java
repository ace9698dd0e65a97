package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** U2: sets the JVM's default uncaught-exception handler and never restores the previous one. */
public final class UncaughtHandlerLeakDriver implements DriverEntry {

    /** Would log crashes of any thread to the device's event log. */
    public static final class CrashLogger implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread t, Throwable e) {
        }
    }

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        Thread.setDefaultUncaughtExceptionHandler(new CrashLogger());
        return NtStatus.STATUS_SUCCESS;
    }
}
