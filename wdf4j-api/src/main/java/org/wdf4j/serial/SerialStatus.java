package org.wdf4j.serial;

import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequest;

/**
 * {@code SERIAL_STATUS}: what {@link SerialIoctl#IOCTL_SERIAL_GET_COMMSTATUS} answers (Win32's {@code ClearCommError}).
 *
 * @param errors {@code SERIAL_ERROR_*} flags since the last call
 * @param holdReasons {@code SERIAL_TX_WAITING_*} flags
 * @param amountInInQueue bytes received and not yet read
 * @param amountInOutQueue bytes written and not yet sent
 * @param eofReceived an EOF character was received
 * @param waitForImmediate an immediate character waits to be sent
 */
public record SerialStatus(int errors, int holdReasons, int amountInInQueue, int amountInOutQueue, boolean eofReceived,
                           boolean waitForImmediate) {

    /** The size of the C struct: four ULONGs and two BOOLEANs, padded to 20. */
    public static final int SIZE = 20;

    /** Writes it to a control request's output buffer and sets the information; the driver completes the request. */
    public NtStatus copyToRequest(WdfRequest request) {
        return SerialBuffer.toOutput(request, toBytes());
    }

    /** The C struct's bytes. */
    public byte[] toBytes() {
        return SerialBuffer.encode(SIZE, b -> b.putInt(0, errors).putInt(4, holdReasons).putInt(8, amountInInQueue)
                .putInt(12, amountInOutQueue).put(16, (byte) (eofReceived ? 1 : 0))
                .put(17, (byte) (waitForImmediate ? 1 : 0)));
    }

    /** From the C struct's bytes (a client's answer). */
    public static SerialStatus fromBytes(byte[] bytes) {
        return SerialBuffer.decode(bytes, SIZE, "SERIAL_STATUS", b -> new SerialStatus(b.getInt(0), b.getInt(4),
                b.getInt(8), b.getInt(12), b.get(16) != 0, b.get(17) != 0));
    }
}
