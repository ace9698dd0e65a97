package org.wdf4j.device;

/**
 * {@code WDF_DEVICE_IO_TYPE}: how a device receives the buffers of read and write requests. wdf4j always copies
 * (a request's buffers never alias the client's memory), so every type behaves like {@link #BUFFERED}; the type is
 * kept so that a WDF driver's set-up reads the same.
 */
public enum WdfDeviceIoType {
    BUFFERED,
    DIRECT,
    NEITHER
}
