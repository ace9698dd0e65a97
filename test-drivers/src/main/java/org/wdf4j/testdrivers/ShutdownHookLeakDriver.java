package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** U2: registers a JVM shutdown hook and never removes it; the hook thread keeps the class loader alive. */
public final class ShutdownHookLeakDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        Runtime.getRuntime().addShutdownHook(new Thread(ShutdownHookLeakDriver::flush, "leaky-flush-hook"));
        return NtStatus.STATUS_SUCCESS;
    }

    private static void flush() {
        // would flush the device's buffers at JVM exit
    }
}
