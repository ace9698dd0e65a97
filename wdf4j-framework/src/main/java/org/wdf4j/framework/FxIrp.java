package org.wdf4j.framework;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.io.WdfRequestor;

/**
 * One I/O request as it reaches one device (the I/O manager's IRP, with the stack location of that device): what was
 * asked, who asked, where its buffers are, and the future that completes when the request is completed, exactly once.
 * The framework makes a {@link FxRequest} (the driver's {@code WDFREQUEST}) from it.
 *
 * <p>A client's request (from an open handle) is completed to the client. A request a driver sent to an I/O target is
 * an IRP of its own, made by {@link FxRequest#send}: its {@link #sender} is the request at the level above, which its
 * completion goes back to (so completion routines run in the reverse order of the sends). A filter that has no handler
 * for a request passes the same IRP down untouched.
 *
 * <h2>Buffers</h2>
 * The input is a region of a buffer ({@link #input}): the client's array, or a view of memory the transport owns (a
 * FUSE message, a driver host's pooled buffer), never copied on the way. The output is a region too: this IRP's own,
 * either given by the transport (the reply being built: {@link FxFileHandle#readInto}) or made when first asked for
 * (the client API's array); the output region of another IRP ({@link #outputOf}: a request forwarded with its current
 * type fills the buffer of the request above, as in WDF the same system buffer serves every level); or a memory
 * object's (a request formatted with a {@code WdfMemory}). A transport's buffer is the request's until the request
 * completes, and the transport's again (reused) after.
 *
 * <p>With the verifier on, a client's request hands the driver buffers of its own instead ({@link FxGuardedBuffers}):
 * the input is copied in, the output copied out at completion, and then they are kept filled with a pattern for a
 * while and closed, so a driver that keeps a buffer past completion is reported (naming the request) or fails, and
 * never writes into a later request's data.
 * The host's client API and reflectors hold only the future.
 */
public final class FxIrp implements FxIrpEndpoint {

    final WdfRequestType type;
    /** The data of a write, the input of a control code; empty for none. */
    final FxMemory.Region input;
    final int inputLength;
    /** The length of a read, the output length of a control code. */
    final int outputLength;
    final int ioControlCode;
    final long deviceOffset;
    /** The client's open it was sent through; null for a request a driver sent. */
    final FxFileHandle file;
    final WdfRequestor requestor;
    /** The request one level up that sent this IRP down; null for a client's request. */
    final FxRequest sender;
    /** The IRP its chain of sends started with (a client's, or a driver-created request's); itself at the top. */
    final FxIrp origin;
    /** Send-and-forget: the IRP above, which this one completes directly when it is completed; else null. */
    private final FxIrp passTo;
    /** The IRP whose output region this one writes (formatted with its current type); null: its own region. */
    private final FxIrp outputOf;
    /**
     * The output region when it is this IRP's own: made on first use for a client, given by the transport or for a
     * memory object, or the verifier's; guarded by this.
     */
    private FxMemory.Region out;
    /** The transport's output region, when the transport gave one ({@link #out} may be the verifier's instead). */
    private final FxMemory.Region transportOut;
    /** The verifier's buffers of a client's request, or null. */
    private final FxGuardedBuffers guarded;
    /**
     * Where this IRP went on: the lower IRP of a send-and-forget, which completes this one directly, or the request
     * that carries it to a device of another process ({@link FxFileSink}). A cancel of this IRP goes to it.
     */
    private volatile FxIrpEndpoint forwardedTo;
    private final CompletableFuture<FxIoStatus> future = new CompletableFuture<>();
    private volatile boolean cancelRequested;
    /** The driver's request, once made; a cancel reaches the driver through it. */
    private volatile FxRequest request;
    /** Links in the handle's list of requests in flight; guarded by the handle's monitor. */
    FxIrp prevInFile;
    FxIrp nextInFile;
    boolean inFile;

    /** A client's request through {@code file}, at {@code deviceOffset} (reads and writes of a disk; else 0). */
    FxIrp(WdfRequestType type, byte[] input, int outputLength, int ioControlCode, long deviceOffset,
          FxFileHandle file) {
        this(type, input == null ? FxMemory.Region.EMPTY : FxMemory.Region.of(input), null, outputLength, ioControlCode,
                deviceOffset, file);
    }

    /**
     * A client's request through {@code file} whose buffers the transport owns: {@code input}, and the output region
     * {@code output} (null: made on first use); both are the request's until it completes. With the verifier on, the
     * driver gets buffers of its own instead (see the class comment).
     */
    FxIrp(WdfRequestType type, FxMemory.Region input, FxMemory.Region output, int outputLength, int ioControlCode,
          long deviceOffset, FxFileHandle file) {
        this.type = type;
        this.transportOut = output;
        if (file != null && file.device.globals.verifier().enabled()
                && (input.length() > 0 || (hasOutput(type) && outputLength > 0))) {
            this.guarded = new FxGuardedBuffers(input, hasOutput(type) ? outputLength : 0);
            this.input = guarded.input();
            this.out = guarded.output();
        } else {
            this.guarded = null;
            this.input = input;
            this.out = output;
        }
        this.inputLength = this.input.length();
        this.outputLength = outputLength;
        this.ioControlCode = ioControlCode;
        this.deviceOffset = deviceOffset;
        this.file = file;
        this.requestor = file == null ? null : file.requestor;
        this.sender = null;
        this.origin = this;
        this.outputOf = null;
        this.passTo = null;
    }

    /** A request {@code sender} sends down, formatted as {@code format}. */
    FxIrp(FxRequest sender, FxIoFormat format) {
        this(sender, format, null);
    }

    /**
     * The IRP that carries a request of {@code at} down: back to {@code at} when completed, or, with send-and-forget
     * ({@code above} not null), completing {@code above} directly.
     */
    private FxIrp(FxRequest at, FxIoFormat format, FxIrp above) {
        this.type = format.type();
        this.input = format.input() == null ? FxMemory.Region.EMPTY : format.input();
        this.inputLength = this.input.length();
        this.outputLength = format.outputLength();
        this.ioControlCode = format.ioControlCode();
        this.deviceOffset = format.deviceOffset();
        this.file = null;
        this.requestor = at.irp.requestor;
        this.sender = above == null ? at : null;
        this.origin = at.irp.origin;
        this.outputOf = format.outputOf();
        this.out = format.output();
        this.transportOut = null;
        this.guarded = null;
        this.passTo = above;
    }

    /** The request a driver creates ({@code WdfRequestCreate}): the top of its own chain, with no buffers yet. */
    FxIrp(WdfRequestor requestor) {
        this.type = null;
        this.input = FxMemory.Region.EMPTY;
        this.inputLength = 0;
        this.outputLength = 0;
        this.ioControlCode = 0;
        this.deviceOffset = 0;
        this.file = null;
        this.requestor = requestor;
        this.sender = null;
        this.origin = this;
        this.outputOf = null;
        this.passTo = null;
        this.transportOut = null;
        this.guarded = null;
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
     * goes to its cancel routine, one the driver holds otherwise is cancelled if and when it marks it cancelable, one
     * the driver sent on is cancelled at the level below.
     *
     * @return false when the request had already completed; true when it was in flight (the cancel may have completed it
     *     before this returns, or the driver may still complete it another way)
     */
    public boolean cancel() {
        if (future.isDone()) {
            return false;
        }
        cancelRequested = true;
        FxIrpEndpoint down = forwardedTo;
        if (down != null) {
            return down.cancel();
        }
        FxRequest r = request;
        if (r != null) {
            r.cancel();
        }
        return true; // it was in flight when asked; the cancel may have completed it already
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    /** Binds the driver's request at the level it is presented at; a cancel that came first reaches it now. */
    void bind(FxRequest r) {
        request = r;
        if (cancelRequested) {
            r.cancel();
        }
    }

    /** The driver's request this IRP is bound to now (the lowest level it reached), or null. */
    FxRequest boundRequest() {
        return request;
    }

    /**
     * {@code lower} carries this IRP on (send-and-forget, or to another process) and completes it; a cancel of this one
     * goes to it (and one already asked for).
     */
    void forwardTo(FxIrpEndpoint lower) {
        forwardedTo = lower;
        if (cancelRequested) {
            lower.cancel();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Buffers

    /** The input region as a buffer from 0 to its length. */
    ByteBuffer inputBuffer() {
        return input.view();
    }

    /** The output region as a buffer from 0 to {@link #outputLength}, made on first use when it is this IRP's own. */
    ByteBuffer outputBuffer() {
        return outputRegion().view();
    }

    /** The output region, for a memory object over it; made on first use. */
    FxMemory.Region outputRegion() {
        if (outputOf != null) {
            FxMemory.Region above = outputOf.outputRegion();
            return above.part(0, Math.min(outputLength, above.length()));
        }
        synchronized (this) {
            if (out == null) {
                out = FxMemory.Region.of(new byte[outputLength]);
            }
            return out;
        }
    }

    /**
     * What the client receives: the first {@code info} bytes of the output, for reads and controls that did not fail;
     * nothing when the transport gave the output region (the bytes are there already: copied there from the verifier's
     * buffer if it was on).
     */
    private byte[] outputFor(NtStatus status, long info) {
        if (status.isError() || info <= 0 || !hasOutput(type)) {
            return FxIoStatus.NO_BYTES;
        }
        int n = (int) Math.min(info, outputLength);
        FxMemory.Region src;
        synchronized (this) {
            src = out;
            if (src == null) {
                return transportOut == null ? new byte[n] : FxIoStatus.NO_BYTES;
            }
            if (transportOut == null && guarded == null && src.offset() == 0 && src.buffer().hasArray()
                    && src.buffer().array().length == n) {
                // The whole buffer was returned: it becomes the client's (a completed request's buffers are no longer
                // the driver's, as in WDF), without a copy.
                out = null;
                return src.buffer().array();
            }
        }
        if (transportOut != null) {
            if (src != transportOut) {
                transportOut.buffer().put(transportOut.offset(), src.buffer(), src.offset(), n); // the verifier's
            }
            return FxIoStatus.NO_BYTES;
        }
        // The client API answers with an array of its own: the one copy at its edge (the driver wrote into a buffer
        // the client does not own: a verifier's, or a part of a larger one).
        byte[] copy = new byte[n];
        src.copyTo(0, copy, n);
        return copy;
    }

    static boolean hasOutput(WdfRequestType type) {
        return type == WdfRequestType.READ || type == WdfRequestType.DEVICE_CONTROL
                || type == WdfRequestType.INTERNAL_DEVICE_CONTROL;
    }

    static boolean hasInput(WdfRequestType type) {
        return type == WdfRequestType.WRITE || type == WdfRequestType.DEVICE_CONTROL
                || type == WdfRequestType.INTERNAL_DEVICE_CONTROL;
    }

    // ---------------------------------------------------------------------------------------------
    // Completion

    /**
     * The request is completed at the level this IRP reached: back to the sender one level up, or to the IRP it was
     * forwarded for (send-and-forget), or to the client. Called once, by whoever completed it.
     */
    void complete(NtStatus status, long info) {
        if (sender != null) {
            sender.lowerCompleted(this, status, info);
            finish(new FxIoStatus(status, info, FxIoStatus.NO_BYTES));
            return;
        }
        if (passTo != null) {
            passTo.complete(status, info);
            finish(new FxIoStatus(status, info, FxIoStatus.NO_BYTES));
            return;
        }
        finish(new FxIoStatus(status, info, outputFor(status, info)));
    }

    /** Completes the client's side; answers false when it was already complete (never happens for a correct request). */
    boolean finish(FxIoStatus status) {
        if (guarded != null) {
            FxRequest r = request;
            guarded.retire(file.device.globals, r != null ? r.toString() : toString());
        }
        if (file != null) {
            file.requestLeaving(this); // before the client sees the result: outstanding() never counts a finished request
        }
        boolean done = future.complete(status);
        if (done && file != null) {
            file.requestFinished();
        }
        return done;
    }

    /** A request forwarded with send-and-forget completes the IRP above this one directly. */
    static FxIrp forgotten(FxIrp above, FxIoFormat format, FxRequest at) {
        return new FxIrp(at, format, above);
    }

    @Override
    public String toString() {
        return "IRP[" + type + (type == WdfRequestType.DEVICE_CONTROL || type == WdfRequestType.INTERNAL_DEVICE_CONTROL
                ? String.format(" 0x%08X", ioControlCode) : "") + "]";
    }
}
