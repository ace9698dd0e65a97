package org.wdf4j.testdrivers;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfFileObject;
import org.wdf4j.device.WdfFileObjectConfig;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.io.CtlCode;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfIoReadiness;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A PnP driver for the host's FUSE tests: each device behaves like a pipe, so that real programs reading, writing,
 * polling and sending {@code ioctl}s to the device's file can be checked against it. Hardware ID
 * {@code ROOT\FUSEPIPE}; every device has interface {@link #GUID_FUSEPIPE} (no reference string) and the security
 * descriptor {@code D:P(A;;GA;;;SY)(A;;GRGW;;;WD)}, so any user may open it for reading and writing. Every open
 * succeeds (EvtDeviceFileCreate completes STATUS_SUCCESS).
 *
 * <h2>The pipe</h2>
 * A device holds up to {@link #CAPACITY} bytes (64 KiB), shared by all its opens, in one parallel default queue:
 * <ul>
 *   <li><b>write</b> appends its bytes and completes with information = its length; a write that would overflow the
 *       buffer fails with STATUS_INSUFFICIENT_RESOURCES and appends nothing. The new data then satisfies the pending
 *       reads, oldest first.</li>
 *   <li><b>read</b> with data waiting takes up to its length from the front of the buffer and completes at once. With
 *       none it is pended (a {@code DbgPrint} line {@code "read pended, N pending"}): marked cancelable and kept until a
 *       write brings data. A program's signal interrupting its blocked read cancels the request; the cancel routine
 *       completes it with STATUS_CANCELLED (the program sees EINTR), counts it and prints {@code "read cancelled"}.</li>
 * </ul>
 * After every change the device's readiness ({@link WdfDevice#setIoReadiness}) is readable iff the buffer is not empty,
 * and always writable; it starts as {@link WdfIoReadiness#WRITABLE}. So a program polling for {@code POLLIN} wakes when
 * a write brings data, and {@code POLLOUT} is always reported.
 *
 * <h2>Control codes</h2>
 * Linux request numbers, as a program passes them to {@code ioctl(2)} (built with {@link CtlCode}):
 * <ul>
 *   <li>{@link #IOCTL_FUSEPIPE_CANCEL_COUNT}: how many reads were cancelled (a signed 64-bit count, little-endian);</li>
 *   <li>{@link #IOCTL_FUSEPIPE_REVERSE}: the 16 input bytes in reverse order (STATUS_INVALID_PARAMETER when the input is
 *       shorter, STATUS_BUFFER_TOO_SMALL when the output is);</li>
 *   <li>{@link #IOCTL_FUSEPIPE_OPENER_PID}: the process ID of the program that opened the handle the code was sent
 *       through ({@code WdfFileObject.requestor().processId()}), 64-bit little-endian;</li>
 *   <li>{@link #IOCTL_FUSEPIPE_PENDING_READS}: how many reads are pended now, 32-bit little-endian;</li>
 *   <li>{@link #IOCTL_FUSEPIPE_INTERNAL_COUNT}: how many internal device controls reached its
 *       EvtIoInternalDeviceControl, 64-bit little-endian (only a driver can send one: a program's ioctl never is one,
 *       ST8);</li>
 *   <li>any other code fails with STATUS_INVALID_DEVICE_REQUEST.</li>
 * </ul>
 * Its EvtIoInternalDeviceControl counts and completes every internal device control with STATUS_SUCCESS, whatever its
 * code.
 * A code whose output buffer is too short fails with STATUS_BUFFER_TOO_SMALL.
 *
 * <h2>Cancellation</h2>
 * The device's state is guarded by a plain Java lock of its own (the queue's synchronization scope is NONE). A pended
 * read is put in the list before it is marked cancelable, both under the lock, so its cancel routine, whenever and on
 * whatever thread it runs, finds it there (or finds that a write took it). A write takes a pended read off the list and
 * calls {@code unmarkCancelable}: when that answers STATUS_CANCELLED the cancel routine owns the request and the write
 * leaves it alone; the routine still counts it. Requests are completed after the lock is released.
 */
public final class FusePipeDriver implements DriverEntry {

    /** The interface class of the pipe devices. */
    public static final UUID GUID_FUSEPIPE = UUID.fromString("8448834e-6ea2-4d69-ae2e-e019558a9a43");

    /** The most bytes a device's buffer holds. */
    public static final int CAPACITY = 64 * 1024;

    /** {@code _IOR('P', 1, long)}: the number of cancelled reads, 8 bytes little-endian. */
    public static final int IOCTL_FUSEPIPE_CANCEL_COUNT = CtlCode.ioctlIor('P', 1, 8);
    /** {@code _IOWR('P', 2, char[16])}: the 16 input bytes reversed. */
    public static final int IOCTL_FUSEPIPE_REVERSE = CtlCode.ioctlIowr('P', 2, 16);
    /** {@code _IOR('P', 3, long)}: the process ID of the handle's opener, 8 bytes little-endian. */
    public static final int IOCTL_FUSEPIPE_OPENER_PID = CtlCode.ioctlIor('P', 3, 8);
    /** {@code _IOR('P', 4, int)}: the number of pended reads, 4 bytes little-endian. */
    public static final int IOCTL_FUSEPIPE_PENDING_READS = CtlCode.ioctlIor('P', 4, 4);
    /** {@code _IOR('P', 5, long)}: the number of internal device controls received, 8 bytes little-endian. */
    public static final int IOCTL_FUSEPIPE_INTERNAL_COUNT = CtlCode.ioctlIor('P', 5, 8);

    static final class DeviceContext {
        /** Guards every field below. */
        final Object lock = new Object();
        /** The pipe's bytes, {@code count} of them from index 0. */
        final byte[] buffer = new byte[CAPACITY];
        int count;
        /** Pended reads, oldest first; each is marked cancelable. */
        final Deque<WdfRequest> pendingReads = new ArrayDeque<>();
        /** Reads completed with STATUS_CANCELLED. */
        long cancelled;
        /** Internal device controls received. */
        long internalControls;
        WdfDevice device;
    }

    static final ContextType<DeviceContext> DEVICE = ContextType.declare(DeviceContext.class, DeviceContext::new);

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(FusePipeDriver::deviceAdd));
        return created.status();
    }

    static NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit init) {
        DbgPrint.print("EvtDriverDeviceAdd %s", init.hardwareId());
        init.assignSddl("D:P(A;;GA;;;SY)(A;;GRGW;;;WD)");
        init.setFileObjectConfig(WdfFileObjectConfig.init(FusePipeDriver::fileCreate, null, null),
                WdfObjectAttributes.NONE);
        NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.of(DEVICE));
        if (!device.isSuccess()) {
            DbgPrint.print("WdfDeviceCreate failed %s", device.status());
            return device.status();
        }
        DEVICE.get(device.value()).device = device.value();
        NtStatus status = device.value().createDeviceInterface(GUID_FUSEPIPE, null);
        if (!status.isSuccess()) {
            return status;
        }
        status = WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead(FusePipeDriver::read)
                .withIoWrite(FusePipeDriver::write)
                .withIoDeviceControl(FusePipeDriver::deviceControl)
                .withIoInternalDeviceControl(FusePipeDriver::internalDeviceControl), WdfObjectAttributes.NONE).status();
        if (!status.isSuccess()) {
            return status;
        }
        device.value().setIoReadiness(WdfIoReadiness.WRITABLE);
        return NtStatus.STATUS_SUCCESS;
    }

    static void fileCreate(WdfDevice device, WdfRequest request, WdfFileObject fileObject) {
        request.complete(NtStatus.STATUS_SUCCESS);
    }

    /** Appends the data, then gives it to the pended reads, oldest first. */
    static void write(WdfQueue queue, WdfRequest request, long length) {
        if (length == 0) {
            request.completeWithInformation(NtStatus.STATUS_SUCCESS, 0);
            return;
        }
        NtResult<ByteBuffer> in = request.retrieveInputBuffer(length);
        if (!in.isSuccess()) {
            request.complete(in.status());
            return;
        }
        DeviceContext context = DEVICE.get(queue.device());
        List<WdfRequest> satisfied = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        List<NtStatus> statuses = new ArrayList<>();
        synchronized (context.lock) {
            if (length > CAPACITY - context.count) {
                request.complete(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
                return;
            }
            in.value().get(0, context.buffer, context.count, (int) length);
            context.count += (int) length;
            while (context.count > 0 && !context.pendingReads.isEmpty()) {
                WdfRequest read = context.pendingReads.removeFirst();
                if (NtStatus.STATUS_CANCELLED.equals(read.unmarkCancelable())) {
                    continue; // its cancel routine owns it (and counts it)
                }
                NtResult<ByteBuffer> out = read.retrieveOutputBuffer(1);
                satisfied.add(read);
                if (!out.isSuccess()) {
                    statuses.add(out.status());
                    sizes.add(0L);
                    continue;
                }
                statuses.add(NtStatus.STATUS_SUCCESS);
                sizes.add((long) take(context, out.value(), out.value().limit()));
            }
            updateReadiness(context);
        }
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
        for (int i = 0; i < satisfied.size(); i++) {
            satisfied.get(i).completeWithInformation(statuses.get(i), sizes.get(i));
        }
    }

    /** Takes up to {@code length} bytes at once, or pends the read until a write brings data. */
    static void read(WdfQueue queue, WdfRequest request, long length) {
        DeviceContext context = DEVICE.get(queue.device());
        NtResult<ByteBuffer> out = request.retrieveOutputBuffer(1);
        if (!out.isSuccess()) {
            request.complete(out.status());
            return;
        }
        int taken;
        synchronized (context.lock) {
            if (context.count > 0) {
                taken = take(context, out.value(), (int) Math.min(length, out.value().limit()));
                updateReadiness(context);
            } else {
                // In the list before it is cancelable: its cancel routine (which takes the lock) must find it there.
                context.pendingReads.addLast(request);
                if (!NtStatus.STATUS_CANCELLED.equals(request.markCancelableEx(r -> cancel(context, r)))) {
                    // Pended (or, cancelled meanwhile, already completed by the routine): not to be touched again.
                    DbgPrint.print("read pended, %d pending", context.pendingReads.size());
                    return;
                }
                // Cancelled before it could be marked: WDF leaves it to the driver.
                context.pendingReads.remove(request);
                context.cancelled++;
                taken = -1;
            }
        }
        if (taken < 0) {
            DbgPrint.print("read cancelled");
            request.completeWithInformation(NtStatus.STATUS_CANCELLED, 0);
        } else {
            request.completeWithInformation(NtStatus.STATUS_SUCCESS, taken);
        }
    }

    /** EvtRequestCancel of a pended read: this routine owns it. */
    static void cancel(DeviceContext context, WdfRequest request) {
        synchronized (context.lock) {
            context.pendingReads.remove(request); // absent when a write took it first
            context.cancelled++;
        }
        DbgPrint.print("read cancelled");
        request.completeWithInformation(NtStatus.STATUS_CANCELLED, 0);
    }

    static void deviceControl(WdfQueue queue, WdfRequest request, long outputBufferLength, long inputBufferLength,
                              int ioControlCode) {
        DeviceContext context = DEVICE.get(queue.device());
        if (ioControlCode == IOCTL_FUSEPIPE_CANCEL_COUNT) {
            long cancelled;
            synchronized (context.lock) {
                cancelled = context.cancelled;
            }
            answerLong(request, cancelled);
        } else if (ioControlCode == IOCTL_FUSEPIPE_INTERNAL_COUNT) {
            long internal;
            synchronized (context.lock) {
                internal = context.internalControls;
            }
            answerLong(request, internal);
        } else if (ioControlCode == IOCTL_FUSEPIPE_OPENER_PID) {
            answerLong(request, request.fileObject().requestor().processId());
        } else if (ioControlCode == IOCTL_FUSEPIPE_PENDING_READS) {
            int pending;
            synchronized (context.lock) {
                pending = context.pendingReads.size();
            }
            NtResult<ByteBuffer> out = request.retrieveOutputBuffer(4);
            if (!out.isSuccess()) {
                request.complete(out.status());
                return;
            }
            out.value().order(ByteOrder.LITTLE_ENDIAN).putInt(0, pending);
            request.completeWithInformation(NtStatus.STATUS_SUCCESS, 4);
        } else if (ioControlCode == IOCTL_FUSEPIPE_REVERSE) {
            NtResult<ByteBuffer> in = request.retrieveInputBuffer(16);
            if (!in.isSuccess()) {
                request.complete(NtStatus.STATUS_INVALID_PARAMETER);
                return;
            }
            NtResult<ByteBuffer> out = request.retrieveOutputBuffer(16);
            if (!out.isSuccess()) {
                request.complete(NtStatus.STATUS_BUFFER_TOO_SMALL);
                return;
            }
            byte[] data = new byte[16];
            in.value().get(0, data);
            for (int i = 0; i < 16; i++) {
                out.value().put(i, data[15 - i]);
            }
            request.completeWithInformation(NtStatus.STATUS_SUCCESS, 16);
        } else {
            request.complete(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
    }

    /** EvtIoInternalDeviceControl: counts it and completes it, whatever its code. */
    static void internalDeviceControl(WdfQueue queue, WdfRequest request, long outputBufferLength,
                                      long inputBufferLength, int ioControlCode) {
        DbgPrint.print("EvtIoInternalDeviceControl 0x%08x", ioControlCode);
        DeviceContext context = DEVICE.get(queue.device());
        synchronized (context.lock) {
            context.internalControls++;
        }
        request.complete(NtStatus.STATUS_SUCCESS);
    }

    private static void answerLong(WdfRequest request, long value) {
        NtResult<ByteBuffer> out = request.retrieveOutputBuffer(8);
        if (!out.isSuccess()) {
            request.complete(out.status());
            return;
        }
        out.value().order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, 8);
    }

    /** Under the lock: moves up to {@code max} bytes from the front of the buffer to {@code out}; answers how many. */
    private static int take(DeviceContext context, ByteBuffer out, int max) {
        int n = Math.min(max, context.count);
        out.put(0, context.buffer, 0, n);
        System.arraycopy(context.buffer, n, context.buffer, 0, context.count - n);
        context.count -= n;
        return n;
    }

    /** Under the lock, so that readiness changes reach the device in the order the buffer changed. */
    private static void updateReadiness(DeviceContext context) {
        context.device.setIoReadiness(WdfIoReadiness.of(context.count > 0, true));
    }
}
