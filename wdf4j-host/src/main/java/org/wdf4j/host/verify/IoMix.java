package org.wdf4j.host.verify;

import java.util.random.RandomGenerator;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.PendingIo;
import org.wdf4j.io.CtlCode;

/**
 * The I/O a case sends to a device it knows nothing about: reads, writes and device I/O controls (function codes
 * 0x800 to 0x80F of FILE_DEVICE_UNKNOWN, buffered, the range drivers' private codes start at) of random sizes, drawn
 * from the case's seeded generator. The driver's queues decide what it accepts; a request it does not handle is
 * answered STATUS_INVALID_DEVICE_REQUEST or STATUS_NOT_SUPPORTED, which is not a failure.
 */
final class IoMix {

    private IoMix() {
    }

    /** Sends one random request on {@code handle} and records it in {@code ledger}. */
    static IoLedger.Sent send(DeviceHandle handle, RandomGenerator random, IoLedger ledger) {
        int kind = random.nextInt(3);
        String where = " on " + handle.path();
        PendingIo io;
        String what;
        switch (kind) {
            case 0 -> {
                int length = 1 + random.nextInt(512);
                io = handle.readAsync(length);
                what = "read of " + length + " bytes" + where;
            }
            case 1 -> {
                byte[] data = new byte[1 + random.nextInt(512)];
                random.nextBytes(data);
                io = handle.writeAsync(data);
                what = "write of " + data.length + " bytes" + where;
            }
            default -> {
                int function = 0x800 + random.nextInt(16);
                int code = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, function, CtlCode.METHOD_BUFFERED,
                        CtlCode.FILE_ANY_ACCESS);
                byte[] input = new byte[random.nextInt(65)];
                random.nextBytes(input);
                int output = random.nextInt(65);
                io = handle.deviceIoControlAsync(code, input, output);
                what = String.format("device I/O control 0x%08X (in %d, out %d bytes)%s", code, input.length, output,
                        where);
            }
        }
        return ledger.add(what, io);
    }
}
