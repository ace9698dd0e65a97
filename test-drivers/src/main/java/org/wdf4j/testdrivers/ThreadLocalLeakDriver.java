package org.wdf4j.testdrivers;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * U2: runs a task on a ForkJoinPool that leaves a {@link Session} in a ThreadLocal of the pool's worker. The worker
 * is a JDK thread with the system class loader as its context loader, so nothing marks it as the driver's; it
 * outlives the driver, and the value, its class and the class loader stay. (The JDK's common pool would not do:
 * since JDK 25 its workers erase their ThreadLocals when they go idle.)
 */
public final class ThreadLocalLeakDriver implements DriverEntry {

    static final ThreadLocal<Session> CURRENT = new ThreadLocal<>();

    /** Per-thread state of the driver. */
    static final class Session {
        final byte[] scratch = new byte[64];
    }

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        ForkJoinPool background = new ForkJoinPool(1); // never shut down: its worker ends after 60 s idle
        // execute + latch, not submit + join: a join may run the task on this (the driver's) thread.
        CountDownLatch set = new CountDownLatch(1);
        background.execute(() -> {
            CURRENT.set(new Session());
            set.countDown();
        });
        try {
            set.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NtStatus.STATUS_CANCELLED;
        }
        return NtStatus.STATUS_SUCCESS;
    }
}
