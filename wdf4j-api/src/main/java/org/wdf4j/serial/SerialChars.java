package org.wdf4j.serial;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequest;

/**
 * {@code SERIAL_CHARS}: the special characters, of {@link SerialIoctl#IOCTL_SERIAL_SET_CHARS} and
 * {@link SerialIoctl#IOCTL_SERIAL_GET_CHARS}. Each is a byte, 0 to 255.
 */
public record SerialChars(int eofChar, int errorChar, int breakChar, int eventChar, int xonChar, int xoffChar) {

    /** The size of the C struct: six UCHARs. */
    public static final int SIZE = 6;

    /** XON is DC1 (0x11, ^Q) and XOFF DC3 (0x13, ^S); the others 0. */
    public static final SerialChars DEFAULT = new SerialChars(0, 0, 0, 0, 0x11, 0x13);

    public SerialChars {
        for (int c : new int[] {eofChar, errorChar, breakChar, eventChar, xonChar, xoffChar}) {
            if (c < 0 || c > 0xFF) {
                throw new IllegalArgumentException("a serial special character is one byte, 0 to 255, not " + c);
            }
        }
    }

    /** Reads it from a control request's input buffer (STATUS_BUFFER_TOO_SMALL when shorter). */
    public static NtResult<SerialChars> fromRequest(WdfRequest request) {
        return SerialBuffer.fromInput(request, SIZE, SerialChars::read);
    }

    /** Writes it to a control request's output buffer and sets the information; the driver completes the request. */
    public NtStatus copyToRequest(WdfRequest request) {
        return SerialBuffer.toOutput(request, toBytes());
    }

    /** The C struct's bytes. */
    public byte[] toBytes() {
        return SerialBuffer.encode(SIZE, b -> b.put(0, (byte) eofChar).put(1, (byte) errorChar).put(2, (byte) breakChar)
                .put(3, (byte) eventChar).put(4, (byte) xonChar).put(5, (byte) xoffChar));
    }

    /** From the C struct's bytes (a client's answer). */
    public static SerialChars fromBytes(byte[] bytes) {
        return SerialBuffer.decode(bytes, SIZE, "SERIAL_CHARS", SerialChars::read);
    }

    private static SerialChars read(java.nio.ByteBuffer b) {
        return new SerialChars(b.get(0) & 0xFF, b.get(1) & 0xFF, b.get(2) & 0xFF, b.get(3) & 0xFF, b.get(4) & 0xFF,
                b.get(5) & 0xFF);
    }
}
