package org.wdf4j.host;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxFileEndpoint;
import org.wdf4j.framework.FxIrpEndpoint;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoException;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;
import org.wdf4j.io.WdfIoReadiness;
import org.wdf4j.io.WdfRequestor;

/**
 * A client's open device: the framework's {@link FxFileEndpoint} behind the {@link DeviceHandle} of the client API.
 *
 * <p>The framework's handle is let go of at {@link #close()} and when the device is deleted ({@link #deviceGone()}),
 * so that a client keeping this object does not keep the driver's classes loaded; later I/O then fails at once with
 * STATUS_FILE_CLOSED (closed by the client) or STATUS_NO_SUCH_DEVICE (the device is gone).
 */
final class HostDeviceHandle implements DeviceHandle {

    private final String path;
    private final WdfRequestor requestor;
    private final DeviceNamespace namespace;
    private volatile FxFileEndpoint file;
    /** The device, while this handle is tracked; null after close or once the device is gone. */
    private volatile FxDeviceEndpoint device;
    private volatile boolean closed;
    /** Guarded by this. */
    private Runnable readinessListener;

    HostDeviceHandle(FxFileEndpoint file, String path, WdfRequestor requestor, DeviceNamespace namespace) {
        this.file = file;
        this.device = file.device();
        this.path = path;
        this.requestor = requestor;
        this.namespace = namespace;
    }

    @Override
    public IoResult read(int length) {
        return completed(readAsync(length));
    }

    @Override
    public IoResult write(byte[] data) {
        return completed(writeAsync(data));
    }

    @Override
    public IoResult deviceIoControl(int ioControlCode, byte[] input, int outputLength) {
        return completed(deviceIoControlAsync(ioControlCode, input, outputLength));
    }

    /** A synchronous call's wait: briefly on this thread (a driver host's quick answer), then for the result. */
    private static IoResult completed(PendingIo io) {
        io.awaitBriefly();
        return io.result().join();
    }

    @Override
    public PendingIo readAsync(int length) {
        return readAsync(length, 0);
    }

    @Override
    public PendingIo readAsync(int length, long offset) {
        FxFileEndpoint f = file;
        return f == null ? failed("ReadFile") : new HostPendingIo(f.read(length, offset), () -> "ReadFile of " + length
                + " bytes at " + offset + " on " + path);
    }

    @Override
    public PendingIo writeAsync(byte[] data) {
        FxFileEndpoint f = file;
        return f == null ? failed("WriteFile")
                : new HostPendingIo(f.write(data), () -> "WriteFile of " + (data == null ? 0 : data.length) + " bytes on "
                        + path);
    }

    @Override
    public PendingIo writeAsync(ByteBuffer data) {
        return writeAsync(data, 0);
    }

    @Override
    public PendingIo writeAsync(ByteBuffer data, long offset) {
        int length = data.remaining();
        byte[] bytes = new byte[length];
        data.get(bytes);
        FxFileEndpoint f = file;
        return f == null ? failed("WriteFile")
                : new HostPendingIo(f.writeOwned(bytes, offset), () -> "WriteFile of " + length + " bytes at " + offset
                        + " on " + path);
    }

    @Override
    public PendingIo readIntoAsync(ByteBuffer into, long offset) {
        FxFileEndpoint f = file;
        return f == null ? failed("ReadFile") : new HostPendingIo(f.readInto(into, offset), () -> "ReadFile of "
                + into.remaining() + " bytes at " + offset + " on " + path);
    }

    @Override
    public PendingIo writeLentAsync(ByteBuffer data, long offset) {
        FxFileEndpoint f = file;
        int length = data.remaining();
        return f == null ? failed("WriteFile") : new HostPendingIo(f.writeLent(data, offset), () -> "WriteFile of "
                + length + " bytes at " + offset + " on " + path);
    }

    @Override
    public PendingIo flushBuffersAsync() {
        FxFileEndpoint f = file;
        return f == null ? failed("FlushFileBuffers")
                : new HostPendingIo(f.flushBuffers(), () -> "FlushFileBuffers on " + path);
    }

    @Override
    public PendingIo deviceIoControlAsync(int ioControlCode, byte[] input, int outputLength) {
        FxFileEndpoint f = file;
        return f == null ? failed("DeviceIoControl")
                : new HostPendingIo(f.deviceIoControl(ioControlCode, input, outputLength),
                        () -> String.format("DeviceIoControl 0x%08X on %s", ioControlCode, path));
    }

    /** The result for a handle that no longer reaches a device. */
    private PendingIo failed(String what) {
        NtStatus status = closed ? NtStatus.STATUS_FILE_CLOSED : NtStatus.STATUS_NO_SUCH_DEVICE;
        return new HostPendingIo(CompletableFuture.completedFuture(new IoResult(status, 0, null)), () -> what + " on " + path);
    }

    /** {@code CancelIoEx(handle, NULL)}: the framework cancels every request of the open still in flight. */
    @Override
    public int cancelAll() {
        FxFileEndpoint f = file;
        return f == null ? 0 : f.cancelAll();
    }

    @Override
    public WdfIoReadiness ioReadiness() {
        FxFileEndpoint f = file;
        return f == null ? WdfIoReadiness.READ_WRITE : f.ioReadiness();
    }

    @Override
    public synchronized void setReadinessListener(Runnable listener) {
        FxFileEndpoint f = file;
        FxDeviceEndpoint d = device;
        if (readinessListener != null && d != null) {
            d.removeReadinessListener(readinessListener);
        }
        readinessListener = listener;
        if (f != null) {
            f.setReadinessListener(listener);
        }
        if (listener != null && d != null) {
            d.addReadinessListener(listener);
        }
    }

    /** Drops the listener from the framework's objects (close, device gone). */
    private synchronized void dropReadinessListener(FxFileEndpoint f, FxDeviceEndpoint d) {
        if (readinessListener != null) {
            if (d != null) {
                d.removeReadinessListener(readinessListener);
            }
            if (f != null) {
                f.setReadinessListener(null);
            }
            readinessListener = null;
        }
    }

    @Override
    public WdfRequestor requestor() {
        return requestor;
    }

    @Override
    public String path() {
        return path;
    }

    /** Whether the handle still reaches its device (not closed, device not deleted). */
    boolean isOpen() {
        FxFileEndpoint f = file;
        return f != null && f.isOpen();
    }

    @Override
    public void close() {
        closed = true;
        FxFileEndpoint f = file;
        file = null;
        FxDeviceEndpoint d = device;
        device = null;
        dropReadinessListener(f, d);
        if (d != null) {
            namespace.untrack(d, this);
        }
        if (f != null) {
            try {
                f.close();
            } catch (RuntimeException e) {
                // CloseHandle never fails for the caller; the framework reported whatever the driver did
            }
        }
    }

    /** The device was deleted: the framework closed its side; let go of it. */
    void deviceGone() {
        FxFileEndpoint f = file;
        FxDeviceEndpoint d = device;
        file = null;
        device = null;
        dropReadinessListener(f, d);
    }

    @Override
    public String toString() {
        return "handle to " + path + (closed ? " (closed)" : file == null ? " (device gone)" : "");
    }

    /** One request in flight; lets go of the framework's IRP once it completed. */
    static final class HostPendingIo implements PendingIo {

        private volatile FxIrpEndpoint irp;
        private final CompletableFuture<IoResult> result;
        /** Names the operation in a timeout's message; made only then. */
        private final java.util.function.Supplier<String> what;

        HostPendingIo(FxIrpEndpoint irp, java.util.function.Supplier<String> what) {
            this.what = what;
            this.irp = irp;
            this.result = irp.future().thenApply(status -> {
                this.irp = null;
                return new IoResult(status.status(), status.information(), status.output());
            });
        }

        HostPendingIo(CompletableFuture<IoResult> done, java.util.function.Supplier<String> what) {
            this.what = what;
            this.irp = null;
            this.result = done;
        }

        @Override
        public CompletableFuture<IoResult> result() {
            return result;
        }

        @Override
        public boolean awaitBriefly() {
            FxIrpEndpoint i = irp;
            if (i != null && !result.isDone()) {
                i.awaitBriefly();
            }
            return result.isDone();
        }

        /** Answers whether the request was still in flight when asked. */
        @Override
        public boolean cancel() {
            FxIrpEndpoint i = irp;
            return i != null && i.cancel();
        }

        @Override
        public IoResult await(Duration timeout) {
            try {
                return result.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new IoException(what.get() + " (not complete within " + timeout.toMillis()
                        + " ms)", NtStatus.STATUS_TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IoException(what.get() + " (interrupted while waiting)", NtStatus.STATUS_CANCELLED);
            } catch (ExecutionException e) {
                throw new IllegalStateException(what + ": the framework completed the request exceptionally", e.getCause());
            }
        }

        @Override
        public String toString() {
            return what + (result.isDone() ? " -> " + result.join().status() : " (in flight)");
        }
    }
}
