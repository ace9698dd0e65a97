package org.wdf4j.serial;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequest;

/**
 * {@code SERIAL_HANDFLOW}: handshake and flow control, of {@link SerialIoctl#IOCTL_SERIAL_SET_HANDFLOW} and
 * {@link SerialIoctl#IOCTL_SERIAL_GET_HANDFLOW}.
 *
 * @param controlHandShake {@code SERIAL_DTR_CONTROL}, {@code SERIAL_CTS_HANDSHAKE}, ... (the constants below)
 * @param flowReplace {@code SERIAL_AUTO_TRANSMIT} (XON/XOFF on output), {@code SERIAL_AUTO_RECEIVE} (on input),
 *     {@code SERIAL_RTS_CONTROL}, {@code SERIAL_RTS_HANDSHAKE}, ...
 * @param xonLimit send XON when the input buffer holds fewer bytes than this
 * @param xoffLimit send XOFF when the input buffer has fewer free bytes than this
 */
public record SerialHandflow(int controlHandShake, int flowReplace, int xonLimit, int xoffLimit) {

    /** The size of the C struct: four ULONGs. */
    public static final int SIZE = 16;

    // ControlHandShake
    public static final int SERIAL_DTR_CONTROL = 0x01;
    public static final int SERIAL_DTR_HANDSHAKE = 0x02;
    public static final int SERIAL_CTS_HANDSHAKE = 0x08;
    public static final int SERIAL_DSR_HANDSHAKE = 0x10;
    public static final int SERIAL_DCD_HANDSHAKE = 0x20;
    public static final int SERIAL_DSR_SENSITIVITY = 0x40;
    public static final int SERIAL_ERROR_ABORT = 0x80000000;
    // FlowReplace
    public static final int SERIAL_AUTO_TRANSMIT = 0x01;
    public static final int SERIAL_AUTO_RECEIVE = 0x02;
    public static final int SERIAL_ERROR_CHAR = 0x04;
    public static final int SERIAL_NULL_STRIPPING = 0x08;
    public static final int SERIAL_BREAK_CHAR = 0x10;
    public static final int SERIAL_RTS_CONTROL = 0x40;
    public static final int SERIAL_RTS_HANDSHAKE = 0x80;
    public static final int SERIAL_XOFF_CONTINUE = 0x80000000;

    /** No flow control; DTR and RTS raised (what a port opened without handshaking has). */
    public static final SerialHandflow NONE = new SerialHandflow(SERIAL_DTR_CONTROL, SERIAL_RTS_CONTROL, 0, 0);

    /** Whether RTS/CTS hardware flow control is on (CTS handshake on output and RTS handshake on input). */
    public boolean rtsCts() {
        return (controlHandShake & SERIAL_CTS_HANDSHAKE) != 0;
    }

    /** Whether XON/XOFF is honoured on output ({@code SERIAL_AUTO_TRANSMIT}). */
    public boolean xonXoffOutput() {
        return (flowReplace & SERIAL_AUTO_TRANSMIT) != 0;
    }

    /** Whether XON/XOFF is sent on input ({@code SERIAL_AUTO_RECEIVE}). */
    public boolean xonXoffInput() {
        return (flowReplace & SERIAL_AUTO_RECEIVE) != 0;
    }

    /** Reads it from a control request's input buffer (STATUS_BUFFER_TOO_SMALL when shorter). */
    public static NtResult<SerialHandflow> fromRequest(WdfRequest request) {
        return SerialBuffer.fromInput(request, SIZE, SerialHandflow::read);
    }

    /** Writes it to a control request's output buffer and sets the information; the driver completes the request. */
    public NtStatus copyToRequest(WdfRequest request) {
        return SerialBuffer.toOutput(request, toBytes());
    }

    /** The C struct's bytes. */
    public byte[] toBytes() {
        return SerialBuffer.encode(SIZE, b -> b.putInt(0, controlHandShake).putInt(4, flowReplace).putInt(8, xonLimit)
                .putInt(12, xoffLimit));
    }

    /** From the C struct's bytes (a client's answer). */
    public static SerialHandflow fromBytes(byte[] bytes) {
        return SerialBuffer.decode(bytes, SIZE, "SERIAL_HANDFLOW", SerialHandflow::read);
    }

    private static SerialHandflow read(java.nio.ByteBuffer b) {
        return new SerialHandflow(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12));
    }
}
