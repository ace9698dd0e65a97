package org.wdf4j.io;

/** {@code WDF_REQUEST_TYPE}: what a request asks for. */
public enum WdfRequestType {
    CREATE,
    READ,
    WRITE,
    DEVICE_CONTROL,
    CLEANUP,
    CLOSE
}
