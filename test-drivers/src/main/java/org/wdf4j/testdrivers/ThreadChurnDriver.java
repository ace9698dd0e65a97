package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * Starts {@value #THREADS} short-lived threads in DriverEntry and waits for each to end: a clean driver whose every
 * load makes the host's thread-start recording see many thread starts (issue #11: the recording kept them all).
 */
public final class ThreadChurnDriver implements DriverEntry {

    public static final int THREADS = 8;

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        for (int i = 0; i < THREADS; i++) {
            Thread worker = new Thread(() -> { }, "churn-" + i);
            worker.start();
            try {
                worker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return NtStatus.STATUS_UNSUCCESSFUL;
            }
        }
        return NtStatus.STATUS_SUCCESS;
    }
}
