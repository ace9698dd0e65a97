package org.wdf4j.framework;

import java.nio.ByteBuffer;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.device.WdfFileObject;
import org.wdf4j.framework.FxRequestState.Event;
import org.wdf4j.io.EvtRequestCancel;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestParameters;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * {@code WDFREQUEST}: the driver's side of an {@link FxIrp}.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@link #rstate} changes only through {@link FxRequestStateMachine}, under this object's monitor; the client's
 *       future is completed only by the thread that made the COMPLETE (or ABANDON) transition, so exactly once.</li>
 *   <li>The queue links ({@link #queue}, {@link #list}, {@link #prev}, {@link #next}) are changed only under the lock
 *       of the queue named by {@link #queue}. A request is in at most one list of one queue: WAITING (state QUEUED) or
 *       OWNED (the driver holds it, presented or retrieved from that queue).</li>
 *   <li>Lock order: a queue's lock, then a request's monitor; never the reverse.</li>
 * </ul>
 *
 * <p>A request is not a node of the driver's object tree (it has no parent, as the I/O manager's requests in WDF):
 * the queues and the device account for it, and a request a driver still holds when its device goes is reported.
 */
final class FxRequest extends FxObject implements WdfRequest {

    static final byte NO_LIST = 0;
    static final byte WAITING = 1;
    static final byte OWNED = 2;

    final FxIrp irp;
    final FxDevice device;
    final FxFileObject fileObject;

    private FxRequestState rstate = FxRequestState.QUEUED;
    private boolean canceled;
    private EvtRequestCancel cancelRoutine;
    private long information;
    private NtStatus completedWith;
    private byte[] outBytes;
    private ByteBuffer inBuffer;

    // Queue bookkeeping, guarded by the lock of {@link #queue} (WAITING) or of its stripe (OWNED).
    FxIoQueue queue;
    byte list = NO_LIST;
    FxRequest prev;
    FxRequest next;
    /** The stripe of {@link #queue} that holds it while OWNED (guarded by that stripe's monitor). */
    FxIoQueue.Stripe stripe;
    /** The driver put the request in its current queue (forward, requeue): a cancel there goes to EvtIoCanceledOnQueue. */
    boolean putByDriver;
    /** The driver acknowledged a stop without requeueing (EvtIoResume when the queue restarts). */
    boolean stopAcknowledged;
    /** EvtIoStop(SUSPEND) has been called for the current power-down (cleared when the queue restarts). */
    boolean stopNotified;
    /** EvtIoStop(PURGE) has been called for the current purge (cleared when the queue restarts). */
    boolean purgeNotified;

    FxRequest(FxDriverGlobals globals, FxIrp irp, FxDevice device, FxFileObject fileObject, WdfObjectAttributes attributes) {
        super(globals, null, attributes);
        this.irp = irp;
        this.device = device;
        this.fileObject = fileObject;
        globals.objectMade();
    }

    @Override
    public String objectType() {
        return "WDFREQUEST";
    }

    @Override
    boolean recordsCreation() {
        return globals.verifier().tracks("WDFREQUEST");
    }

    /** Requests are completed, never deleted by the driver. */
    @Override
    boolean canBeDeletedByDriver() {
        return false;
    }

    WdfRequestType type() {
        return irp.type;
    }

    // ---------------------------------------------------------------------------------------------
    // State

    /** Applies {@code event} under the monitor held by the caller; false when illegal (nothing changes). */
    private boolean applyLocked(Event event) {
        FxRequestState to = FxRequestStateMachine.next(rstate, event);
        if (to == null) {
            return false;
        }
        rstate = to;
        return true;
    }

    synchronized FxRequestState requestState() {
        return rstate;
    }

    /** Queue side, under the queue's lock: QUEUED to DRIVER. */
    synchronized boolean present() {
        return applyLocked(Event.PRESENT);
    }

    /** Queue side, under the queue's lock: QUEUED to DRIVER unless a cancel came first (then it stays QUEUED). */
    synchronized boolean presentUnlessCanceled() {
        return !canceled && applyLocked(Event.PRESENT);
    }

    /** Queue side, under the destination queue's lock: DRIVER to QUEUED (forward, requeue, acknowledged requeue). */
    synchronized boolean enqueue() {
        return applyLocked(Event.ENQUEUE);
    }

    synchronized boolean isCancelRequested() {
        return canceled;
    }

    synchronized boolean isMarkedCancelable() {
        return rstate == FxRequestState.CANCELABLE;
    }

    // ---------------------------------------------------------------------------------------------
    // Completion

    @Override
    public void complete(NtStatus status) {
        long info;
        synchronized (this) {
            info = information;
        }
        completeWithInformation(status, info);
    }

    @Override
    public void completeWithInformation(NtStatus status, long info) {
        checkCompletable("WdfRequestCompleteWithInformation");
        if (status == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL,
                    "WdfRequestComplete: the status of " + this + " is null");
        }
        if (status.equals(NtStatus.STATUS_PENDING)) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR,
                    "WdfRequestComplete: " + this + " completed with STATUS_PENDING, which is not a completion status");
        }
        FxRequestState before;
        synchronized (this) {
            before = rstate;
            if (before == FxRequestState.QUEUED || !applyLocked(Event.COMPLETE)) {
                // fall through to the error below, outside the monitor
            } else {
                completedWith = status;
                information = info;
                cancelRoutine = null;
                before = null;
            }
        }
        if (before != null) {
            throw completionError(before);
        }
        finishCompleted(status, info);
    }

    /** A driver call that completes a request it does not own: a bug check naming the request and who owns it. */
    private RuntimeException completionError(FxRequestState state) {
        String why = switch (state) {
            case COMPLETED -> "was already completed with " + completedWith + "; a request is completed exactly once";
            case QUEUED -> "is waiting in " + queue + " and is owned by the framework, not the driver";
            case ABANDONED -> "was abandoned by the framework when its device went away (the driver held it past the "
                    + "wait timeout); the client was told STATUS_NO_SUCH_DEVICE";
            default -> "is in state " + state;
        };
        return globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "WdfRequestComplete: " + this + " " + why);
    }

    /**
     * The handle check of completion: a second completion of a request that is gone is still named as a second
     * completion (WDF_REQUEST_FATAL_ERROR), not only as an invalid handle.
     */
    private void checkCompletable(String function) {
        FxObjectState s = state();
        if (s.isInvalidHandle() || s == FxObjectState.DESTROYING) {
            synchronized (this) {
                if (rstate == FxRequestState.COMPLETED) {
                    throw globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, function + ": " + this
                            + " was already completed with " + completedWith + " and is gone; a request is completed "
                            + "exactly once");
                }
            }
        }
        checkHandle(function, Irql.DISPATCH_LEVEL);
    }

    /** The framework completes a request (no handler, cancelled in a queue, purged, zero length, device gone). */
    void completeByFramework(NtStatus status, long info) {
        synchronized (this) {
            if (!applyLocked(Event.COMPLETE)) {
                return; // someone else completed it: nothing to do, and nothing twice
            }
            completedWith = status;
            information = info;
            cancelRoutine = null;
        }
        finishCompleted(status, info);
    }

    /** After the COMPLETE transition, by the one thread that made it: the queue, the client, the object. */
    private void finishCompleted(NtStatus status, long info) {
        FxIoQueue q = queue;
        if (q != null) {
            q.requestLeft(this);
        }
        irp.finish(new FxIoStatus(status, info, outputFor(status, info)));
        deleteInternal(); // the creation reference: the request is destroyed unless the driver references it
    }

    private byte[] outputFor(NtStatus status, long info) {
        if (status.isError() || info <= 0 || (irp.type != WdfRequestType.READ && irp.type != WdfRequestType.DEVICE_CONTROL)) {
            return FxIoStatus.NO_BYTES;
        }
        int n = (int) Math.min(info, irp.outputLength);
        byte[] src;
        synchronized (this) {
            src = outBytes;
            if (src != null && src.length == n) {
                // The whole buffer was returned: it becomes the client's (a completed request's buffers are no longer
                // the driver's, as in WDF), without a copy.
                outBytes = null;
                return src;
            }
        }
        byte[] out = new byte[n];
        if (src != null) {
            System.arraycopy(src, 0, out, 0, n);
        }
        return out;
    }

    /**
     * The framework gives up on a request the driver still holds after its device went away: the client is told
     * STATUS_NO_SUCH_DEVICE, and a later completion by the driver is named as such. Answers false when the request
     * was completed meanwhile.
     */
    boolean abandonRequest() {
        synchronized (this) {
            if (!applyLocked(Event.ABANDON)) {
                return false;
            }
            cancelRoutine = null;
        }
        FxIoQueue q = queue;
        if (q != null) {
            q.requestLeft(this);
        }
        irp.finish(FxIoStatus.of(NtStatus.STATUS_NO_SUCH_DEVICE));
        return true;
    }

    @Override
    public void setInformation(long info) {
        checkHandle("WdfRequestSetInformation", Irql.DISPATCH_LEVEL);
        synchronized (this) {
            information = info;
        }
    }

    @Override
    public synchronized long information() {
        checkHandle("WdfRequestGetInformation", Irql.DISPATCH_LEVEL);
        return information;
    }

    // ---------------------------------------------------------------------------------------------
    // Cancellation

    /** A cancel from the client, a file cleanup or a purge. */
    void cancel() {
        EvtRequestCancel routine = null;
        boolean queued = false;
        synchronized (this) {
            if (rstate == FxRequestState.COMPLETED || rstate == FxRequestState.ABANDONED) {
                return;
            }
            canceled = true;
            if (rstate == FxRequestState.CANCELABLE) {
                routine = cancelRoutine;
                cancelRoutine = null;
                applyLocked(Event.CANCEL);
            } else if (rstate == FxRequestState.QUEUED) {
                queued = true;
            }
        }
        if (routine != null) {
            runCancelRoutine(routine);
        } else if (queued) {
            FxIoQueue q = queue;
            if (q != null) {
                q.cancelWaiting(this);
            }
        }
    }

    private void runCancelRoutine(EvtRequestCancel routine) {
        FxIoQueue q = queue;
        if (q != null) {
            q.invokeCancel(this, routine);
        } else {
            globals.invokeIoCallback("EvtRequestCancel(" + this + ")", null, false, () -> routine.requestCancel(this));
        }
    }

    @Override
    public void markCancelable(EvtRequestCancel routine) {
        markCancelable("WdfRequestMarkCancelable", routine, false);
    }

    @Override
    public NtStatus markCancelableEx(EvtRequestCancel routine) {
        return markCancelable("WdfRequestMarkCancelableEx", routine, true);
    }

    private NtStatus markCancelable(String function, EvtRequestCancel routine, boolean ex) {
        checkHandle(function, Irql.DISPATCH_LEVEL);
        if (routine == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, function + ": the cancel routine of "
                    + this + " is null");
        }
        boolean runNow = false;
        synchronized (this) {
            if (rstate == FxRequestState.CANCELABLE) {
                throw globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, function + ": " + this
                        + " is already marked cancelable");
            }
            if (rstate != FxRequestState.DRIVER) {
                throw globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, function + ": " + this
                        + " is not owned by the driver (" + rstate + ")");
            }
            applyLocked(Event.MARK_CANCELABLE);
            if (canceled) {
                if (ex) {
                    applyLocked(Event.UNMARK_CANCELABLE);
                    return NtStatus.STATUS_CANCELLED;
                }
                applyLocked(Event.CANCEL);
                runNow = true;
            } else {
                cancelRoutine = routine;
            }
        }
        if (runNow) {
            runCancelRoutine(routine);
        }
        FxIoQueue q = queue;
        if (q != null) {
            q.requestBecameCancelable(this);
        }
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public NtStatus unmarkCancelable() {
        checkHandle("WdfRequestUnmarkCancelable", Irql.DISPATCH_LEVEL);
        synchronized (this) {
            switch (rstate) {
                case CANCELABLE -> {
                    applyLocked(Event.UNMARK_CANCELABLE);
                    cancelRoutine = null;
                    return NtStatus.STATUS_SUCCESS;
                }
                case CANCEL_ROUTINE -> {
                    return NtStatus.STATUS_CANCELLED;
                }
                default -> {
                }
            }
        }
        globals.violation(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "WdfRequestUnmarkCancelable", this,
                this + " is not marked cancelable (" + requestState() + ")");
        return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
    }

    @Override
    public synchronized boolean isCanceled() {
        checkHandle("WdfRequestIsCanceled", Irql.DISPATCH_LEVEL);
        return canceled;
    }

    // ---------------------------------------------------------------------------------------------
    // Queues

    @Override
    public NtStatus forwardToIoQueue(WdfQueue destination) {
        checkHandle("WdfRequestForwardToIoQueue", Irql.DISPATCH_LEVEL);
        if (!(destination instanceof FxIoQueue dest)) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_HANDLE, "WdfRequestForwardToIoQueue: " + destination
                    + " is not a framework queue");
        }
        dest.checkValid("WdfRequestForwardToIoQueue (destination)");
        requireDriverOwned("WdfRequestForwardToIoQueue");
        if (dest == queue || dest.device != device) {
            globals.violation(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "WdfRequestForwardToIoQueue", this,
                    "cannot forward " + this + " to " + dest + (dest == queue ? ": it is the request's own queue"
                            : ", a queue of another device"), false);
            return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
        }
        return dest.acceptFromDriver(this, false);
    }

    @Override
    public NtStatus requeue() {
        checkHandle("WdfRequestRequeue", Irql.DISPATCH_LEVEL);
        requireDriverOwned("WdfRequestRequeue");
        FxIoQueue q = queue;
        if (q == null) {
            return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
        }
        return q.acceptFromDriver(this, true);
    }

    @Override
    public void stopAcknowledge(boolean requeue) {
        checkHandle("WdfRequestStopAcknowledge", Irql.DISPATCH_LEVEL);
        requireDriverOwned("WdfRequestStopAcknowledge");
        FxIoQueue q = queue;
        if (q != null) {
            q.stopAcknowledged(this, requeue);
        }
    }

    private void requireDriverOwned(String function) {
        FxRequestState s = requestState();
        if (s == FxRequestState.CANCELABLE) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, function + ": " + this
                    + " is marked cancelable; unmark it first (WdfRequestUnmarkCancelable)");
        }
        if (s != FxRequestState.DRIVER) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, function + ": " + this
                    + " is not owned by the driver (" + s + ")");
        }
    }

    @Override
    public WdfQueue queue() {
        checkHandle("WdfRequestGetIoQueue", Irql.DISPATCH_LEVEL);
        return queue;
    }

    // ---------------------------------------------------------------------------------------------
    // Parameters and buffers

    @Override
    public WdfRequestParameters parameters() {
        checkHandle("WdfRequestGetParameters", Irql.DISPATCH_LEVEL);
        return switch (irp.type) {
            case READ -> new WdfRequestParameters(irp.type, irp.outputLength, 0, 0, 0, 0);
            case WRITE -> new WdfRequestParameters(irp.type, irp.input.length, 0, 0, 0, 0);
            case DEVICE_CONTROL -> new WdfRequestParameters(irp.type, 0, irp.outputLength, irp.input.length,
                    irp.ioControlCode, 0);
            default -> new WdfRequestParameters(irp.type, 0, 0, 0, 0, 0);
        };
    }

    @Override
    public NtResult<ByteBuffer> retrieveInputBuffer(long minimumRequiredLength) {
        checkHandle("WdfRequestRetrieveInputBuffer", Irql.DISPATCH_LEVEL);
        if (irp.type != WdfRequestType.WRITE && irp.type != WdfRequestType.DEVICE_CONTROL) {
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
        int length = irp.input.length;
        if (length == 0 || length < minimumRequiredLength) {
            return NtResult.failure(NtStatus.STATUS_BUFFER_TOO_SMALL);
        }
        synchronized (this) {
            if (inBuffer == null) {
                inBuffer = ByteBuffer.wrap(irp.input);
            }
            return NtResult.success(inBuffer.duplicate().clear());
        }
    }

    @Override
    public NtResult<ByteBuffer> retrieveOutputBuffer(long minimumRequiredLength) {
        checkHandle("WdfRequestRetrieveOutputBuffer", Irql.DISPATCH_LEVEL);
        if (irp.type != WdfRequestType.READ && irp.type != WdfRequestType.DEVICE_CONTROL) {
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
        int length = irp.outputLength;
        if (length == 0 || length < minimumRequiredLength) {
            return NtResult.failure(NtStatus.STATUS_BUFFER_TOO_SMALL);
        }
        synchronized (this) {
            if (outBytes == null) {
                outBytes = new byte[length];
            }
            return NtResult.success(ByteBuffer.wrap(outBytes));
        }
    }

    @Override
    public WdfFileObject fileObject() {
        checkHandle("WdfRequestGetFileObject", Irql.DISPATCH_LEVEL);
        return fileObject;
    }

    @Override
    public WdfRequestor requestor() {
        checkHandle("WdfRequestGetRequestorProcessId", Irql.DISPATCH_LEVEL);
        return irp.file.requestor;
    }

    @Override
    public String toString() {
        return handleName() + " (" + irp.type + ")";
    }
}
