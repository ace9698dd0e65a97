package org.wdf4j.host.fuse;

import static org.wdf4j.host.fuse.FuseProtocol.*;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.NtStatus;
import org.wdf4j.disk.DiskParameters;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;
import org.wdf4j.io.WdfIoReadiness;
import org.wdf4j.io.WdfRequestor;

/**
 * A device behind a FUSE file, through the host's {@link IoClient}, the way UMDF's reflector connects applications to
 * a driver:
 * <ul>
 *   <li>open: an {@link IoClient#openAsync} on behalf of the calling program (its pid, uid and gid reach
 *       EvtDeviceFileCreate); the driver may refuse it (its status becomes the errno);</li>
 *   <li>read, write, ioctl: read, write and device I/O control requests on that handle, answered when the driver
 *       completes them (the reader thread never waits); an ioctl's control code is the Linux request number;</li>
 *   <li>a signal to a program waiting in a call: the request is cancelled ({@link PendingIo#cancel}), so the driver's
 *       EvtRequestCancel runs, and the program sees EINTR;</li>
 *   <li>poll: the handle's readiness ({@link DeviceHandle#ioReadiness}), and a wake-up whenever the driver makes a
 *       read or write possible;</li>
 *   <li>the last close: the handle's close (EvtFileCleanup, EvtFileClose).</li>
 * </ul>
 * A disk's file ({@link #forDisk}) is seekable and has the disk's size: reads and writes carry their offsets to the
 * driver (the request's DeviceOffset), are cut at the end of the disk (a read there is end of file, a write
 * {@code ENOSPC}; writes to a read-only disk {@code EROFS}), and {@code fsync} is a FLUSH_BUFFERS request (a driver
 * that does not handle it has nothing to flush: success).
 * Statuses become errnos through {@link NtStatusErrno}. Once the file is {@link #detached() detached} (its device
 * removed, its driver unloaded, the session closed) every handle is closed, requests still pending and every later
 * call fail with ENODEV, and pollers are woken with POLLHUP|POLLERR.
 */
public final class DeviceFileHandler implements FuseFileHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceFileHandler.class);
    private static final int READY_ALWAYS = POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM;

    /** One program's open of the file. */
    private static final class Open {
        final DeviceHandle handle;
        volatile Runnable wakeup;
        volatile boolean listening;

        Open(DeviceHandle handle) {
            this.handle = handle;
        }

        void wake() {
            Runnable w = wakeup;
            if (w != null) {
                w.run();
            }
        }
    }

    private final IoClient client;
    private final String path;
    /** The disk behind the file, or null for a stream device. */
    private final DiskParameters disk;
    private final Map<Long, Open> opens = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);
    private volatile boolean detached;

    /**
     * @param client the host's client
     * @param path the device's path as {@link IoClient#open} takes it (an interface path, or a control device's name)
     */
    public DeviceFileHandler(IoClient client, String path) {
        this(client, path, null);
    }

    private DeviceFileHandler(IoClient client, String path, DiskParameters disk) {
        this.client = Objects.requireNonNull(client, "client");
        this.path = Objects.requireNonNull(path, "path");
        this.disk = disk;
    }

    /** The seekable file of a disk: its size, offsets, bounds, read-only and flush (see the class comment). */
    public static DeviceFileHandler forDisk(IoClient client, String path, DiskParameters disk) {
        return new DeviceFileHandler(client, path, Objects.requireNonNull(disk, "disk"));
    }

    @Override
    public long size() {
        return disk == null ? -1 : disk.sizeBytes();
    }

    /** The device path behind the file. */
    public String devicePath() {
        return path;
    }

    /** How many programs' opens are open now. */
    public int openCount() {
        return opens.size();
    }

    @Override
    public void open(FuseRequest request, int flags) {
        if (detached) {
            request.replyError(LibC.ENODEV);
            return;
        }
        WdfRequestor requestor = new WdfRequestor(request.pid(), request.uid(), request.gid());
        client.openAsync(path, requestor).whenComplete((opened, failure) -> {
            if (failure != null) {
                LOG.warn("open of " + path + " for " + request + " failed", failure);
                request.replyError(LibC.EIO);
                return;
            }
            if (!opened.isSuccess()) {
                request.replyError(errno(NtStatusErrno.errno(opened.status(), 0, false)));
                return;
            }
            DeviceHandle handle = opened.value();
            long fh = nextHandle.getAndIncrement();
            opens.put(fh, new Open(handle));
            // The program may be gone (interrupted, answered EINTR) or the file detached meanwhile: then close again.
            if (detached || !request.replyOpen(fh)) {
                release(fh);
                request.replyError(LibC.ENODEV);
            }
        });
    }

    @Override
    public void read(FuseRequest request, long fh, int size) {
        Open open = open(request, fh);
        if (open == null) {
            return;
        }
        readInto(request, open, 0, size);
    }

    /**
     * Reads {@code size} bytes at {@code offset} straight into a reply buffer from the session's pool, and answers from
     * it: the driver in this process writes its data where the reply is sent from (no copy; a driver host's data is
     * copied there from its channel). The buffer goes back to the pool when the device request completed, whoever
     * answered the program (an interrupt may have answered it first).
     */
    private void readInto(FuseRequest request, Open open, long offset, int size) {
        MemorySegment reply = request.replyBuffer(size);
        PendingIo io = open.handle.readIntoAsync(FuseRequest.replyData(reply, size).asByteBuffer(), offset);
        forward(request, io, false,
                result -> request.replyRead(reply, (int) Math.min(Math.max(0, result.information()), size)),
                () -> request.giveReplyBuffer(reply));
    }

    /**
     * Writes the program's data as it lies in the message the session read, lent to the device request without a
     * copy, or copied once a bounded number of messages are lent ({@link FuseRequest#lendData}); what was lent is
     * released when the device request completed.
     */
    private void writeLent(FuseRequest request, Open open, long offset, ByteBuffer data) {
        int length = data.remaining();
        FuseRequest.Lent lent = request.lendData(data);
        forward(request, open.handle.writeLentAsync(lent.data(), offset), false,
                result -> request.replyWrite((int) Math.min(result.information(), length)), lent.release());
    }

    @Override
    public void write(FuseRequest request, long fh, ByteBuffer data) {
        Open open = open(request, fh);
        if (open == null) {
            return;
        }
        writeLent(request, open, 0, data);
    }

    @Override
    public void read(FuseRequest request, long fh, long offset, int size) {
        if (disk == null) {
            read(request, fh, size);
            return;
        }
        Open open = open(request, fh);
        if (open == null) {
            return;
        }
        if (offset < 0) {
            request.replyError(LibC.EINVAL);
            return;
        }
        int length = (int) Math.min(size, Math.max(0, disk.sizeBytes() - offset));
        if (length == 0) {
            request.replyRead(FuseRequest.NO_BYTES, 0, 0); // end of the disk
            return;
        }
        readInto(request, open, offset, length);
    }

    @Override
    public void write(FuseRequest request, long fh, long offset, ByteBuffer data) {
        if (disk == null) {
            write(request, fh, data);
            return;
        }
        Open open = open(request, fh);
        if (open == null) {
            return;
        }
        if (disk.readOnly()) {
            request.replyError(LibC.EROFS);
            return;
        }
        if (offset < 0) {
            request.replyError(LibC.EINVAL);
            return;
        }
        if (offset >= disk.sizeBytes()) {
            request.replyError(LibC.ENOSPC); // as a block device answers a write at its end
            return;
        }
        int length = (int) Math.min(data.remaining(), disk.sizeBytes() - offset);
        ByteBuffer part = data.slice(data.position(), length);
        writeLent(request, open, offset, part);
    }

    @Override
    public void fsync(FuseRequest request, long fh) {
        if (disk == null) {
            request.replyError(LibC.ENOSYS);
            return;
        }
        Open open = open(request, fh);
        if (open == null) {
            return;
        }
        PendingIo io = open.handle.flushBuffersAsync();
        request.onInterrupt(io::cancel);
        io.result().thenAccept(result -> {
            NtStatus status = result.status();
            if (status.isSuccess() || status.equals(NtStatus.STATUS_INVALID_DEVICE_REQUEST)
                    || status.equals(NtStatus.STATUS_NOT_SUPPORTED)) {
                request.replyOk(); // a driver without a flush has nothing to flush
            } else {
                request.replyError(errno(result, false));
            }
        });
    }

    @Override
    public void ioctl(FuseRequest request, long fh, int command, ByteBuffer input, int outputSize) {
        Open open = open(request, fh);
        if (open == null) {
            return;
        }
        byte[] bytes = new byte[input.remaining()];
        input.get(bytes);
        forward(request, open.handle.deviceIoControlAsync(command, bytes, outputSize), true,
                result -> request.replyIoctl(0, result.data(), 0, Math.min(result.data().length, outputSize)), null);
    }

    /**
     * Answers {@code request} when {@code io} completes: its errno, or {@code success}; then runs {@code done} (may be
     * null). The program's signal cancels the device request.
     */
    private void forward(FuseRequest request, PendingIo io, boolean controlCode, Consumer<IoResult> success,
                         Runnable done) {
        request.onInterrupt(io::cancel);
        // A driver host's quick answer is read on this thread and answered from it, without waking another (H11);
        // never longer than the channel's spin, so this reader goes back to the device soon whatever the driver does.
        io.awaitBriefly();
        io.result().whenComplete((result, failure) -> {
            try {
                int errno = result == null ? LibC.EIO : errno(result, controlCode);
                if (errno != 0) {
                    request.replyError(errno);
                } else {
                    success.accept(result);
                }
            } finally {
                if (done != null) {
                    done.run(); // after the reply: the buffers it lent are free again
                }
            }
        });
    }

    @Override
    public int poll(long fh, Runnable wakeup) {
        Open open = opens.get(fh);
        if (open == null || detached) {
            return READY_ALWAYS | POLLERR | POLLHUP;
        }
        if (wakeup != null) {
            open.wakeup = wakeup;
            if (!open.listening) {
                open.listening = true;
                open.handle.setReadinessListener(open::wake);
            }
        }
        WdfIoReadiness readiness = open.handle.ioReadiness();
        return (readiness.readable() ? POLLIN | POLLRDNORM : 0) | (readiness.writable() ? POLLOUT | POLLWRNORM : 0);
    }

    @Override
    public void release(long fh) {
        Open open = opens.remove(fh);
        if (open != null) {
            open.handle.close();
        }
    }

    /** The device is gone (or the session closes): close every handle, wake every poller, fail what follows. */
    @Override
    public void detached() {
        detached = true;
        List<Long> handles = List.copyOf(opens.keySet());
        for (Long fh : handles) {
            Open open = opens.remove(fh);
            if (open != null) {
                open.handle.close();
                open.wake();
            }
        }
    }

    /** The open a call names, or null after answering the call (ENODEV once detached, else EBADF). */
    private Open open(FuseRequest request, long fh) {
        Open open = opens.get(fh);
        if (open == null) {
            request.replyError(detached ? LibC.ENODEV : LibC.EBADF);
        }
        return open;
    }

    /** The errno for a completed request: once the file is detached, every failure is ENODEV. */
    private int errno(IoResult result, boolean controlCode) {
        int errno = NtStatusErrno.errno(result.status(), result.information(), controlCode);
        return errno != 0 && detached ? LibC.ENODEV : errno;
    }

    /** An open's failure errno, never 0 (a warning without a handle is still a failure). */
    private static int errno(int errno) {
        return errno == 0 ? LibC.EIO : errno;
    }

    @Override
    public String toString() {
        return "FUSE file of " + path + (detached ? " (detached)" : "");
    }
}
