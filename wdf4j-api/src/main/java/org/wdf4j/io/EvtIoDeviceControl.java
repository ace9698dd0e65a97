package org.wdf4j.io;

/**
 * {@code EVT_WDF_IO_QUEUE_IO_DEVICE_CONTROL}: presents a device I/O control request; {@code ioControlCode} is built like
 * {@code CTL_CODE} (see {@link CtlCode}). The driver now owns it and must complete it exactly once.
 */
@FunctionalInterface
public interface EvtIoDeviceControl {
    void ioDeviceControl(WdfQueue queue, WdfRequest request, long outputBufferLength, long inputBufferLength, int ioControlCode);
}
