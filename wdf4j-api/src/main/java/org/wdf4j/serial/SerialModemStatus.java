package org.wdf4j.serial;

import org.wdf4j.NtResult;
import org.wdf4j.io.WdfRequest;

/**
 * The modem status register ({@code SERIAL_MSR_*}), what {@link SerialIoctl#IOCTL_SERIAL_GET_MODEMSTATUS} answers:
 * the lines the device drives towards the computer (CTS, DSR, RI, DCD) and which of them changed since the last read.
 *
 * @param value the ULONG
 */
public record SerialModemStatus(int value) implements SerialFlags {

    /** {@code SERIAL_MSR_DCTS}: CTS changed. */
    public static final int SERIAL_MSR_DCTS = 0x01;
    /** {@code SERIAL_MSR_DDSR}: DSR changed. */
    public static final int SERIAL_MSR_DDSR = 0x02;
    /** {@code SERIAL_MSR_TERI}: RI went off. */
    public static final int SERIAL_MSR_TERI = 0x04;
    /** {@code SERIAL_MSR_DDCD}: DCD changed. */
    public static final int SERIAL_MSR_DDCD = 0x08;
    /** {@code SERIAL_MSR_CTS}: clear to send. */
    public static final int SERIAL_MSR_CTS = 0x10;
    /** {@code SERIAL_MSR_DSR}: data set ready. */
    public static final int SERIAL_MSR_DSR = 0x20;
    /** {@code SERIAL_MSR_RI}: ring indicator. */
    public static final int SERIAL_MSR_RI = 0x40;
    /** {@code SERIAL_MSR_DCD}: data carrier detect (RLSD). */
    public static final int SERIAL_MSR_DCD = 0x80;

    /** Reads it from a control request's input buffer (STATUS_BUFFER_TOO_SMALL when shorter). */
    public static NtResult<SerialModemStatus> fromRequest(WdfRequest request) {
        return SerialBuffer.fromInput(request, SIZE, b -> new SerialModemStatus(b.getInt(0)));
    }

    /** From the ULONG's bytes (a client's answer). */
    public static SerialModemStatus fromBytes(byte[] bytes) {
        return new SerialModemStatus(SerialBuffer.ulong(bytes, "modem status"));
    }
}
