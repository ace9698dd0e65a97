package org.wdf4j.io;

/**
 * {@code EVT_WDF_IO_QUEUE_STATE}: the queue reached the state the driver waited for (stopped, purged, drained) or, for a manual
 * queue, has a request to retrieve.
 */
@FunctionalInterface
public interface EvtIoQueueState {
    void queueState(WdfQueue queue);
}
