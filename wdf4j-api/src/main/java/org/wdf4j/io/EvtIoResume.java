package org.wdf4j.io;

/**
 * {@code EVT_WDF_IO_QUEUE_IO_RESUME}: the queue restarts (the device is back in D0) and the driver acknowledged a stop of
 * {@code request} without requeueing it: the driver may go on with it.
 */
@FunctionalInterface
public interface EvtIoResume {
    void ioResume(WdfQueue queue, WdfRequest request);
}
