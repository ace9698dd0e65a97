package org.wdf4j.samples.ramdisk;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.disk.Disk;
import org.wdf4j.disk.DiskParameters;
import org.wdf4j.io.CtlCode;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestParameters;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * The RAM disk's device: its memory, a disk interface ({@link Disk#GUID_DEVINTERFACE_DISK}), and one parallel default
 * queue that answers
 * <ul>
 *   <li>reads and writes at their {@code deviceOffset}, checked against the disk ({@link DiskParameters#checkTransfer});
 *       </li>
 *   <li>the disk control codes ({@link DiskParameters#answer}) and {@link #IOCTL_RAMDISK_QUERY_STATISTICS};</li>
 *   <li>flushes ({@code FLUSH_BUFFERS} in EvtIoDefault): memory has nothing to write back, so a flush is counted
 *       and completed.</li>
 * </ul>
 * Reads run in parallel; a write excludes reads and other writes for the time of its copy.
 */
final class RamDiskDevice {

    /**
     * This sample's own control code: output three little-endian LONGLONGs, the reads, writes and flushes the disk
     * has completed.
     */
    static final int IOCTL_RAMDISK_QUERY_STATISTICS = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x900,
            CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);
    /** The memory is held in chunks of this size, so a disk may be larger than one array. */
    private static final int CHUNK = 1 << 20;

    /** The device's state. */
    static final class DiskContext {
        /** Set once in {@link #create}, before the queue exists. */
        DiskParameters disk;
        /** The disk's bytes; guarded by {@link #lock} (read lock to read, write lock to write). */
        byte[][] chunks;
        final ReadWriteLock lock = new ReentrantReadWriteLock();
        final AtomicLong reads = new AtomicLong();
        final AtomicLong writes = new AtomicLong();
        final AtomicLong flushes = new AtomicLong();
    }

    static final ContextType<DiskContext> DISK_CONTEXT = ContextType.declare(DiskContext.class, DiskContext::new);

    private RamDiskDevice() {
    }

    static NtStatus create(WdfDeviceInit deviceInit, DiskParameters disk) {
        NtResult<WdfDevice> created = WdfDevice.create(deviceInit, WdfObjectAttributes.of(DISK_CONTEXT));
        if (!created.isSuccess()) {
            return created.status();
        }
        WdfDevice device = created.value();
        DiskContext context = DISK_CONTEXT.get(device);
        context.disk = disk;
        int count = (int) ((disk.sizeBytes() + CHUNK - 1) / CHUNK);
        context.chunks = new byte[count][];
        for (int i = 0; i < count; i++) {
            context.chunks[i] = new byte[(int) Math.min(CHUNK, disk.sizeBytes() - (long) i * CHUNK)];
        }
        NtResult<WdfQueue> queue = WdfQueue.create(device,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead(RamDiskDevice::evtIoRead)
                        .withIoWrite(RamDiskDevice::evtIoWrite)
                        .withIoDeviceControl(RamDiskDevice::evtIoDeviceControl)
                        .withIoDefault(RamDiskDevice::evtIoDefault),
                WdfObjectAttributes.NONE);
        if (!queue.isSuccess()) {
            return queue.status();
        }
        // The interface class makes the device a disk: the host gives it a seekable file and a loop device.
        return device.createDeviceInterface(Disk.GUID_DEVINTERFACE_DISK, null);
    }

    static void evtIoRead(WdfQueue queue, WdfRequest request, long length) {
        transfer(queue, request, length, false);
    }

    static void evtIoWrite(WdfQueue queue, WdfRequest request, long length) {
        transfer(queue, request, length, true);
    }

    /**
     * A read ({@code toDisk} false) or write at the request's deviceOffset: checked against the disk, then copied
     * under the read lock (a read) or the write lock (a write).
     */
    private static void transfer(WdfQueue queue, WdfRequest request, long length, boolean toDisk) {
        DiskContext context = DISK_CONTEXT.get(queue.device());
        WdfRequestParameters parameters = request.parameters();
        NtStatus status = context.disk.checkTransfer(parameters);
        if (!status.isSuccess()) {
            request.complete(status);
            return;
        }
        NtResult<ByteBuffer> buffer = toDisk ? request.retrieveInputBuffer(length) : request.retrieveOutputBuffer(length);
        if (!buffer.isSuccess()) {
            request.complete(buffer.status());
            return;
        }
        Lock lock = toDisk ? context.lock.writeLock() : context.lock.readLock();
        lock.lock();
        try {
            copy(context, parameters.deviceOffset(), buffer.value(), (int) length, toDisk);
        } finally {
            lock.unlock();
        }
        (toDisk ? context.writes : context.reads).incrementAndGet();
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
    }

    /** Copies {@code length} bytes between the disk at {@code offset} and {@code buffer} (from its position 0). */
    private static void copy(DiskContext context, long offset, ByteBuffer buffer, int length, boolean toDisk) {
        int done = 0;
        while (done < length) {
            long at = offset + done;
            byte[] chunk = context.chunks[(int) (at / CHUNK)];
            int within = (int) (at % CHUNK);
            int n = Math.min(length - done, chunk.length - within);
            if (toDisk) {
                buffer.get(done, chunk, within, n);
            } else {
                buffer.put(done, chunk, within, n);
            }
            done += n;
        }
    }

    static void evtIoDeviceControl(WdfQueue queue, WdfRequest request, long outputLength, long inputLength,
                                   int ioControlCode) {
        DiskContext context = DISK_CONTEXT.get(queue.device());
        if (ioControlCode == IOCTL_RAMDISK_QUERY_STATISTICS) {
            NtResult<ByteBuffer> out = request.retrieveOutputBuffer(24);
            if (!out.isSuccess()) {
                request.complete(out.status());
                return;
            }
            out.value().order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, context.reads.get())
                    .putLong(8, context.writes.get()).putLong(16, context.flushes.get());
            request.completeWithInformation(NtStatus.STATUS_SUCCESS, 24);
            return;
        }
        request.complete(context.disk.answer(request, ioControlCode));
    }

    /** Flushes: nothing to write back from memory; counted. Anything else this queue has no handler for is refused. */
    static void evtIoDefault(WdfQueue queue, WdfRequest request) {
        if (request.parameters().type() == WdfRequestType.FLUSH_BUFFERS) {
            DISK_CONTEXT.get(queue.device()).flushes.incrementAndGet();
            request.complete(NtStatus.STATUS_SUCCESS);
        } else {
            request.complete(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
    }
}
