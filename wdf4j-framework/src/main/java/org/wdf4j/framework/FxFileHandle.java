package org.wdf4j.framework;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfIoReadiness;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.io.WdfRequestor;

/**
 * A client's open of a device (the handle {@code CreateFile} returns), with its {@link FxFileObject}: reads, writes
 * and control codes become requests through it; {@link #close()} is Windows' cleanup and close.
 *
 * <p>Thread-safe. The driver sees EvtFileCleanup once, at the first close, and EvtFileClose once, when the handle is
 * closed and none of its requests is still in flight (or at once when the device is deleted under it).
 */
public final class FxFileHandle implements FxFileEndpoint {

    final FxDevice device;
    final WdfRequestor requestor;
    final String fileName;
    volatile FxFileObject fileObject;
    private volatile WdfIoReadiness ownReadiness;
    private volatile Runnable readinessListener;
    /** The requests in flight: an intrusive list through {@link FxIrp}, guarded by this handle's monitor. */
    private FxIrp firstInFlight;
    private int inFlight;
    private final AtomicBoolean cleanupStarted = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean cleanedUp;
    /** EvtFileCleanup has returned: only then may EvtFileClose run. */
    private volatile boolean cleanupDone;

    FxFileHandle(FxDevice device, WdfRequestor requestor, String fileName) {
        this.device = device;
        this.requestor = requestor;
        this.fileName = fileName == null ? "" : fileName;
    }

    /**
     * What a program polling this open is told: the readiness the driver set on the file object, else the device's.
     */
    public WdfIoReadiness ioReadiness() {
        WdfIoReadiness own = ownReadiness;
        return own != null ? own : device.currentIoReadiness();
    }

    /**
     * Calls {@code listener} (on the driver's thread: it must not block) whenever the driver sets a readiness on this
     * open's file object that makes a read or write possible. The device's own changes go to the device's listeners
     * ({@link FxDevice#addReadinessListener}). One listener per handle; null removes it.
     */
    public void setReadinessListener(Runnable listener) {
        readinessListener = listener;
    }

    /** The file object's {@code setIoReadiness}; null follows the device again. */
    void setOwnReadiness(WdfIoReadiness readiness) {
        WdfIoReadiness old = ioReadiness();
        ownReadiness = readiness;
        Runnable l = readinessListener;
        if (l != null && FxDevice.wakes(old, ioReadiness())) {
            FxDevice.fireReadiness(List.of(l));
        }
    }

    public FxDevice device() {
        return device;
    }

    public WdfRequestor requestor() {
        return requestor;
    }

    /** {@code ReadFile}: a READ request for up to {@code length} bytes. */
    @Override
    public FxIrp read(int length) {
        return read(length, 0);
    }

    /** {@code WriteFile}: a WRITE request with a copy of {@code data}. */
    @Override
    public FxIrp write(byte[] data) {
        return write(data, 0);
    }

    /** {@code WriteFile} of an array the caller gives up (see {@link #writeOwned(byte[], long)}). */
    @Override
    public FxIrp writeOwned(byte[] data) {
        return writeOwned(data, 0);
    }

    /** {@code ReadFile}: a READ request for up to {@code length} bytes at {@code offset} (the request's DeviceOffset). */
    @Override
    public FxIrp read(int length, long offset) {
        return submit(new FxIrp(WdfRequestType.READ, null, Math.max(0, length), 0, offset, this));
    }

    /** {@code WriteFile}: a WRITE request with a copy of {@code data}, at {@code offset}. */
    @Override
    public FxIrp write(byte[] data, long offset) {
        return writeOwned(data == null ? null : data.clone(), offset);
    }

    /**
     * {@code WriteFile} with an array the caller gives up: the request's input buffer is {@code data} itself, which the
     * caller must not touch again (the client API copies what its caller passes once, into such an array).
     */
    @Override
    public FxIrp writeOwned(byte[] data, long offset) {
        return submit(new FxIrp(WdfRequestType.WRITE, data, 0, 0, offset, this));
    }

    /** {@code ReadFile} into the transport's buffer (see {@link FxFileEndpoint#readInto}); no copy. */
    @Override
    public FxIrp readInto(ByteBuffer into, long offset) {
        FxMemory.Region out = FxMemory.Region.of(into);
        return submit(new FxIrp(WdfRequestType.READ, FxMemory.Region.EMPTY, out, out.length(), 0, offset, this));
    }

    /** {@code WriteFile} of the transport's buffer (see {@link FxFileEndpoint#writeLent}); no copy. */
    @Override
    public FxIrp writeLent(ByteBuffer data, long offset) {
        return submit(new FxIrp(WdfRequestType.WRITE, FxMemory.Region.of(data), null, 0, 0, offset, this));
    }

    /** {@code FlushFileBuffers}: a FLUSH_BUFFERS request (no buffers), which reaches the driver's EvtIoDefault. */
    @Override
    public FxIrp flushBuffers() {
        return submit(new FxIrp(WdfRequestType.FLUSH_BUFFERS, null, 0, 0, 0, this));
    }

    /** {@code DeviceIoControl}. */
    public FxIrp deviceIoControl(int ioControlCode, byte[] input, int outputLength) {
        return submit(new FxIrp(WdfRequestType.DEVICE_CONTROL, input == null ? null : input.clone(),
                Math.max(0, outputLength), ioControlCode, 0, this));
    }

    private FxIrp submit(FxIrp irp) {
        if (cleanedUp) {
            irp.finish(FxIoStatus.of(NtStatus.STATUS_FILE_CLOSED));
            return irp;
        }
        synchronized (this) {
            irp.inFile = true;
            irp.nextInFile = firstInFlight;
            if (firstInFlight != null) {
                firstInFlight.prevInFile = irp;
            }
            firstInFlight = irp;
            inFlight++;
        }
        if (cleanedUp) {
            // closed while this request was being made: it never reaches the driver
            irp.finish(FxIoStatus.of(NtStatus.STATUS_FILE_CLOSED));
            return irp;
        }
        device.submit(irp);
        return irp;
    }

    /** {@code CancelIoEx(handle, NULL)}: answers how many in-flight requests were asked to cancel. */
    public int cancelAll() {
        int n = 0;
        for (FxIrp irp : inFlightSnapshot()) {
            if (irp.cancel()) {
                n++;
            }
        }
        return n;
    }

    private synchronized List<FxIrp> inFlightSnapshot() {
        List<FxIrp> list = new ArrayList<>(inFlight);
        for (FxIrp i = firstInFlight; i != null; i = i.nextInFile) {
            list.add(i);
        }
        return list;
    }

    /** How many of this handle's requests are in flight. */
    public synchronized int outstanding() {
        return inFlight;
    }

    /** Whether the handle is still open (not closed by the client, not closed by its device's deletion). */
    public boolean isOpen() {
        return !cleanedUp;
    }

    /**
     * {@code CloseHandle}: cancels this handle's requests still in flight (those waiting in queues; those the driver
     * marked cancelable), calls EvtFileCleanup, and EvtFileClose once every request of the handle has completed.
     * Idempotent; never throws.
     */
    public void close() {
        if (!cleanupStarted.compareAndSet(false, true)) {
            return;
        }
        cleanUp();
        if (outstanding() == 0) {
            closeNow();
        }
    }

    /**
     * Windows' cleanup: no new I/O, EvtFileCleanup, then the handle's requests still in flight are cancelled (as KMDF
     * flushes the queues of a file object after its cleanup callback). EvtFileClose can only follow.
     */
    private void cleanUp() {
        cleanedUp = true;
        device.fileCleanup(this);
        cleanupDone = true;
        for (FxIrp irp : inFlightSnapshot()) {
            irp.cancel();
        }
    }

    /** The device is deleted with this handle open: cleanup and close now; its requests go with the queues. */
    void closeForDeletion() {
        if (cleanupStarted.compareAndSet(false, true)) {
            cleanUp();
        }
        closeNow();
    }

    /** The create failed: the driver never sees EvtFileCleanup or EvtFileClose for this open. */
    void neverOpened() {
        cleanupStarted.set(true);
        closed.set(true);
        cleanedUp = true;
        cleanupDone = true;
    }

    /** The request is being finished: it leaves the in-flight list (before its client sees the result). */
    synchronized void requestLeaving(FxIrp irp) {
        if (!irp.inFile) {
            return;
        }
        irp.inFile = false;
        if (irp.prevInFile == null) {
            firstInFlight = irp.nextInFile;
        } else {
            irp.prevInFile.nextInFile = irp.nextInFile;
        }
        if (irp.nextInFile != null) {
            irp.nextInFile.prevInFile = irp.prevInFile;
        }
        irp.prevInFile = null;
        irp.nextInFile = null;
        inFlight--;
    }

    /** A request of this handle finished: the last one after the cleanup closes the file. */
    void requestFinished() {
        if (cleanupDone && !closed.get() && outstanding() == 0) {
            // EvtFileClose runs at PASSIVE_LEVEL outside any callback of the driver, as the close request does in
            // WDF: a last request completed from a timer or a cancel routine closes the file afterwards.
            FxThreadState thread = FxThreadState.current();
            if (thread.irql != org.wdf4j.Irql.PASSIVE_LEVEL || thread.inCallbackOf(device.globals)) {
                if (device.globals.queuePassive(this::closeNow)) {
                    return;
                }
            }
            closeNow();
        }
    }

    private void closeNow() {
        if (closed.compareAndSet(false, true)) {
            device.fileClose(this);
        }
    }

    @Override
    public String toString() {
        FxFileObject f = fileObject;
        return "handle to " + device + (f == null ? "" : " (" + f.handleName() + ")");
    }
}
