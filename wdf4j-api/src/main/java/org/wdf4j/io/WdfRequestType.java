package org.wdf4j.io;

/** {@code WDF_REQUEST_TYPE}: what a request asks for. */
public enum WdfRequestType {
    CREATE,
    READ,
    WRITE,
    DEVICE_CONTROL,
    CLEANUP,
    CLOSE,
    /**
     * {@code WdfRequestTypeDeviceControlInternal}: an internal device I/O control, which only a driver can send (to a
     * device below it or to a remote target); a client or a device file never can. It reaches
     * {@link EvtIoInternalDeviceControl}.
     */
    INTERNAL_DEVICE_CONTROL,
    /**
     * {@code WdfRequestTypeFlushBuffers} ({@code IRP_MJ_FLUSH_BUFFERS}): a client asks the device to write what it
     * caches to its medium ({@code FlushFileBuffers}; on Linux, {@code fsync} of a disk's file). It has no buffers and
     * no parameters. As in UMDF, a queue presents it to {@link EvtIoDefault} (there is no type-specific callback); a
     * queue without one fails it with {@code STATUS_INVALID_DEVICE_REQUEST}, which for a disk means "nothing to flush".
     */
    FLUSH_BUFFERS
}
