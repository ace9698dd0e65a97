package org.wdf4j.serial;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequest;

/**
 * {@code SERIAL_BAUD_RATE}: the speed of {@link SerialIoctl#IOCTL_SERIAL_SET_BAUD_RATE} and
 * {@link SerialIoctl#IOCTL_SERIAL_GET_BAUD_RATE}.
 *
 * @param baudRate bits per second, at least 1
 */
public record SerialBaudRate(int baudRate) {

    /** The size of the C struct: one ULONG. */
    public static final int SIZE = 4;

    public SerialBaudRate {
        if (baudRate < 1) {
            throw new IllegalArgumentException("a baud rate must be at least 1, not " + Integer.toUnsignedString(baudRate));
        }
    }

    /** Reads it from a control request's input buffer; STATUS_BUFFER_TOO_SMALL, or STATUS_INVALID_PARAMETER for 0. */
    public static NtResult<SerialBaudRate> fromRequest(WdfRequest request) {
        NtResult<Integer> raw = SerialBuffer.fromInput(request, SIZE, b -> b.getInt(0));
        if (!raw.isSuccess()) {
            return NtResult.failure(raw.status());
        }
        return raw.value() < 1 ? NtResult.failure(NtStatus.STATUS_INVALID_PARAMETER)
                : NtResult.success(new SerialBaudRate(raw.value()));
    }

    /** Writes it to a control request's output buffer and sets the information; the driver completes the request. */
    public NtStatus copyToRequest(WdfRequest request) {
        return SerialBuffer.toOutput(request, toBytes());
    }

    /** The C struct's bytes. */
    public byte[] toBytes() {
        return SerialBuffer.encode(SIZE, b -> b.putInt(0, baudRate));
    }

    /** From the C struct's bytes (a client's answer). */
    public static SerialBaudRate fromBytes(byte[] bytes) {
        return SerialBuffer.decode(bytes, SIZE, "SERIAL_BAUD_RATE", b -> new SerialBaudRate(b.getInt(0)));
    }
}
