package org.wdf4j.framework;

import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.device.WdfFileObject;
import org.wdf4j.framework.FxRequestState.Event;
import org.wdf4j.framework.trace.Trace;
import org.wdf4j.io.EvtRequestCancel;
import org.wdf4j.io.EvtRequestCompletionRoutine;
import org.wdf4j.io.WdfIoTarget;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestCompletionParams;
import org.wdf4j.io.WdfRequestParameters;
import org.wdf4j.io.WdfRequestSendOptions;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.memory.WdfMemory;
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
 *   <li>Lock order: a queue's lock, then a request's monitor; never the reverse. A request's monitor is never held
 *       while calling a target, a lower device or driver code.</li>
 *   <li>While SENT, {@link #sentIrp} is the IRP that carries it below and {@link #sentTo} the target it went through;
 *       the LOWER_COMPLETE transition (made once, by {@link #lowerCompleted}, for that IRP only) clears them, so the
 *       completion routine runs at most once per send, and only after the lower driver completed.</li>
 * </ul>
 *
 * <p>A request the framework made is not a node of the driver's object tree (it has no parent, as the I/O manager's
 * requests in WDF): the queues and the device account for it, and a request a driver still holds when its device goes
 * is reported with where it is in its stack and for whom. A request the driver made ({@code WdfRequestCreate}) is a
 * node of the tree, under its parent.
 */
final class FxRequest extends FxObject implements WdfRequest {

    static final byte NO_LIST = 0;
    static final byte WAITING = 1;
    static final byte OWNED = 2;

    final FxIrp irp;
    final FxDevice device;
    final FxFileObject fileObject;
    /** Made by the driver (WdfRequestCreate): never completed, deleted or reused instead. */
    final boolean created;

    private FxRequestState rstate = FxRequestState.QUEUED;
    /** When it was last presented to (or retrieved by) the driver, {@link System#nanoTime()}; guarded by this monitor. */
    private long presentedAt;
    private boolean canceled;
    private EvtRequestCancel cancelRoutine;
    private long information;
    private NtStatus completedWith;
    private ByteBuffer inBuffer;
    /** The memory objects over its buffers, made on first retrieval (children of this request). */
    private FxMemory inputMemory;
    private FxMemory outputMemory;

    // Sending, guarded by this object's monitor.
    /** How the next send looks below (formatRequestUsingCurrentType, a target's formatRequestFor); null: unformatted. */
    private FxIoFormat nextFormat;
    private EvtRequestCompletionRoutine completionRoutine;
    /** While SENT: the IRP carrying it below, the format it was made from, and the target it went through. */
    private FxIrp sentIrp;
    private FxIoFormat sentFormat;
    FxIoTarget sentTo;
    private boolean syncSend;
    /** The send's timeout fired and cancelled it: a STATUS_CANCELLED completion is reported as STATUS_IO_TIMEOUT. */
    private boolean timedOut;
    private ScheduledFuture<?> sendTimer;
    /** WdfRequestGetStatus. */
    private NtStatus sendStatus = NtStatus.STATUS_SUCCESS;
    private WdfRequestCompletionParams completionParams;

    /** Links in the delivered list of {@link #sentTo}; guarded by that target's lock. */
    FxRequest targetPrev;
    FxRequest targetNext;
    boolean inTarget;

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
        this.created = false;
        globals.objectMade();
    }

    /** A request the driver creates (WdfRequestCreate), under {@code parent}; the driver owns it. */
    FxRequest(FxDriverGlobals globals, FxObject parent, WdfObjectAttributes attributes) {
        super(globals, parent, attributes);
        this.irp = new FxIrp(new WdfRequestor(ProcessHandle.current().pid(), -1, -1));
        this.device = null;
        this.fileObject = null;
        this.created = true;
        this.rstate = FxRequestState.DRIVER;
    }

    @Override
    public String objectType() {
        return "WDFREQUEST";
    }

    @Override
    boolean recordsCreation() {
        return globals.verifier().tracks("WDFREQUEST");
    }

    /** Requests the framework made are completed, never deleted by the driver; those it made it deletes. */
    @Override
    boolean canBeDeletedByDriver() {
        return created;
    }

    @Override
    public NtStatus delete() {
        if (created && requestState() == FxRequestState.SENT) {
            checkHandle("WdfObjectDelete", Irql.DISPATCH_LEVEL);
            globals.violation(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "WdfObjectDelete", this, this
                    + " is sent and owned by the driver below; delete it after its completion routine ran");
            return NtStatus.STATUS_INVALID_DEVICE_STATE;
        }
        return super.delete();
    }

    /** A created request deleted while sent (its parent went) is cancelled below first. */
    @Override
    boolean hasFrameworkCleanup() {
        return created;
    }

    @Override
    void frameworkCleanup() {
        cancelSent();
    }

    WdfRequestType type() {
        return irp.type;
    }

    /** Where this request is and for whom, for leak and unload reports (ST10). */
    String whereAndForWhom() {
        FxIrp origin = irp.origin;
        String at = device == null ? "made by the driver (WdfRequestCreate)" : "at " + device.level();
        return at + "; its original request is " + origin + " from requestor " + irp.requestor
                + (origin.file != null ? " through " + origin.file : "");
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

    /** Queue side, under the lock of {@code by} (null: the device presents it, a create): QUEUED to DRIVER. */
    synchronized boolean present(FxIoQueue by) {
        return presentedLocked(applyLocked(Event.PRESENT), by);
    }

    /** Queue side, under the queue's lock: QUEUED to DRIVER unless a cancel came first (then it stays QUEUED). */
    synchronized boolean presentUnlessCanceled(FxIoQueue by) {
        return presentedLocked(!canceled && applyLocked(Event.PRESENT), by);
    }

    private boolean presentedLocked(boolean presented, FxIoQueue by) {
        if (presented) {
            presentedAt = System.nanoTime();
            if (Trace.requestEventsRecorded()) {
                Trace.requestPresented(globals.name(), handleName(), by == null ? "" : by.toString(), String.valueOf(irp.type),
                        irp.type == WdfRequestType.READ ? irp.outputLength : irp.inputLength, irp.ioControlCode,
                        irp.requestor.processId());
            }
        }
        return presented;
    }

    /** The request as {@code wdf4j inspect} shows it ({@code !wdfrequest}), {@code now} being {@link System#nanoTime()}. */
    synchronized FxInspection.Request inspect(long now) {
        long length = irp.type == WdfRequestType.READ ? irp.outputLength : irp.inputLength;
        return new FxInspection.Request(handleName(), String.valueOf(irp.type), length, irp.ioControlCode, rstate,
                rstate == FxRequestState.CANCELABLE, canceled, presentedAt == 0 ? 0 : now - presentedAt,
                irp.requestor.processId(), String.valueOf(queue), String.valueOf(device));
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
        if (created) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "WdfRequestComplete: " + this
                    + " was made by the driver (WdfRequestCreate); such a request is not completed: reuse it "
                    + "(WdfRequestReuse) or delete it");
        }
        if (status == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL,
                    "WdfRequestComplete: the status of " + this + " is null");
        }
        if (status.equals(NtStatus.STATUS_PENDING)) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR,
                    "WdfRequestComplete: " + this + " completed with STATUS_PENDING, which is not a completion status");
        }
        globals.interleave();
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
            case SENT -> "was sent to " + sentTo + " and is owned by the driver below until its completion routine runs";
            case FORWARDED -> "was sent with send-and-forget; the driver below completes it";
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

    /** After the COMPLETE transition, by the one thread that made it: the queue, the requestor, the object. */
    private void finishCompleted(NtStatus status, long info) {
        FxIoQueue q = queue;
        if (Trace.requestEventsRecorded()) {
            long held;
            boolean cancelled;
            synchronized (this) {
                held = presentedAt == 0 ? 0 : System.nanoTime() - presentedAt;
                cancelled = canceled;
            }
            Trace.requestCompleted(globals.name(), handleName(), q == null ? "" : q.toString(), String.valueOf(irp.type),
                    status.toString(), status.code(), info, held, cancelled);
        }
        if (q != null) {
            q.requestLeft(this);
        }
        irp.complete(status, info);
        deleteInternal(); // the creation reference: the request is destroyed unless the driver references it
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
        irp.complete(NtStatus.STATUS_NO_SUCH_DEVICE, 0);
        return true;
    }

    /**
     * ST10: the device this request was sent from is being removed and the driver below did not complete it within
     * the bound: the framework gives up on it here (its requestor is told STATUS_NO_SUCH_DEVICE, once); a completion
     * that comes later from below is journalled and dropped.
     */
    void abandonSent(FxIoTarget from) {
        boolean sent;
        synchronized (this) {
            sent = rstate == FxRequestState.SENT;
        }
        if (sent && abandonRequest()) {
            from.completed(this);
            globals.journal(JournalEntry.Kind.IO, toString(), "abandoned at the removal of " + device + ": sent to "
                    + from + " and not completed below; its requestor was told STATUS_NO_SUCH_DEVICE; "
                    + whereAndForWhom());
        }
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

    /** A cancel from the requestor (the client, or the request above this one), a file cleanup or a purge. */
    void cancel() {
        globals.interleave();
        EvtRequestCancel routine = null;
        boolean queued = false;
        boolean sent = false;
        synchronized (this) {
            if (rstate == FxRequestState.COMPLETED || rstate == FxRequestState.ABANDONED
                    || rstate == FxRequestState.FORWARDED) {
                return;
            }
            canceled = true;
            if (Trace.requestEventsRecorded()) {
                Trace.requestCancelled(globals.name(), handleName(), String.valueOf(irp.type), rstate.name());
            }
            if (rstate == FxRequestState.CANCELABLE) {
                routine = cancelRoutine;
                cancelRoutine = null;
                applyLocked(Event.CANCEL);
            } else if (rstate == FxRequestState.QUEUED) {
                queued = true;
            } else if (rstate == FxRequestState.SENT) {
                sent = true;
            }
        }
        if (sent) {
            cancelSent(); // ST7: the requestor's cancel goes down to the driver that has the request now
        } else if (routine != null) {
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
            globals.invokeIoCallback("EvtRequestCancel", this, null, false, () -> routine.requestCancel(this));
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
            case READ -> new WdfRequestParameters(irp.type, irp.outputLength, 0, 0, 0, irp.deviceOffset);
            case WRITE -> new WdfRequestParameters(irp.type, irp.inputLength, 0, 0, 0, irp.deviceOffset);
            case DEVICE_CONTROL, INTERNAL_DEVICE_CONTROL -> new WdfRequestParameters(irp.type, 0, irp.outputLength,
                    irp.inputLength, irp.ioControlCode, 0);
            case null -> new WdfRequestParameters(null, 0, 0, 0, 0, 0); // made by the driver, never formatted
            default -> new WdfRequestParameters(irp.type, 0, 0, 0, 0, 0);
        };
    }

    @Override
    public NtResult<ByteBuffer> retrieveInputBuffer(long minimumRequiredLength) {
        checkHandle("WdfRequestRetrieveInputBuffer", Irql.DISPATCH_LEVEL);
        if (!FxIrp.hasInput(irp.type)) {
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
        int length = irp.inputLength;
        if (length == 0 || length < minimumRequiredLength) {
            return NtResult.failure(NtStatus.STATUS_BUFFER_TOO_SMALL);
        }
        synchronized (this) {
            if (inBuffer == null) {
                inBuffer = irp.inputBuffer();
            }
            return NtResult.success(inBuffer.duplicate().clear());
        }
    }

    @Override
    public NtResult<ByteBuffer> retrieveOutputBuffer(long minimumRequiredLength) {
        checkHandle("WdfRequestRetrieveOutputBuffer", Irql.DISPATCH_LEVEL);
        if (!FxIrp.hasOutput(irp.type)) {
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
        int length = irp.outputLength;
        if (length == 0 || length < minimumRequiredLength) {
            return NtResult.failure(NtStatus.STATUS_BUFFER_TOO_SMALL);
        }
        return NtResult.success(irp.outputBuffer());
    }

    @Override
    public WdfFileObject fileObject() {
        checkHandle("WdfRequestGetFileObject", Irql.DISPATCH_LEVEL);
        return fileObject;
    }

    @Override
    public WdfRequestor requestor() {
        checkHandle("WdfRequestGetRequestorProcessId", Irql.DISPATCH_LEVEL);
        return irp.requestor;
    }

    // ---------------------------------------------------------------------------------------------
    // Memory objects (ST8)

    @Override
    public NtResult<WdfMemory> retrieveInputMemory() {
        return retrieveMemory("WdfRequestRetrieveInputMemory", true);
    }

    @Override
    public NtResult<WdfMemory> retrieveOutputMemory() {
        return retrieveMemory("WdfRequestRetrieveOutputMemory", false);
    }

    /** The memory object over the input or the output, made on first use. */
    private NtResult<WdfMemory> retrieveMemory(String function, boolean input) {
        checkHandle(function, Irql.DISPATCH_LEVEL);
        if (!(input ? FxIrp.hasInput(irp.type) : FxIrp.hasOutput(irp.type))) {
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
        if ((input ? irp.inputLength : irp.outputLength) == 0) {
            return NtResult.failure(NtStatus.STATUS_BUFFER_TOO_SMALL);
        }
        FxMemory m;
        synchronized (this) {
            if (input && inputMemory == null) {
                inputMemory = viewOf(irp.input);
            } else if (!input && outputMemory == null) {
                outputMemory = viewOf(irp.outputRegion());
            }
            m = input ? inputMemory : outputMemory;
        }
        return m == null ? NtResult.failure(NtStatus.STATUS_DELETE_PENDING) : NtResult.success(m);
    }

    /** A memory object over one of this request's buffers, a child of it; null when the request is being deleted. */
    private FxMemory viewOf(FxMemory.Region region) {
        FxMemory m = new FxMemory(globals, this, WdfObjectAttributes.NONE, region, true);
        if (!m.attach().isSuccess()) {
            return null;
        }
        globals.objectMade();
        return m;
    }

    // ---------------------------------------------------------------------------------------------
    // Sending (ST6, ST7)

    @Override
    public void formatRequestUsingCurrentType() {
        checkHandle("WdfRequestFormatRequestUsingCurrentType", Irql.DISPATCH_LEVEL);
        if (irp.type == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "WdfRequestFormatRequestUsingCurrentType: "
                    + this + " was made by the driver and has no current type; format it for a target instead");
        }
        setFormat("WdfRequestFormatRequestUsingCurrentType", FxIoFormat.currentType(irp));
    }

    /** Sets the next send's format of a request the driver owns. */
    NtStatus setFormat(String function, FxIoFormat format) {
        synchronized (this) {
            if (rstate == FxRequestState.DRIVER || rstate == FxRequestState.CANCELABLE) {
                nextFormat = format;
                return NtStatus.STATUS_SUCCESS;
            }
        }
        globals.violation(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, function, this, this + " is not owned by the driver ("
                + requestState() + "); only a request the driver owns can be formatted", false);
        return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
    }

    @Override
    public void setCompletionRoutine(EvtRequestCompletionRoutine routine) {
        checkHandle("WdfRequestSetCompletionRoutine", Irql.DISPATCH_LEVEL);
        synchronized (this) {
            completionRoutine = routine;
        }
    }

    @Override
    public boolean send(WdfIoTarget target, WdfRequestSendOptions options) {
        WdfRequestSendOptions o = options == null ? WdfRequestSendOptions.init() : options;
        checkHandle("WdfRequestSend", o.synchronous() ? Irql.PASSIVE_LEVEL : Irql.DISPATCH_LEVEL);
        if (!(target instanceof FxIoTarget t)) {
            throw globals.bugCheck(target == null ? WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL
                    : WdfBugCheckCode.WDF_INVALID_HANDLE, "WdfRequestSend: " + target + " is not a framework I/O target");
        }
        t.checkValid("WdfRequestSend (target)");
        FxIoFormat format;
        synchronized (this) {
            format = nextFormat;
        }
        requireDriverOwned("WdfRequestSend");
        String refusal = format == null ? this + " was not formatted (formatRequestUsingCurrentType, or a target's "
                + "formatRequestFor methods) before it was sent"
                : o.sendAndForget() && (created || !format.currentType()) ? "send-and-forget is only for a request the "
                + "driver received and formatted with formatRequestUsingCurrentType; " + this + " is not one" : null;
        if (refusal != null) {
            globals.violation(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "WdfRequestSend", this, refusal);
            synchronized (this) {
                sendStatus = NtStatus.STATUS_INVALID_DEVICE_REQUEST;
            }
            return false;
        }
        if (o.sendAndForget()) {
            return sendAndForget(t, format);
        }
        FxIrp lower = new FxIrp(this, format);
        boolean canceledBefore;
        synchronized (this) {
            if (!applyLocked(Event.SEND)) {
                throw globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "WdfRequestSend: " + this
                        + " is not owned by the driver (" + rstate + ")");
            }
            sentIrp = lower;
            sentFormat = format;
            sentTo = t;
            syncSend = o.synchronous();
            timedOut = false;
            sendStatus = NtStatus.STATUS_PENDING;
            canceledBefore = canceled;
        }
        FxIoTarget.Admission admission = t.admit(this, o.ignoreTargetState());
        if (admission.refused() != null) {
            synchronized (this) {
                applyLocked(Event.SEND_FAILED);
                sentIrp = null;
                sentFormat = null;
                sentTo = null;
                sendStatus = admission.refused();
            }
            globals.journal(JournalEntry.Kind.IO, toString(), "not sent: " + t + " answered " + admission.refused());
            return false;
        }
        if (o.timeout() != null && !o.synchronous()) {
            armTimeout(lower, o.timeout().toNanos());
        }
        if (admission.deliverTo() != null) {
            deliver(admission.deliverTo(), lower, canceledBefore);
        } else if (canceledBefore) {
            cancelSent();
        }
        if (o.synchronous()) {
            awaitSynchronous(lower, o.timeout() == null ? -1 : o.timeout().toNanos());
        }
        return true;
    }

    /** A target started: delivers this request, which waited in it. */
    void deliver(FxIrpSink to) {
        FxIrp lower;
        boolean canceledNow;
        synchronized (this) {
            lower = sentIrp;
            canceledNow = canceled;
        }
        if (lower != null) {
            deliver(to, lower, canceledNow);
        }
    }

    private void deliver(FxIrpSink to, FxIrp lower, boolean canceledBefore) {
        if (canceledBefore) {
            lower.cancel(); // the requestor cancelled before the send: the lower driver finds it cancelled
        }
        to.submit(lower);
    }

    /** Send-and-forget: the lower driver completes the requestor's request itself; this one is gone. */
    private boolean sendAndForget(FxIoTarget t, FxIoFormat format) {
        FxIrpSink to = t.admitForgotten();
        if (to == null) {
            synchronized (this) {
                sendStatus = NtStatus.STATUS_INVALID_DEVICE_STATE;
            }
            return false;
        }
        FxIrp lower = FxIrp.forgotten(irp, format, this);
        synchronized (this) {
            if (!applyLocked(Event.FORGET)) {
                throw globals.bugCheck(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "WdfRequestSend: " + this
                        + " is not owned by the driver (" + rstate + ")");
            }
            cancelRoutine = null;
        }
        irp.forwardTo(lower);
        FxIoQueue q = queue;
        if (q != null) {
            q.requestLeft(this);
        }
        deleteInternal();
        to.submit(lower);
        return true;
    }

    /** The send's timeout: when it fires before the completion, the request is cancelled below (STATUS_IO_TIMEOUT). */
    private void armTimeout(FxIrp lower, long nanos) {
        FxDispatchWorker timers = globals.dispatchWorker();
        if (timers == null) {
            return;
        }
        ScheduledFuture<?> timer = timers.schedule(() -> timeOut(lower), nanos);
        synchronized (this) {
            if (sentIrp == lower) {
                sendTimer = timer;
                return;
            }
        }
        if (timer != null) {
            timer.cancel(false); // completed meanwhile
        }
    }

    private void timeOut(FxIrp lower) {
        synchronized (this) {
            if (sentIrp != lower) {
                return;
            }
            timedOut = true;
        }
        globals.journal(JournalEntry.Kind.IO, toString(), "send timed out: cancelled below");
        cancelSent();
    }

    /** A synchronous send waits for the completion, at PASSIVE_LEVEL; a timeout cancels it and waits for it to come back. */
    private void awaitSynchronous(FxIrp lower, long timeoutNanos) {
        try {
            if (timeoutNanos < 0) {
                lower.future().get();
            } else {
                lower.future().get(timeoutNanos, TimeUnit.NANOSECONDS);
            }
            return;
        } catch (TimeoutException e) {
            timeOut(lower);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            return; // never: the future completes normally
        }
        try {
            lower.future().get(2 * globals.verifier().waitTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            globals.reportWaitTimeout("the synchronous send of " + this + " (cancelled at its timeout, the driver below "
                    + "did not complete it)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // never
        }
    }

    /**
     * The IRP this request was sent as was completed below (or failed or cancelled by the framework): the sender owns
     * the request again, and its completion routine runs, once (ST6). An IRP that is not this request's current send
     * (the request was abandoned meanwhile) is journalled, not delivered.
     */
    void lowerCompleted(FxIrp lower, NtStatus status, long info) {
        EvtRequestCompletionRoutine routine;
        FxIoTarget t;
        WdfRequestCompletionParams params;
        boolean sync;
        ScheduledFuture<?> timer;
        FxRequestState found;
        synchronized (this) {
            found = rstate;
            if (sentIrp != lower || !applyLocked(Event.LOWER_COMPLETE)) {
                routine = null;
                t = null;
                params = null;
                sync = false;
                timer = null;
            } else {
                NtStatus st = timedOut && status.equals(NtStatus.STATUS_CANCELLED) ? NtStatus.STATUS_IO_TIMEOUT : status;
                FxIoFormat f = sentFormat;
                params = new WdfRequestCompletionParams(lower.type, st, info, lower.ioControlCode, lower.deviceOffset,
                        f.inputMemory(), f.outputMemory());
                completionParams = params;
                sendStatus = st;
                routine = completionRoutine;
                completionRoutine = null; // WDF clears it when it is called: a new send sets it again
                t = sentTo;
                sentIrp = null;
                sentFormat = null;
                sync = syncSend;
                timer = sendTimer;
                sendTimer = null;
            }
        }
        if (t == null) {
            globals.journal(JournalEntry.Kind.IO, toString(), "completed below with " + status + " while " + found
                    + "; not delivered (the request is no longer waiting for it)");
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        t.completed(this);
        if (sync || routine == null) {
            return; // synchronous: the sender's thread reads the status; no routine: the driver reads it when it likes
        }
        FxIoTarget target = t;
        boolean returned = globals.invokeIoCallback("EvtRequestCompletionRoutine", this, null, false,
                () -> routine.requestCompletion(this, target, params));
        if (!returned && !created && requestState() == FxRequestState.DRIVER) {
            completeByFramework(NtStatus.STATUS_DRIVER_INTERNAL_ERROR, 0);
        }
    }

    @Override
    public synchronized NtStatus status() {
        checkHandle("WdfRequestGetStatus", Irql.DISPATCH_LEVEL);
        return sendStatus;
    }

    @Override
    public synchronized WdfRequestCompletionParams completionParams() {
        checkHandle("WdfRequestGetCompletionParams", Irql.DISPATCH_LEVEL);
        return completionParams;
    }

    @Override
    public boolean cancelSentRequest() {
        checkHandle("WdfRequestCancelSentRequest", Irql.DISPATCH_LEVEL);
        return cancelSent();
    }

    /**
     * Cancels this request below while it is sent: one waiting in a stopped target is failed there with
     * STATUS_CANCELLED; a delivered one is cancelled at the level that has it (its cancel routine runs if it is marked
     * cancelable there). Answers whether it was still sent.
     */
    boolean cancelSent() {
        FxIrp lower;
        FxIoTarget t;
        synchronized (this) {
            if (rstate != FxRequestState.SENT) {
                return false;
            }
            lower = sentIrp;
            t = sentTo;
        }
        if (t.removeWaiting(this)) {
            lower.complete(NtStatus.STATUS_CANCELLED, 0);
            return true;
        }
        return lower.cancel();
    }

    @Override
    public NtStatus reuse(NtStatus status) {
        checkHandle("WdfRequestReuse", Irql.DISPATCH_LEVEL);
        synchronized (this) {
            if (created && rstate == FxRequestState.DRIVER) {
                nextFormat = null;
                completionParams = null;
                completionRoutine = null;
                canceled = false;
                sendStatus = status == null ? NtStatus.STATUS_SUCCESS : status;
                return NtStatus.STATUS_SUCCESS;
            }
        }
        globals.violation(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "WdfRequestReuse", this, created
                ? this + " is sent; reuse it after its completion" : this + " was made by the framework; only a request "
                + "the driver made can be reused", false);
        return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
    }

    @Override
    public String toString() {
        return handleName() + (created ? " (made by the driver)" : " (" + irp.type + ")");
    }
}
