package org.wdf4j.testdrivers;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.sync.WdfSpinLock;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;

/**
 * A seeded bug for {@code wdf4j verify} ({@code ROOT\TIMERDEADLOCK}): a deadlock between a timer and a queue. A 1 ms
 * timer counts its ticks under the device's spin lock; the queue's EvtIoDefault takes the spin lock, then waits for the
 * next tick before it completes the request. The timer's callback waits for the spin lock the queue's callback holds,
 * and the queue's callback waits for a tick that never comes: the request is never completed and the callbacks never
 * return (the framework's bounded wait finds them, U6). Run it isolated: its threads stay blocked until its driver host
 * ends.
 */
public final class TimerQueueDeadlockDriver implements DriverEntry {

    public static final UUID GUID = UUID.fromString("2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b");

    static final class DeviceContext {
        WdfSpinLock lock;
        /** The timer's ticks, counted under {@link #lock}. */
        final AtomicLong ticks = new AtomicLong();
    }

    static final ContextType<DeviceContext> DEVICE = ContextType.declare(DeviceContext.class, DeviceContext::new);

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(TimerQueueDeadlockDriver::deviceAdd)).status();
    }

    static NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit init) {
        NtResult<WdfDevice> device = Drivers.deviceWithInterface(init, WdfObjectAttributes.of(DEVICE), GUID);
        if (!device.isSuccess()) {
            return device.status();
        }
        DeviceContext context = DEVICE.get(device.value());
        NtResult<WdfSpinLock> lock = WdfSpinLock.create(WdfObjectAttributes.init().withParent(device.value()));
        if (!lock.isSuccess()) {
            return lock.status();
        }
        context.lock = lock.value();
        NtResult<WdfTimer> timer = WdfTimer.create(WdfTimerConfig.initPeriodic(t -> {
            context.lock.acquire();
            context.ticks.incrementAndGet();
            context.lock.release();
        }, Duration.ofMillis(1)).withAutomaticSerialization(false), WdfObjectAttributes.init().withParent(device.value()));
        if (!timer.isSuccess()) {
            return timer.status();
        }
        timer.value().start(Duration.ofMillis(1));
        return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoDefault((q, request) -> {
                    context.lock.acquire();
                    long seen = context.ticks.get();
                    while (context.ticks.get() == seen) {
                        LockSupport.parkNanos(1_000_000L); // waits for a tick while holding the lock the timer needs
                    }
                    context.lock.release();
                    request.complete(NtStatus.STATUS_SUCCESS);
                }), WdfObjectAttributes.NONE).status();
    }
}
