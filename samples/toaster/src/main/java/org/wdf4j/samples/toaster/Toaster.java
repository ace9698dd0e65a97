package org.wdf4j.samples.toaster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.io.CtlCode;
import org.wdf4j.io.WdfRequest;

/** What the toaster drivers and their clients share: the interface class, the control codes, a request's trace. */
public final class Toaster {

    /** {@code GUID_DEVINTERFACE_TOASTER} of Microsoft's samples: clients and toastmon find toasters by it. */
    public static final UUID GUID_DEVINTERFACE_TOASTER = UUID.fromString("781ef630-72b2-11d2-b852-00c04fad5171");

    /** The hardware ID a toaster bus gives its children (Microsoft's {@code BUS_HARDWARE_IDS}). */
    public static final String HARDWARE_ID = "{b85b7c50-6a01-11d2-b841-00c04fad5171}\\MsToaster";

    /**
     * Answers what each level of the stack has seen, one line per driver, function driver first then each filter on
     * the way back up: {@code NAME reads=R writes=W controls=C} (the control itself is counted after it is answered).
     * Output: up to 1024 bytes of UTF-8 text.
     */
    public static final int IOCTL_TOASTER_STATS = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x900,
            CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);

    private Toaster() {
    }

    /** The driver's name: the last component of its registry path (its service name). */
    static String serviceName(String registryPath) {
        return registryPath.substring(registryPath.lastIndexOf('\\') + 1);
    }

    /** What one level of a toaster stack has seen (a device's context in each driver). */
    static final class Counts {
        String driver;
        final AtomicLong reads = new AtomicLong();
        final AtomicLong writes = new AtomicLong();
        final AtomicLong controls = new AtomicLong();

        /** Its line of a stats control, {@code controls} being the controls counted before this one. */
        String line(long controlsBefore) {
            return driver + " reads=" + reads.get() + " writes=" + writes.get() + " controls=" + controlsBefore;
        }
    }

    /**
     * The PnP and power callbacks of every toaster driver: each prints {@code PNP DRIVER CALLBACK NANOTIME}, a time
     * that orders the callbacks of all drivers of one process (all drivers of a stack share one).
     */
    static WdfPnpPowerEventCallbacks tracingCallbacks(String driver) {
        return WdfPnpPowerEventCallbacks.init()
                .withPrepareHardware(d -> trace(driver, "PrepareHardware"))
                .withD0Entry((d, from) -> trace(driver, "D0Entry"))
                .withD0Exit((d, to) -> trace(driver, "D0Exit"))
                .withReleaseHardware(d -> trace(driver, "ReleaseHardware"));
    }

    private static NtStatus trace(String driver, String callback) {
        DbgPrint.print("PNP %s %s %d", driver, callback, System.nanoTime());
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * Appends {@code line} and a newline to the output of a stats control after the {@code written} bytes already
     * there; answers the bytes written in all (what does not fit is left out).
     */
    static long appendLine(WdfRequest request, long written, String line) {
        var out = request.retrieveOutputBuffer(0);
        if (!out.isSuccess()) {
            return written;
        }
        ByteBuffer buffer = out.value();
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (written + bytes.length > buffer.capacity()) {
            return written;
        }
        buffer.put((int) written, bytes);
        return written + bytes.length;
    }
}
