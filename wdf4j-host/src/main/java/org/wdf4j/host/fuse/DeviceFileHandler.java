package org.wdf4j.host.fuse;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.wdf4j.NtResult;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.io.WdfRequestor;

/**
 * A device behind a FUSE file: each program's open of the file is an open of the device through the host's
 * {@link IoClient} on behalf of that program (its pid, uid and gid reach EvtDeviceFileCreate), its reads and writes
 * are read and write requests on that handle, and its last close is the handle's close (EvtFileCleanup,
 * EvtFileClose). Statuses become errnos through {@link NtStatusErrno}.
 *
 * <p>This first version answers each request synchronously on the session's one reader thread: a request the driver
 * holds stalls the file's other requests until it completes. Interrupts (a signal to a program blocked in a read),
 * device I/O controls, poll and several reader threads come next (issue #5).
 */
public final class DeviceFileHandler implements FuseFileHandler {

    private final IoClient client;
    private final String path;
    private final Map<Long, DeviceHandle> handles = new ConcurrentHashMap<>();
    private final AtomicLong nextHandle = new AtomicLong(1);

    /**
     * @param client the host's client
     * @param path the device's path as {@link IoClient#open} takes it (an interface path, or a control device's name)
     */
    public DeviceFileHandler(IoClient client, String path) {
        this.client = Objects.requireNonNull(client, "client");
        this.path = Objects.requireNonNull(path, "path");
    }

    @Override
    public long open(int uid, int gid, int pid, int flags) {
        NtResult<DeviceHandle> opened = client.open(path, new WdfRequestor(pid, uid, gid));
        if (!opened.isSuccess()) {
            return -NtStatusErrno.errno(opened.status(), 0, false);
        }
        long fh = nextHandle.getAndIncrement();
        handles.put(fh, opened.value());
        return fh;
    }

    @Override
    public int read(long fh, ByteBuffer dst, long offset) {
        DeviceHandle handle = handles.get(fh);
        if (handle == null) {
            return -NtStatusErrno.EBADF;
        }
        IoResult result = handle.read(dst.remaining());
        int errno = NtStatusErrno.errno(result.status(), result.information(), false);
        if (errno != 0) {
            return -errno;
        }
        byte[] data = result.data();
        int n = Math.min(data.length, dst.remaining());
        dst.put(data, 0, n);
        return n;
    }

    @Override
    public int write(long fh, ByteBuffer src, long offset) {
        DeviceHandle handle = handles.get(fh);
        if (handle == null) {
            return -NtStatusErrno.EBADF;
        }
        byte[] data = new byte[src.remaining()];
        src.get(data);
        IoResult result = handle.write(data);
        int errno = NtStatusErrno.errno(result.status(), result.information(), false);
        return errno != 0 ? -errno : (int) Math.min(result.information(), data.length);
    }

    @Override
    public void release(long fh) {
        DeviceHandle handle = handles.remove(fh);
        if (handle != null) {
            handle.close();
        }
    }
}
