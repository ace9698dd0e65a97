package org.wdf4j.testdrivers;

import java.nio.ByteBuffer;
import java.util.UUID;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Reads and writes of any size whose bytes are known, for the zero-copy buffer tests (issue #14). A PnP driver for any
 * hardware ID; interface {@link #GUID_PATTERN}; a Parallel default queue, requests completed inline.
 * <ul>
 *   <li><b>write</b> keeps a copy of its data (the device's last write) and completes with its length;</li>
 *   <li><b>read</b> fills its output with the last write's bytes, or before any write with {@link #pattern}, and
 *       completes with as many bytes as it filled.</li>
 * </ul>
 * A device whose hardware ID ends in {@code KEEP} misbehaves: it keeps each read's output buffer after completing the
 * read and, at the next read, first writes {@code 0x66} over all of the kept one (a use after completion: the
 * verifier must report it, and the later read's data must be intact). Prints {@code "stale write failed: ..."} when
 * the write into the kept buffer throws.
 */
public final class PatternDriver implements DriverEntry {

    public static final UUID GUID_PATTERN = UUID.fromString("3f0b8d2a-6c1e-4a57-9e0d-2b7c5a1f8e64");

    /** Byte {@code i} of a read before any write. */
    public static byte pattern(int i) {
        return (byte) (i * 7 + 3);
    }

    static final class DeviceContext {
        /** Guarded by this: the last write's bytes (null before any). */
        byte[] last;
        /** Guarded by this: the output buffer of the last read, kept after its completion (KEEP devices). */
        ByteBuffer kept;
        boolean keep;
    }

    static final ContextType<DeviceContext> DEVICE = ContextType.declare(DeviceContext.class, DeviceContext::new);

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(PatternDriver::deviceAdd)).status();
    }

    static NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit init) {
        boolean keep = init.hardwareId().endsWith("KEEP");
        NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.of(DEVICE));
        if (!device.isSuccess()) {
            return device.status();
        }
        DEVICE.get(device.value()).keep = keep;
        NtStatus status = device.value().createDeviceInterface(GUID_PATTERN, null);
        if (!status.isSuccess()) {
            return status;
        }
        return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead(PatternDriver::read)
                .withIoWrite(PatternDriver::write), WdfObjectAttributes.NONE).status();
    }

    static void write(WdfQueue queue, WdfRequest request, long length) {
        NtResult<ByteBuffer> in = request.retrieveInputBuffer(length);
        if (!in.isSuccess()) {
            request.complete(in.status());
            return;
        }
        byte[] copy = new byte[in.value().remaining()];
        in.value().get(copy);
        DeviceContext context = DEVICE.get(queue.device());
        synchronized (context) {
            context.last = copy;
        }
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, copy.length);
    }

    static void read(WdfQueue queue, WdfRequest request, long length) {
        NtResult<ByteBuffer> out = request.retrieveOutputBuffer(length);
        if (!out.isSuccess()) {
            request.complete(out.status());
            return;
        }
        ByteBuffer b = out.value();
        DeviceContext context = DEVICE.get(queue.device());
        int n;
        synchronized (context) {
            if (context.kept != null) {
                try {
                    ByteBuffer stale = context.kept;
                    for (int i = 0; i < stale.capacity(); i++) {
                        stale.put(i, (byte) 0x66);
                    }
                } catch (IllegalStateException e) {
                    DbgPrint.print("stale write failed: %s", e);
                }
                context.kept = null;
            }
            if (context.last == null) {
                n = b.remaining();
                for (int i = 0; i < n; i++) {
                    b.put(i, pattern(i));
                }
            } else {
                n = Math.min(b.remaining(), context.last.length);
                b.put(0, context.last, 0, n);
            }
            if (context.keep) {
                context.kept = b;
            }
        }
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, n);
    }
}
