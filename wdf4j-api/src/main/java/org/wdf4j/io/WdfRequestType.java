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
    INTERNAL_DEVICE_CONTROL
}
