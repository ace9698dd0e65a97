package org.wdf4j.serial;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequest;

/**
 * {@code SERIAL_TIMEOUTS}: how long reads and writes wait, in milliseconds, of {@link SerialIoctl#IOCTL_SERIAL_SET_TIMEOUTS}
 * and {@link SerialIoctl#IOCTL_SERIAL_GET_TIMEOUTS}. The values are ULONGs; {@link #MAXULONG} is {@code -1} here.
 *
 * <p>As Windows documents it: all zero, a read waits until its whole buffer is filled;
 * {@code ReadIntervalTimeout = MAXULONG} with both read totals zero, a read returns at once with what is there (maybe
 * nothing); {@code ReadIntervalTimeout} and {@code ReadTotalTimeoutMultiplier} both {@code MAXULONG} with
 * {@code 0 < ReadTotalTimeoutConstant < MAXULONG}, a read returns as soon as there is at least one byte, or with
 * STATUS_TIMEOUT after the constant. The host's pseudo-terminal asks for {@link #WAIT_FOR_ANY_BYTE}, the last of these.
 *
 * @param readIntervalTimeout longest gap between two received bytes
 * @param readTotalTimeoutMultiplier per byte asked for
 * @param readTotalTimeoutConstant added to a read's total
 * @param writeTotalTimeoutMultiplier per byte written
 * @param writeTotalTimeoutConstant added to a write's total
 */
public record SerialTimeouts(int readIntervalTimeout, int readTotalTimeoutMultiplier, int readTotalTimeoutConstant,
                             int writeTotalTimeoutMultiplier, int writeTotalTimeoutConstant) {

    /** The size of the C struct: five ULONGs. */
    public static final int SIZE = 20;
    /** {@code MAXULONG} (0xFFFFFFFF). */
    public static final int MAXULONG = -1;

    /** All zero: reads wait for their whole buffer, writes never time out. */
    public static final SerialTimeouts NONE = new SerialTimeouts(0, 0, 0, 0, 0);

    /** Reads return as soon as at least one byte is there (waiting up to about 49 days for it); writes never time out. */
    public static final SerialTimeouts WAIT_FOR_ANY_BYTE = new SerialTimeouts(MAXULONG, MAXULONG, MAXULONG - 1, 0, 0);

    /** Whether a read returns at once with whatever is there, even nothing. */
    public boolean readReturnsImmediately() {
        return readIntervalTimeout == MAXULONG && readTotalTimeoutMultiplier == 0 && readTotalTimeoutConstant == 0;
    }

    /**
     * Whether these are timeouts a serial driver accepts: all three read values {@code MAXULONG} is refused
     * (STATUS_INVALID_PARAMETER), as Windows' serial drivers refuse it.
     */
    public boolean isValid() {
        return !(readIntervalTimeout == MAXULONG && readTotalTimeoutMultiplier == MAXULONG
                && readTotalTimeoutConstant == MAXULONG);
    }

    /** Reads it from a control request's input buffer (STATUS_BUFFER_TOO_SMALL when shorter). */
    public static NtResult<SerialTimeouts> fromRequest(WdfRequest request) {
        return SerialBuffer.fromInput(request, SIZE, SerialTimeouts::read);
    }

    /** Writes it to a control request's output buffer and sets the information; the driver completes the request. */
    public NtStatus copyToRequest(WdfRequest request) {
        return SerialBuffer.toOutput(request, toBytes());
    }

    /** The C struct's bytes. */
    public byte[] toBytes() {
        return SerialBuffer.encode(SIZE, b -> b.putInt(0, readIntervalTimeout).putInt(4, readTotalTimeoutMultiplier)
                .putInt(8, readTotalTimeoutConstant).putInt(12, writeTotalTimeoutMultiplier)
                .putInt(16, writeTotalTimeoutConstant));
    }

    /** From the C struct's bytes (a client's answer). */
    public static SerialTimeouts fromBytes(byte[] bytes) {
        return SerialBuffer.decode(bytes, SIZE, "SERIAL_TIMEOUTS", SerialTimeouts::read);
    }

    private static SerialTimeouts read(java.nio.ByteBuffer b) {
        return new SerialTimeouts(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16));
    }
}
