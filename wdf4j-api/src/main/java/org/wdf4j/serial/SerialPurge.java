package org.wdf4j.serial;

import org.wdf4j.NtResult;
import org.wdf4j.io.WdfRequest;

/**
 * What {@link SerialIoctl#IOCTL_SERIAL_PURGE} purges ({@code SERIAL_PURGE_*}, Win32's {@code PURGE_*}).
 *
 * @param value the ULONG
 */
public record SerialPurge(int value) implements SerialFlags {

    /** {@code SERIAL_PURGE_TXABORT}: complete the pending writes (STATUS_CANCELLED). */
    public static final int SERIAL_PURGE_TXABORT = 0x1;
    /** {@code SERIAL_PURGE_RXABORT}: complete the pending reads (STATUS_CANCELLED). */
    public static final int SERIAL_PURGE_RXABORT = 0x2;
    /** {@code SERIAL_PURGE_TXCLEAR}: drop the bytes written and not yet sent. */
    public static final int SERIAL_PURGE_TXCLEAR = 0x4;
    /** {@code SERIAL_PURGE_RXCLEAR}: drop the bytes received and not yet read. */
    public static final int SERIAL_PURGE_RXCLEAR = 0x8;

    /** Reads it from a control request's input buffer (STATUS_BUFFER_TOO_SMALL when shorter). */
    public static NtResult<SerialPurge> fromRequest(WdfRequest request) {
        return SerialBuffer.fromInput(request, SIZE, b -> new SerialPurge(b.getInt(0)));
    }

    /** From the ULONG's bytes (a client's answer). */
    public static SerialPurge fromBytes(byte[] bytes) {
        return new SerialPurge(SerialBuffer.ulong(bytes, "purge flags"));
    }
}
