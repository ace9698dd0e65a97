package org.wdf4j.io;

/**
 * Whether a client's read or write would be answered without waiting: what a program that polls the device's file
 * ({@code poll(2)}, {@code select(2)}, {@code epoll}) is told. Windows has no counterpart (its clients wait on
 * overlapped requests instead); wdf4j adds it because the programs that reach a device through its Linux file expect
 * it.
 *
 * <p>A driver sets it on the device ({@code WdfDevice.setIoReadiness}) for every open, or on one file object
 * ({@code WdfFileObject.setIoReadiness}) for that open only; a file object's own readiness, once set, wins over the
 * device's. Until a driver sets any, the device is {@link #READ_WRITE}, as Linux reports a file whose driver cannot
 * tell. Setting a readiness that makes a read or write possible wakes every program waiting in poll for it.
 *
 * @param readable a read would complete without waiting for data ({@code POLLIN})
 * @param writable a write would complete without waiting for room ({@code POLLOUT})
 */
public record WdfIoReadiness(boolean readable, boolean writable) {

    /** Neither a read nor a write would complete now. */
    public static final WdfIoReadiness NONE = new WdfIoReadiness(false, false);
    /** Data is waiting; a write would wait. */
    public static final WdfIoReadiness READABLE = new WdfIoReadiness(true, false);
    /** Room for a write; a read would wait. */
    public static final WdfIoReadiness WRITABLE = new WdfIoReadiness(false, true);
    /** Both would complete now: the default. */
    public static final WdfIoReadiness READ_WRITE = new WdfIoReadiness(true, true);

    /** One of the four constants. */
    public static WdfIoReadiness of(boolean readable, boolean writable) {
        return readable ? (writable ? READ_WRITE : READABLE) : (writable ? WRITABLE : NONE);
    }
}
