package org.wdf4j.io;

/** {@code WDF_IO_QUEUE_DISPATCH_TYPE}: how a queue presents its requests to the driver. */
public enum WdfIoQueueDispatchType {
    /** One request at a time: the next is presented when the driver completed (or forwarded) the current one. */
    SEQUENTIAL,
    /** As many at once as arrive, up to the queue's {@code numberOfPresentedRequests} (0: no limit). */
    PARALLEL,
    /** Never presented: the driver takes requests with {@link WdfQueue#retrieveNextRequest()}. */
    MANUAL
}
