package org.wdf4j.io;

/**
 * {@code EVT_WDF_IO_QUEUE_IO_INTERNAL_DEVICE_CONTROL}: presents an internal device I/O control request, which another
 * driver sent (a driver above this device in its stack, or one with a remote I/O target to it); clients and device
 * files cannot send one. The driver now owns it and must complete it exactly once.
 */
@FunctionalInterface
public interface EvtIoInternalDeviceControl {
    void ioInternalDeviceControl(WdfQueue queue, WdfRequest request, long outputBufferLength, long inputBufferLength,
                                 int ioControlCode);
}
