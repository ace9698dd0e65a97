package org.wdf4j.serial;

import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequest;

/**
 * A serial buffer that is one ULONG of flags ({@link SerialEvent}, {@link SerialModemStatus}, {@link SerialPurge}):
 * what they share.
 */
public sealed interface SerialFlags permits SerialEvent, SerialModemStatus, SerialPurge {

    /** The size of the buffer: one ULONG. */
    int SIZE = 4;

    /** The ULONG. */
    int value();

    /** Whether every bit of {@code flags} is set. */
    default boolean has(int flags) {
        return (value() & flags) == flags;
    }

    /** Writes it to a control request's output buffer and sets the information; the driver completes the request. */
    default NtStatus copyToRequest(WdfRequest request) {
        return SerialBuffer.toOutput(request, toBytes());
    }

    /** The ULONG's bytes. */
    default byte[] toBytes() {
        return SerialBuffer.ulong(value());
    }
}
