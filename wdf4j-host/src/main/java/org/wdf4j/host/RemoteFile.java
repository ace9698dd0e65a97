package org.wdf4j.host;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxFileEndpoint;
import org.wdf4j.framework.FxIrpEndpoint;
import org.wdf4j.io.WdfIoReadiness;

/**
 * An open of a device in another process, at one end of a driver-host channel: a client's open of a device in a driver
 * host, or a driver host's remote target's open of a device of the host or another driver host. Requests are sent
 * to it through its {@link RemoteFileCarrier}; its readiness is mirrored from what the other end tells (with each
 * completion, and whenever the driver makes a read or write possible).
 *
 * <p>Thread-safe. {@link #readiness} is written by the driver host's reader thread and read by any (volatile); the
 * listener is set by the client's thread and called on the reader thread (volatile); {@link #closed} flips once.
 */
final class RemoteFile implements FxFileEndpoint {

    final int id;
    final FxDeviceEndpoint device;
    final RemoteFileCarrier process;
    private volatile WdfIoReadiness readiness;
    private volatile Runnable readinessListener;
    private final AtomicBoolean closed = new AtomicBoolean();

    RemoteFile(int id, FxDeviceEndpoint device, RemoteFileCarrier process, WdfIoReadiness readiness) {
        this.id = id;
        this.device = device;
        this.process = process;
        this.readiness = readiness == null ? WdfIoReadiness.READ_WRITE : readiness;
    }

    @Override
    public FxDeviceEndpoint device() {
        return device;
    }

    /** The isolated driver whose device this opens, when the host opened a device in a driver host; else null. */
    IsolatedDriverRuntime runtime() {
        return device instanceof RemoteDevice d ? d.runtime : null;
    }

    @Override
    public FxIrpEndpoint read(int length, long offset) {
        return process.read(this, length, offset);
    }

    @Override
    public FxIrpEndpoint readInto(ByteBuffer into, long offset) {
        return process.readInto(this, into, offset);
    }

    @Override
    public FxIrpEndpoint write(byte[] data, long offset) {
        return process.write(this, ByteBuffer.wrap(data == null ? new byte[0] : data.clone()), offset);
    }

    @Override
    public FxIrpEndpoint writeOwned(byte[] data, long offset) {
        return process.write(this, ByteBuffer.wrap(data), offset);
    }

    @Override
    public FxIrpEndpoint writeLent(ByteBuffer data, long offset) {
        return process.write(this, data, offset);
    }

    @Override
    public FxIrpEndpoint flushBuffers() {
        return process.flushBuffers(this);
    }

    @Override
    public FxIrpEndpoint deviceIoControl(int ioControlCode, byte[] input, int outputLength) {
        return process.ioctl(this, ioControlCode, input == null ? new byte[0] : input.clone(), outputLength);
    }

    @Override
    public int cancelAll() {
        return process.cancelAll(this);
    }

    @Override
    public WdfIoReadiness ioReadiness() {
        return readiness;
    }

    @Override
    public void setReadinessListener(Runnable listener) {
        readinessListener = listener;
    }

    /** The driver host told this open's readiness; a wake-up calls the listener. */
    void readiness(WdfIoReadiness now, boolean wake) {
        if (now == null) {
            return;
        }
        readiness = now;
        Runnable l = readinessListener;
        if (wake && l != null) {
            l.run();
        }
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && device.pnpState() != org.wdf4j.framework.FxPnpMachine.State.REMOVED;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            process.closeFile(this);
        }
    }

    @Override
    public String toString() {
        return "open #" + id + " of " + device;
    }
}
