package org.wdf4j.io;

/**
 * {@code EVT_WDF_IO_QUEUE_IO_READ}: presents a read request of {@code length} bytes to the driver, which now owns it and must
 * complete it exactly once (now, or later from another callback).
 */
@FunctionalInterface
public interface EvtIoRead {
    void ioRead(WdfQueue queue, WdfRequest request, long length);
}
