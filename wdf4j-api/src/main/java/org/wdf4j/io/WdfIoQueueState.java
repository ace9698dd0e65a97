package org.wdf4j.io;

/**
 * {@code WDF_IO_QUEUE_STATE} and the counts of {@code WdfIoQueueGetState}: a snapshot of a queue.
 *
 * @param acceptingRequests the queue accepts new requests (not being drained or purged, not deleted)
 * @param dispatchingRequests the queue presents requests (started, and for a power-managed queue the device in D0)
 * @param queuedRequests requests waiting in the queue
 * @param driverRequests requests presented to the driver and not yet completed, forwarded or requeued
 */
public record WdfIoQueueState(boolean acceptingRequests, boolean dispatchingRequests, int queuedRequests,
                              int driverRequests) {

    /** {@code WDF_IO_QUEUE_IDLE}: nothing queued and nothing with the driver. */
    public boolean idle() {
        return queuedRequests == 0 && driverRequests == 0;
    }
}
