package org.wdf4j.testdrivers;

import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.UUID;
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
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.object.WdfSynchronizationScope;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;

/**
 * A seeded bug for {@code wdf4j verify} ({@code ROOT\COMPLETEAFTERCANCEL}): a parallel queue keeps every request,
 * cancelable, and a 2 ms timer completes what it keeps; the cancel routine completes a cancelled request but leaves
 * it in the list, and the timer never calls {@code unmarkCancelable}, so it completes the cancelled request a second
 * time: a completion after cancel (WDF_REQUEST_FATAL_ERROR, ST7). The queue's callbacks, the cancel routine and the
 * timer are serialized by the queue's lock (scope QUEUE), as in the echo sample.
 */
public final class CompleteAfterCancelDriver implements DriverEntry {

    public static final UUID GUID = UUID.fromString("0c4a7b1e-5d2f-4a3b-9c8d-1e2f3a4b5c6d");

    static final class QueueContext {
        /** The requests kept; guarded by the queue's presentation lock. */
        final List<WdfRequest> kept = new ArrayList<>();
    }

    static final ContextType<QueueContext> QUEUE = ContextType.declare(QueueContext.class, QueueContext::new);

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(CompleteAfterCancelDriver::deviceAdd)).status();
    }

    static NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit init) {
        NtResult<WdfDevice> device = Drivers.deviceWithInterface(init, WdfObjectAttributes.NONE, GUID);
        if (!device.isSuccess()) {
            return device.status();
        }
        NtResult<WdfQueue> queue = WdfQueue.create(device.value(),
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL).withIoDefault((q, request) -> {
                    request.markCancelable(r -> r.complete(NtStatus.STATUS_CANCELLED)); // the bug: still kept
                    QUEUE.get(q).kept.add(request);
                }),
                WdfObjectAttributes.of(QUEUE).withSynchronizationScope(WdfSynchronizationScope.QUEUE));
        if (!queue.isSuccess()) {
            return queue.status();
        }
        NtResult<WdfTimer> timer = WdfTimer.create(WdfTimerConfig.initPeriodic(t -> {
            QueueContext context = QUEUE.get(t.parentObject());
            for (WdfRequest r : context.kept) {
                r.complete(NtStatus.STATUS_SUCCESS); // no unmarkCancelable: a cancelled request is completed again
            }
            context.kept.clear();
        }, Duration.ofMillis(2)), WdfObjectAttributes.init().withParent(queue.value()));
        if (!timer.isSuccess()) {
            return timer.status();
        }
        timer.value().start(Duration.ofMillis(2));
        return NtStatus.STATUS_SUCCESS;
    }
}
