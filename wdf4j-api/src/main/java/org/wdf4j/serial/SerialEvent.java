package org.wdf4j.serial;

import org.wdf4j.NtResult;
import org.wdf4j.io.WdfRequest;

/**
 * A set of serial events ({@code SERIAL_EV_*}, Win32's {@code EV_*}): the mask of {@link SerialIoctl#IOCTL_SERIAL_SET_WAIT_MASK}
 * and {@link SerialIoctl#IOCTL_SERIAL_GET_WAIT_MASK}, and what {@link SerialIoctl#IOCTL_SERIAL_WAIT_ON_MASK} answers.
 *
 * @param value the ULONG
 */
public record SerialEvent(int value) implements SerialFlags {

    /** {@code SERIAL_EV_RXCHAR}: a byte was received. */
    public static final int SERIAL_EV_RXCHAR = 0x0001;
    /** {@code SERIAL_EV_RXFLAG}: the event character was received. */
    public static final int SERIAL_EV_RXFLAG = 0x0002;
    /** {@code SERIAL_EV_TXEMPTY}: the last byte written was sent. */
    public static final int SERIAL_EV_TXEMPTY = 0x0004;
    /** {@code SERIAL_EV_CTS}: CTS changed. */
    public static final int SERIAL_EV_CTS = 0x0008;
    /** {@code SERIAL_EV_DSR}: DSR changed. */
    public static final int SERIAL_EV_DSR = 0x0010;
    /** {@code SERIAL_EV_RLSD}: DCD changed. */
    public static final int SERIAL_EV_RLSD = 0x0020;
    /** {@code SERIAL_EV_BREAK}: a break was received. */
    public static final int SERIAL_EV_BREAK = 0x0040;
    /** {@code SERIAL_EV_ERR}: a line status error. */
    public static final int SERIAL_EV_ERR = 0x0080;
    /** {@code SERIAL_EV_RING}: a ring was detected. */
    public static final int SERIAL_EV_RING = 0x0100;
    /** {@code SERIAL_EV_RX80FULL}: the input buffer is 80 % full. */
    public static final int SERIAL_EV_RX80FULL = 0x0400;

    /** Reads it from a control request's input buffer (STATUS_BUFFER_TOO_SMALL when shorter). */
    public static NtResult<SerialEvent> fromRequest(WdfRequest request) {
        return SerialBuffer.fromInput(request, SIZE, b -> new SerialEvent(b.getInt(0)));
    }

    /** From the ULONG's bytes (a client's answer). */
    public static SerialEvent fromBytes(byte[] bytes) {
        return new SerialEvent(SerialBuffer.ulong(bytes, "serial event mask"));
    }
}
