package org.wdf4j.samples.echo;

import java.nio.ByteBuffer;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.object.WdfSynchronizationScope;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;

/**
 * The echo device's default queue (Microsoft's {@code queue.c}): a sequential queue whose context holds the echoed
 * data and the one request the driver has pending, and a periodic timer that completes that request.
 *
 * <p>No lock appears here. The queue's synchronization scope is QUEUE and the timer, a child of the queue, is created
 * with automatic serialization, so the framework holds the queue's presentation lock around
 * {@link #evtIoRead}, {@link #evtIoWrite}, {@link #evtRequestCancel} and {@link #evtTimerFunc}: they never run at
 * the same time, and the queue context is only ever touched by one of them. A parallel queue would need no more
 * locking, only a list of pending requests instead of one.
 *
 * <p>The race between the timer completing a request and a client cancelling it is settled by
 * {@code unmarkCancelable}: when it answers STATUS_CANCELLED, the cancel routine owns the request (it runs as soon as
 * the timer callback releases the lock) and the timer lets go of it without completing it.
 */
final class EchoQueue {

    /** The queue's state, guarded by the queue's presentation lock. */
    static final class QueueContext {
        /** The data of the last accepted write, or null before the first. */
        byte[] buffer;
        /** The timer that completes {@link #currentRequest}. */
        WdfTimer timer;
        /** The request the driver holds, pending until the next timer tick, or null. */
        WdfRequest currentRequest;
        /** The status {@link #currentRequest} will be completed with. */
        NtStatus currentStatus = NtStatus.STATUS_INVALID_DEVICE_REQUEST;
    }

    static final ContextType<QueueContext> QUEUE_CONTEXT = ContextType.declare(QueueContext.class, QueueContext::new);

    private EchoQueue() {
    }

    /**
     * Creates the device's default queue, sequential, with read and write handlers, and its timer. The timer is
     * started by self-managed I/O init ({@link EchoDevice}), not here: the device is not started yet.
     */
    static NtStatus initialize(WdfDevice device) {
        WdfIoQueueConfig config = WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL)
                .withIoRead(EchoQueue::evtIoRead)
                .withIoWrite(EchoQueue::evtIoWrite);
        // Scope QUEUE: the queue's callbacks, its requests' cancel routines, and the callbacks of its children
        // created with automatic serialization (the timer) all take the queue's lock.
        WdfObjectAttributes attributes = WdfObjectAttributes.of(QUEUE_CONTEXT)
                .withSynchronizationScope(WdfSynchronizationScope.QUEUE)
                .withDestroy(EchoQueue::evtIoQueueContextDestroy);
        NtResult<WdfQueue> created = WdfQueue.create(device, config, attributes);
        if (!created.isSuccess()) {
            DbgPrint.print("Echo: WdfIoQueueCreate failed %s", created.status());
            return created.status();
        }
        WdfQueue queue = created.value();

        // WdfTimerConfig.initPeriodic turns automatic serialization on; with the queue as parent, the timer callback
        // takes the queue's lock, like the I/O callbacks. Deleting the queue deletes, and so stops, the timer.
        NtResult<WdfTimer> timer = WdfTimer.create(
                WdfTimerConfig.initPeriodic(EchoQueue::evtTimerFunc, EchoDriver.TIMER_PERIOD),
                WdfObjectAttributes.init().withParent(queue));
        if (!timer.isSuccess()) {
            DbgPrint.print("Echo: WdfTimerCreate failed %s", timer.status());
            return timer.status();
        }
        QUEUE_CONTEXT.get(queue).timer = timer.value();
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * {@code EvtIoRead}: copies the stored data, up to {@code length} bytes, into the request and leaves it pending
     * for the timer. With nothing stored the read completes at once with 0 bytes. Zero-length reads never get here:
     * the framework completes them.
     */
    static void evtIoRead(WdfQueue queue, WdfRequest request, long length) {
        QueueContext context = QUEUE_CONTEXT.get(queue);
        if (context.buffer == null) {
            request.completeWithInformation(NtStatus.STATUS_SUCCESS, 0);
            return;
        }
        int count = (int) Math.min(length, context.buffer.length);
        NtResult<ByteBuffer> output = request.retrieveOutputBuffer(count);
        if (!output.isSuccess()) {
            DbgPrint.print("Echo: EvtIoRead could not get the output buffer %s", output.status());
            request.completeWithInformation(output.status(), 0);
            return;
        }
        output.value().put(0, context.buffer, 0, count);
        request.setInformation(count);
        pend(context, request);
    }

    /**
     * {@code EvtIoWrite}: stores the written bytes in place of the previous data and leaves the request pending for
     * the timer. Writes longer than {@link EchoDriver#MAX_WRITE_LENGTH} fail at once with STATUS_BUFFER_OVERFLOW.
     */
    static void evtIoWrite(WdfQueue queue, WdfRequest request, long length) {
        if (length > EchoDriver.MAX_WRITE_LENGTH) {
            DbgPrint.print("Echo: EvtIoWrite of %d bytes is too long, max is %d", length, EchoDriver.MAX_WRITE_LENGTH);
            request.completeWithInformation(NtStatus.STATUS_BUFFER_OVERFLOW, 0);
            return;
        }
        NtResult<ByteBuffer> input = request.retrieveInputBuffer(length);
        if (!input.isSuccess()) {
            DbgPrint.print("Echo: EvtIoWrite could not get the input buffer %s", input.status());
            request.complete(input.status());
            return;
        }
        QueueContext context = QUEUE_CONTEXT.get(queue);
        byte[] data = new byte[(int) length];
        input.value().get(0, data);
        context.buffer = data;
        request.setInformation(length);
        pend(context, request);
    }

    /**
     * Keeps {@code request} as the one the timer completes next, cancelable meanwhile. The information is set; the
     * status is success.
     *
     * <p>{@code markCancelableEx} rather than {@code markCancelable}: for a request cancelled before it was marked,
     * {@code markCancelable} would call the cancel routine at once, from inside this callback, which holds the
     * queue's lock; {@code markCancelableEx} answers STATUS_CANCELLED instead and this callback completes the
     * request itself.
     */
    private static void pend(QueueContext context, WdfRequest request) {
        NtStatus marked = request.markCancelableEx(EchoQueue::evtRequestCancel);
        if (NtStatus.STATUS_CANCELLED.equals(marked)) {
            request.completeWithInformation(NtStatus.STATUS_CANCELLED, 0);
            return;
        }
        context.currentRequest = request;
        context.currentStatus = NtStatus.STATUS_SUCCESS;
    }

    /**
     * {@code EvtRequestCancel}: the pending request was cancelled; this routine owns it and completes it with
     * STATUS_CANCELLED and information 0. It holds the queue's lock, so it cannot overlap the timer; the timer may
     * already have let go of the request (when its {@code unmarkCancelable} answered STATUS_CANCELLED).
     */
    static void evtRequestCancel(WdfRequest request) {
        // Read the context while the request is still the driver's: after completion the handle is gone.
        QueueContext context = QUEUE_CONTEXT.get(request.queue());
        DbgPrint.print("Echo: EvtRequestCancel on %s", request.handleName());
        if (context.currentRequest == request) {
            context.currentRequest = null;
        }
        request.completeWithInformation(NtStatus.STATUS_CANCELLED, 0);
    }

    /**
     * {@code EvtTimerFunc}: completes the pending request, unless a cancel routine owns it. Serialized with the queue's
     * callbacks by the queue's lock (automatic serialization).
     */
    static void evtTimerFunc(WdfTimer timer) {
        QueueContext context = QUEUE_CONTEXT.get(timer.parentObject());
        WdfRequest request = context.currentRequest;
        if (request == null) {
            return;
        }
        // Either way the driver no longer holds the request after this tick.
        context.currentRequest = null;
        if (NtStatus.STATUS_CANCELLED.equals(request.unmarkCancelable())) {
            // The cancel routine owns it: it runs as soon as this callback releases the queue's lock, and completes
            // it. The request must not be touched any more here.
            DbgPrint.print("Echo: timer leaves a cancelled request to its cancel routine");
            return;
        }
        request.complete(context.currentStatus);
    }

    /**
     * The queue is destroyed: let go of the echoed data (in C, free its pool allocation). A destroy callback may read
     * the object's contexts, nothing more.
     */
    static void evtIoQueueContextDestroy(WdfObject queue) {
        QueueContext context = QUEUE_CONTEXT.get(queue);
        DbgPrint.print("Echo: queue destroyed, releasing %d stored bytes",
                context.buffer == null ? 0 : context.buffer.length);
        context.buffer = null;
    }
}
