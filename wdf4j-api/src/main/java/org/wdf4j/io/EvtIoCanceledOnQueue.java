package org.wdf4j.io;

/**
 * {@code EVT_WDF_IO_QUEUE_IO_CANCELED_ON_QUEUE}: a request that the driver had forwarded to (or requeued in) a queue was cancelled
 * while waiting there; the driver owns it again and must complete it. Without this callback the framework completes it
 * with STATUS_CANCELLED.
 */
@FunctionalInterface
public interface EvtIoCanceledOnQueue {
    void ioCanceledOnQueue(WdfQueue queue, WdfRequest request);
}
