package org.wdf4j.framework;

import java.util.concurrent.CompletableFuture;
import org.wdf4j.io.WdfRequestType;

/**
 * The client's side of one I/O request (the I/O manager's IRP): what was asked, who asked, and the future that
 * completes when the request is completed, exactly once. The framework makes a {@link FxRequest} (the driver's
 * {@code WDFREQUEST}) from it; the host's client API and reflectors hold only this.
 */
public final class FxIrp implements FxIrpEndpoint {

    final WdfRequestType type;
    /** The data of a write, the input of a control code; empty otherwise. */
    final byte[] input;
    /** The length of a read, the output length of a control code. */
    final int outputLength;
    final int ioControlCode;
    final FxFileHandle file;
    private final CompletableFuture<FxIoStatus> future = new CompletableFuture<>();
    private volatile boolean cancelRequested;
    /** The driver's request, once made; a cancel reaches the driver through it. */
    private volatile FxRequest request;
    /** Links in the handle's list of requests in flight; guarded by the handle's monitor. */
    FxIrp prevInFile;
    FxIrp nextInFile;
    boolean inFile;

    FxIrp(WdfRequestType type, byte[] input, int outputLength, int ioControlCode, FxFileHandle file) {
        this.type = type;
        this.input = input == null ? FxIoStatus.NO_BYTES : input;
        this.outputLength = outputLength;
        this.ioControlCode = ioControlCode;
        this.file = file;
    }

    /** Completes once, with the status the request was completed with; never exceptionally. */
    public CompletableFuture<FxIoStatus> future() {
        return future;
    }

    public WdfRequestType type() {
        return type;
    }

    /**
     * Asks to cancel ({@code IoCancelIrp}): a queued request is cancelled at once, one the driver marked cancelable
     * goes to its cancel routine, one the driver holds otherwise is cancelled if and when it marks it cancelable.
     *
     * @return false when the request had already completed; true when it was in flight (the cancel may have completed it
     *     before this returns, or the driver may still complete it another way)
     */
    public boolean cancel() {
        if (future.isDone()) {
            return false;
        }
        cancelRequested = true;
        FxRequest r = request;
        if (r != null) {
            r.cancel();
        }
        return true; // it was in flight when asked; the cancel may have completed it already
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    /** Binds the driver's request; a cancel that came first reaches it now. */
    void bind(FxRequest r) {
        request = r;
        if (cancelRequested) {
            r.cancel();
        }
    }

    /** Completes the client's side; answers false when it was already complete (never happens for a correct request). */
    boolean finish(FxIoStatus status) {
        if (file != null) {
            file.requestLeaving(this); // before the client sees the result: outstanding() never counts a finished request
        }
        boolean done = future.complete(status);
        if (done && file != null) {
            file.requestFinished();
        }
        return done;
    }

    @Override
    public String toString() {
        return "IRP[" + type + (type == WdfRequestType.DEVICE_CONTROL ? String.format(" 0x%08X", ioControlCode) : "") + "]";
    }
}
