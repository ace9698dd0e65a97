package org.wdf4j.io;

/**
 * {@code EVT_WDF_IO_QUEUE_IO_DEFAULT}: presents a request of any type that has no handler of its own in the queue's configuration.
 */
@FunctionalInterface
public interface EvtIoDefault {
    void ioDefault(WdfQueue queue, WdfRequest request);
}
