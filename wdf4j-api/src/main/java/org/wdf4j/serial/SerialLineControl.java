package org.wdf4j.serial;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequest;

/**
 * {@code SERIAL_LINE_CONTROL}: the frame of {@link SerialIoctl#IOCTL_SERIAL_SET_LINE_CONTROL} and
 * {@link SerialIoctl#IOCTL_SERIAL_GET_LINE_CONTROL}.
 *
 * @param stopBits {@link #STOP_BIT_1}, {@link #STOP_BITS_1_5} (5 data bits only) or {@link #STOP_BITS_2}
 * @param parity {@link #NO_PARITY}, {@link #ODD_PARITY}, {@link #EVEN_PARITY}, {@link #MARK_PARITY} or
 *     {@link #SPACE_PARITY}
 * @param wordLength data bits, 5 to 8
 */
public record SerialLineControl(int stopBits, int parity, int wordLength) {

    /** The size of the C struct: three UCHARs. */
    public static final int SIZE = 3;

    public static final int STOP_BIT_1 = 0;
    public static final int STOP_BITS_1_5 = 1;
    public static final int STOP_BITS_2 = 2;
    public static final int NO_PARITY = 0;
    public static final int ODD_PARITY = 1;
    public static final int EVEN_PARITY = 2;
    public static final int MARK_PARITY = 3;
    public static final int SPACE_PARITY = 4;

    /** 8 data bits, no parity, 1 stop bit. */
    public static final SerialLineControl EIGHT_N_ONE = new SerialLineControl(STOP_BIT_1, NO_PARITY, 8);

    public SerialLineControl {
        if (wordLength < 5 || wordLength > 8) {
            throw new IllegalArgumentException("WordLength must be 5 to 8 data bits, not " + wordLength);
        }
        if (parity < NO_PARITY || parity > SPACE_PARITY) {
            throw new IllegalArgumentException("Parity must be NO_PARITY (0) to SPACE_PARITY (4), not " + parity);
        }
        boolean valid = stopBits == STOP_BIT_1 || (stopBits == STOP_BITS_1_5 && wordLength == 5)
                || (stopBits == STOP_BITS_2 && wordLength != 5);
        if (!valid) {
            throw new IllegalArgumentException("StopBits must be STOP_BIT_1 (0), STOP_BITS_1_5 (1, with 5 data bits"
                    + " only) or STOP_BITS_2 (2, with 6 to 8 data bits), not " + stopBits + " with " + wordLength
                    + " data bits");
        }
    }

    /**
     * Reads it from a control request's input buffer: STATUS_BUFFER_TOO_SMALL, or STATUS_INVALID_PARAMETER for a
     * frame a UART cannot have (as a serial driver answers it).
     */
    public static NtResult<SerialLineControl> fromRequest(WdfRequest request) {
        NtResult<int[]> raw = SerialBuffer.fromInput(request, SIZE,
                b -> new int[] {b.get(0) & 0xFF, b.get(1) & 0xFF, b.get(2) & 0xFF});
        if (!raw.isSuccess()) {
            return NtResult.failure(raw.status());
        }
        try {
            return NtResult.success(new SerialLineControl(raw.value()[0], raw.value()[1], raw.value()[2]));
        } catch (IllegalArgumentException e) {
            return NtResult.failure(NtStatus.STATUS_INVALID_PARAMETER);
        }
    }

    /** Writes it to a control request's output buffer and sets the information; the driver completes the request. */
    public NtStatus copyToRequest(WdfRequest request) {
        return SerialBuffer.toOutput(request, toBytes());
    }

    /** The C struct's bytes. */
    public byte[] toBytes() {
        return SerialBuffer.encode(SIZE, b -> b.put(0, (byte) stopBits).put(1, (byte) parity).put(2, (byte) wordLength));
    }

    /** From the C struct's bytes (a client's answer). */
    public static SerialLineControl fromBytes(byte[] bytes) {
        return SerialBuffer.decode(bytes, SIZE, "SERIAL_LINE_CONTROL",
                b -> new SerialLineControl(b.get(0) & 0xFF, b.get(1) & 0xFF, b.get(2) & 0xFF));
    }

    /** As terminal programs write it: {@code 8N1}, {@code 7E2}, {@code 5O1.5}. */
    @Override
    public String toString() {
        return wordLength + "NOEMS".substring(parity, parity + 1)
                + (stopBits == STOP_BIT_1 ? "1" : stopBits == STOP_BITS_2 ? "2" : "1.5");
    }
}
