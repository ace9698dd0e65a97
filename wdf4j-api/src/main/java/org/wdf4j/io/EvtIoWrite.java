package org.wdf4j.io;

/**
 * {@code EVT_WDF_IO_QUEUE_IO_WRITE}: presents a write request of {@code length} bytes; the driver now owns it and must complete it
 * exactly once.
 */
@FunctionalInterface
public interface EvtIoWrite {
    void ioWrite(WdfQueue queue, WdfRequest request, long length);
}
