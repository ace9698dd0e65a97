package org.wdf4j.samples.toaster;

import java.nio.ByteBuffer;
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
 * The toaster function driver, after Microsoft's {@code toaster\func} sample: a device with the toaster interface and
 * a default queue. A toaster keeps what is written to it (up to 4 KiB) and gives it back to the next reads, then reads
 * end (0 bytes), so a program can {@code cat} it; {@link Toaster#IOCTL_TOASTER_STATS} answers its counts.
 */
public final class ToasterDriver implements DriverEntry {

    /** The most a toaster keeps. */
    public static final int CAPACITY = 4096;

    /** A toaster's state. */
    static final class ToasterContext {
        final Toaster.Counts counts = new Toaster.Counts();
        /** What was written and not read yet; guarded by itself. */
        final ByteBuffer bread = ByteBuffer.allocate(CAPACITY);
    }

    static final ContextType<ToasterContext> CONTEXT = ContextType.declare(ToasterContext.class, ToasterContext::new);

    private static volatile String name = "toaster";

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        name = Toaster.serviceName(registryPath);
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(ToasterDriver::evtDeviceAdd).withUnload(d -> DbgPrint.print("Toaster: unload")));
        return created.status();
    }

    static NtStatus evtDeviceAdd(WdfDriver driver, WdfDeviceInit init) {
        String me = name;
        init.setPnpPowerEventCallbacks(Toaster.tracingCallbacks(me));
        NtResult<WdfDevice> created = WdfDevice.create(init, WdfObjectAttributes.of(CONTEXT));
        if (!created.isSuccess()) {
            return created.status();
        }
        WdfDevice device = created.value();
        CONTEXT.get(device).counts.driver = me;
        NtStatus status = device.createDeviceInterface(Toaster.GUID_DEVINTERFACE_TOASTER, null);
        if (!status.isSuccess()) {
            return status;
        }
        return WdfQueue.create(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead(ToasterDriver::read)
                .withIoWrite(ToasterDriver::write)
                .withIoDeviceControl(ToasterDriver::control), WdfObjectAttributes.NONE).status();
    }

    private static void read(WdfQueue queue, WdfRequest request, long length) {
        ToasterContext t = CONTEXT.get(queue.device());
        t.counts.reads.incrementAndGet();
        NtResult<ByteBuffer> out = request.retrieveOutputBuffer(0);
        if (!out.isSuccess()) {
            request.complete(out.status());
            return;
        }
        int n;
        synchronized (t.bread) {
            t.bread.flip();
            n = (int) Math.min(t.bread.remaining(), out.value().remaining());
            byte[] bytes = new byte[n];
            t.bread.get(bytes);
            t.bread.compact();
            out.value().put(bytes);
        }
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, n);
    }

    private static void write(WdfQueue queue, WdfRequest request, long length) {
        ToasterContext t = CONTEXT.get(queue.device());
        t.counts.writes.incrementAndGet();
        NtResult<ByteBuffer> in = request.retrieveInputBuffer(0);
        if (!in.isSuccess()) {
            request.complete(in.status());
            return;
        }
        int n;
        synchronized (t.bread) {
            n = Math.min(in.value().remaining(), t.bread.remaining());
            byte[] bytes = new byte[n];
            in.value().get(bytes);
            t.bread.put(bytes);
        }
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, n);
    }

    private static void control(WdfQueue queue, WdfRequest request, long outputLength, long inputLength, int code) {
        ToasterContext t = CONTEXT.get(queue.device());
        if (code != Toaster.IOCTL_TOASTER_STATS) {
            request.complete(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
            return;
        }
        long written = Toaster.appendLine(request, 0, t.counts.line(t.counts.controls.get()));
        t.counts.controls.incrementAndGet();
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, written);
    }
}
