package org.wdf4j.serial;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequest;

/**
 * What {@link SerialIoctl#IOCTL_SERIAL_PURGE} purges (`SERIAL_PURGE_*`, Win32's `PURGE_*`).
 *
 * @param flags the ULONG
 */
public record SerialPurge(int flags) {

    /** The size of the buffer: one ULONG. */
    public static final int SIZE = 4;

    /** {@code SERIAL_PURGE_TXABORT}: complete the pending writes (STATUS_CANCELLED). */
    public static final int SERIAL_PURGE_TXABORT = 0x1;
    /** {@code SERIAL_PURGE_RXABORT}: complete the pending reads (STATUS_CANCELLED). */
    public static final int SERIAL_PURGE_RXABORT = 0x2;
    /** {@code SERIAL_PURGE_TXCLEAR}: drop the bytes written and not yet sent. */
    public static final int SERIAL_PURGE_TXCLEAR = 0x4;
    /** {@code SERIAL_PURGE_RXCLEAR}: drop the bytes received and not yet read. */
    public static final int SERIAL_PURGE_RXCLEAR = 0x8;

    /** Whether every bit of {@code flags} is set. */
    public boolean has(int flags) {
        return (flags & flags) == flags;
    }

    /** Reads it from a control request's input buffer (STATUS_BUFFER_TOO_SMALL when shorter). */
    public static NtResult<SerialPurge> fromRequest(WdfRequest request) {
        NtResult<Integer> raw = SerialBuffer.ulongFromInput(request);
        return raw.isSuccess() ? NtResult.success(new SerialPurge(raw.value())) : NtResult.failure(raw.status());
    }

    /** Writes it to a control request's output buffer and sets the information; the driver completes the request. */
    public NtStatus copyToRequest(WdfRequest request) {
        return SerialBuffer.toOutput(request, toBytes());
    }

    /** The ULONG's bytes. */
    public byte[] toBytes() {
        return SerialBuffer.ulong(flags);
    }

    /** From the ULONG's bytes (a client's answer). */
    public static SerialPurge fromBytes(byte[] bytes) {
        return new SerialPurge(SerialBuffer.ulong(bytes, "purge flags"));
    }
}
