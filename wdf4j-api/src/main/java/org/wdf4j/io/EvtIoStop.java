package org.wdf4j.io;

/**
 * {@code EVT_WDF_IO_QUEUE_IO_STOP}: the queue is stopping (the device leaves D0, or it is purged) while the driver owns
 * {@code request}. With {@link WdfRequestStopAction#SUSPEND} the driver completes the request or acknowledges the stop
 * ({@link WdfRequest#stopAcknowledge}); with {@link WdfRequestStopAction#PURGE} it completes (or cancels) it.
 * {@code requestCancelable} tells that the request is marked cancelable.
 */
@FunctionalInterface
public interface EvtIoStop {
    void ioStop(WdfQueue queue, WdfRequest request, WdfRequestStopAction action, boolean requestCancelable);
}
