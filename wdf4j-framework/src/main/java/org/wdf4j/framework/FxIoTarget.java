package org.wdf4j.framework;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.framework.FxIoTargetState.Event;
import org.wdf4j.io.EvtIoTargetQueryRemove;
import org.wdf4j.io.EvtIoTargetRemoveCanceled;
import org.wdf4j.io.EvtIoTargetRemoveComplete;
import org.wdf4j.io.WdfIoTarget;
import org.wdf4j.io.WdfIoTargetOpenParams;
import org.wdf4j.io.WdfIoTargetSentIoAction;
import org.wdf4j.io.WdfIoTargetState;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.memory.WdfMemory;
import org.wdf4j.memory.WdfMemoryOffset;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * {@code WDFIOTARGET}: where a device's driver sends requests (ST5). The default (local) target of a device sends to
 * the next lower device of its stack; a remote target to the top of the stack of the device it opened by name.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@link #tstate} changes only through {@link FxIoTargetStateMachine}, under {@link #lock}; an event the state
 *       does not expect is journalled and changes nothing.</li>
 *   <li>Every request sent through this target and not yet back is in exactly one of two places, under {@link #lock}:
 *       the delivered list ({@link #sentHead}, linked through {@link FxRequest#targetPrev}/{@link FxRequest#targetNext},
 *       counted by {@link #sentCount}), or {@link #waiting} (sent while stopped, not delivered). A request leaves them
 *       when its completion comes back ({@link #completed}) or, waiting, when it is cancelled or delivered.</li>
 *   <li>Driver code and lower devices are never called with {@link #lock} held. Lock order: a request's monitor is
 *       never held while taking this lock, and this lock is never held while taking a request's monitor.</li>
 * </ul>
 */
final class FxIoTarget extends FxObject implements WdfIoTarget {

    /** What {@link #admit} decided for a request being sent. */
    record Admission(FxIrpSink deliverTo, NtStatus refused) {
        static final Admission WAIT = new Admission(null, null);
    }

    final FxDevice device;
    /** The device's default target (its stack's next lower device): the framework opens and closes it. */
    final boolean local;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private FxIoTargetState tstate;
    /**
     * Where requests are delivered: the next lower device, the top of the opened device's stack, or an open of a device
     * in another process ({@link FxFileSink}, closed when the target closes); guarded by {@link #lock}.
     */
    private FxIrpSink sink;
    /** The delivered list; guarded by {@link #lock}. */
    private FxRequest sentHead;
    private int sentCount;
    /** Requests sent while stopped, in order; guarded by {@link #lock}. */
    private final ArrayDeque<FxRequest> waiting = new ArrayDeque<>(0);
    /** Threads waiting for the delivered list to empty (a stop, a close, a removal); guarded by {@link #lock}. */
    private int drainWaiters;
    /** What a remote target opened and with which callbacks, for a reopen and for ST9; guarded by {@link #lock}. */
    private WdfIoTargetOpenParams opened;
    /** The host's registration for the opened device's removal (ST9), while open; guarded by {@link #lock}. */
    private FxTargetResolver.Registration watch = FxTargetResolver.Registration.NONE;

    FxIoTarget(FxDriverGlobals globals, FxObject parent, FxDevice device, WdfObjectAttributes attributes,
               FxDevice lower) {
        super(globals, parent, attributes);
        this.device = device;
        this.local = lower != null;
        this.sink = lower == null ? null : lower::submit;
        this.tstate = local ? FxIoTargetState.STARTED : FxIoTargetState.CLOSED;
    }

    @Override
    public String objectType() {
        return "WDFIOTARGET";
    }

    /** The default target goes with its device. */
    @Override
    boolean canBeDeletedByDriver() {
        return !local;
    }

    @Override
    boolean hasFrameworkCleanup() {
        return true;
    }

    /** Applies {@code event} under {@link #lock}; false (journalled, nothing changes) when the state does not expect it. */
    private boolean applyLocked(Event event) {
        FxIoTargetState to = FxIoTargetStateMachine.next(tstate, event);
        if (to == null) {
            globals.journal(JournalEntry.Kind.IO, toString(), event + " not expected in state " + tstate + "; ignored");
            return false;
        }
        tstate = to;
        return true;
    }

    FxIoTargetState currentState() {
        synchronized (lock) {
            return tstate;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Requests sent (called by FxRequest, never with the request's monitor held)

    /**
     * A request was sent through this target (it is SENT): delivered now, or kept until the target starts, or
     * refused (the target is closed or deleted: the send fails and the driver keeps the request).
     */
    Admission admit(FxRequest r, boolean ignoreState) {
        synchronized (lock) {
            switch (tstate) {
                case STARTED -> {
                    linkSentLocked(r);
                    return new Admission(sink, null);
                }
                case STOPPED -> {
                    if (ignoreState) {
                        linkSentLocked(r);
                        return new Admission(sink, null);
                    }
                    waiting.addLast(r);
                    return Admission.WAIT;
                }
                default -> {
                    return new Admission(null, NtStatus.STATUS_INVALID_DEVICE_STATE);
                }
            }
        }
    }

    /** Send-and-forget: the device to hand the request to whatever the target's state, or null when closed or deleted. */
    FxIrpSink admitForgotten() {
        synchronized (lock) {
            return tstate == FxIoTargetState.STARTED || tstate == FxIoTargetState.STOPPED ? sink : null;
        }
    }

    private void linkSentLocked(FxRequest r) {
        r.targetPrev = null;
        r.targetNext = sentHead;
        if (sentHead != null) {
            sentHead.targetPrev = r;
        }
        sentHead = r;
        r.inTarget = true;
        sentCount++;
    }

    private void unlinkSentLocked(FxRequest r) {
        if (r.targetPrev == null) {
            sentHead = r.targetNext;
        } else {
            r.targetPrev.targetNext = r.targetNext;
        }
        if (r.targetNext != null) {
            r.targetNext.targetPrev = r.targetPrev;
        }
        r.targetPrev = null;
        r.targetNext = null;
        r.inTarget = false;
        sentCount--;
    }

    /** The completion of a request sent through this target came back: it leaves the target. */
    void completed(FxRequest r) {
        synchronized (lock) {
            if (r.inTarget) {
                unlinkSentLocked(r);
            } else {
                waiting.remove(r);
            }
            if (drainWaiters > 0 && sentCount == 0) {
                lock.notifyAll();
            }
        }
    }

    /** Takes a request that waits in the stopped target out of it; false when it was delivered (or is back). */
    boolean removeWaiting(FxRequest r) {
        synchronized (lock) {
            return waiting.remove(r);
        }
    }

    private List<FxRequest> deliveredSnapshot() {
        List<FxRequest> list = new ArrayList<>();
        synchronized (lock) {
            for (FxRequest r = sentHead; r != null; r = r.targetNext) {
                list.add(r);
            }
        }
        return list;
    }

    /** How many requests were delivered and are not back, for tests and reports. */
    int sentCount() {
        synchronized (lock) {
            return sentCount;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // WdfIoTarget

    @Override
    public NtStatus open(WdfIoTargetOpenParams params) {
        checkHandle("WdfIoTargetOpen", Irql.PASSIVE_LEVEL);
        if (params == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, "WdfIoTargetOpen: OpenParams is null");
        }
        if (local) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "WdfIoTargetOpen", this,
                    "the default I/O target of a device is opened by the framework", false);
            return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
        }
        return openNow(params);
    }

    /**
     * Opens the named device, or (a reopen) the one it had open before a query-remove closed it, with the callbacks
     * it had; a first open registers for the device's removal (ST9).
     */
    private NtStatus openNow(WdfIoTargetOpenParams params) {
        FxIoTargetState expected = params.reopening() ? FxIoTargetState.CLOSED_FOR_QUERY_REMOVE : FxIoTargetState.CLOSED;
        WdfIoTargetOpenParams with = params;
        if (params.reopening()) {
            synchronized (lock) {
                if (tstate != expected || opened == null) {
                    globals.journal(JournalEntry.Kind.IO, toString(), "WdfIoTargetOpen(reopen) of a target in state "
                            + tstate + ": only a target closed for a query-remove is reopened");
                    return NtStatus.STATUS_INVALID_DEVICE_STATE;
                }
                with = opened;
            }
        }
        NtResult<FxDeviceEndpoint> found = globals.targetResolver().resolve(with.targetDeviceName());
        if (!found.isSuccess()) {
            return found.status();
        }
        FxDeviceEndpoint named = found.value();
        FxIrpSink to;
        Object top;
        if (named instanceof FxDevice device) {
            FxDevice stackTop = device.stackTop();
            to = stackTop::submit;
            top = stackTop;
        } else {
            NtResult<FxFileSink> file = openFile(named);
            if (!file.isSuccess()) {
                return file.status();
            }
            to = file.value();
            top = file.value();
        }
        synchronized (lock) {
            if (tstate == expected) {
                sink = to;
                opened = with;
                applyLocked(Event.OPEN);
                to = null;
            }
        }
        if (to != null) {
            globals.journal(JournalEntry.Kind.IO, toString(), "WdfIoTargetOpen of a target in state " + currentState());
            if (to instanceof FxFileSink file) {
                file.file.close();
            }
            return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
        }
        if (!params.reopening()) {
            FxTargetResolver.Registration registration = globals.targetResolver().watchTarget(named, new RemovalListener());
            boolean keep;
            synchronized (lock) {
                keep = tstate == FxIoTargetState.STARTED || tstate == FxIoTargetState.STOPPED;
                if (keep) {
                    watch = registration;
                }
            }
            if (!keep) {
                registration.close(); // closed meanwhile
            }
        }
        globals.journal(JournalEntry.Kind.IO, toString(), (params.reopening() ? "reopened " : "opened ")
                + with.targetDeviceName() + " (" + top + ")");
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * Opens a device of another process as a client does (the driver's process as the requestor), waiting at most the
     * wait timeout; an open that completes later is closed.
     */
    private NtResult<FxFileSink> openFile(FxDeviceEndpoint device) {
        java.util.concurrent.CompletableFuture<? extends NtResult<? extends FxFileEndpoint>> open =
                device.open(new org.wdf4j.io.WdfRequestor(ProcessHandle.current().pid(), 0, 0), "");
        try {
            NtResult<? extends FxFileEndpoint> r = open.get(globals.verifier().waitTimeout().toNanos(),
                    java.util.concurrent.TimeUnit.NANOSECONDS);
            return r.isSuccess() ? NtResult.success(new FxFileSink(r.value())) : NtResult.failure(r.status());
        } catch (java.util.concurrent.TimeoutException | InterruptedException
                 | java.util.concurrent.ExecutionException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            open.thenAccept(late -> {
                if (late.isSuccess()) {
                    late.value().close();
                }
            });
            globals.journal(JournalEntry.Kind.IO, toString(), "the open of " + device + " did not complete: " + e);
            return NtResult.failure(NtStatus.STATUS_IO_TIMEOUT);
        }
    }

    /** A target that no longer holds its device lets go of its open of a device of another process, if it has one. */
    private void releaseFile() {
        FxFileSink file = null;
        synchronized (lock) {
            if (sink instanceof FxFileSink f && tstate != FxIoTargetState.STARTED && tstate != FxIoTargetState.STOPPED) {
                file = f;
                sink = null;
            }
        }
        if (file != null) {
            file.file.close();
        }
    }

    /** Ends the registration for the opened device's removal (the target is closed or deleted). */
    private void unwatch() {
        FxTargetResolver.Registration registration;
        synchronized (lock) {
            registration = watch;
            watch = FxTargetResolver.Registration.NONE;
        }
        registration.close();
    }

    @Override
    public void close() {
        if (closableByDriver("WdfIoTargetClose")) {
            shutDown(Event.CLOSE, globals.innerWaitDeadline());
            unwatch();
        }
    }

    @Override
    public void closeForQueryRemove() {
        if (closableByDriver("WdfIoTargetCloseForQueryRemove")) {
            shutDown(Event.CLOSE_FOR_QUERY_REMOVE, globals.innerWaitDeadline());
        }
    }

    /** Checks a driver's close of this target; false (a violation) for a default target, which the framework closes. */
    private boolean closableByDriver(String function) {
        checkHandle(function, Irql.PASSIVE_LEVEL);
        if (local) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, function, this,
                    "the default I/O target of a device is closed by the framework when the device is removed", false);
        }
        return !local;
    }

    @Override
    public NtStatus start() {
        checkHandle("WdfIoTargetStart", Irql.DISPATCH_LEVEL);
        List<FxRequest> deliver;
        FxIrpSink to;
        synchronized (lock) {
            if (!applyLocked(Event.START)) {
                return NtStatus.STATUS_INVALID_DEVICE_STATE;
            }
            deliver = new ArrayList<>(waiting);
            waiting.clear();
            for (FxRequest r : deliver) {
                linkSentLocked(r);
            }
            to = sink;
        }
        for (FxRequest r : deliver) {
            r.deliver(to);
        }
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public void stop(WdfIoTargetSentIoAction action) {
        if (action == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, "WdfIoTargetStop: Action is null");
        }
        checkHandle("WdfIoTargetStop", action == WdfIoTargetSentIoAction.LEAVE_SENT_IO_PENDING
                ? Irql.DISPATCH_LEVEL : Irql.PASSIVE_LEVEL);
        synchronized (lock) {
            if (!applyLocked(Event.STOP)) {
                return;
            }
        }
        globals.journal(JournalEntry.Kind.IO, toString(), "stopped (" + action + ")");
        if (action == WdfIoTargetSentIoAction.CANCEL_SENT_IO) {
            cancelDelivered();
        }
        if (action != WdfIoTargetSentIoAction.LEAVE_SENT_IO_PENDING) {
            awaitDelivered("WdfIoTargetStop(" + this + ", " + action + ")", globals.innerWaitDeadline());
        }
    }

    @Override
    public WdfIoTargetState targetState() {
        checkHandle("WdfIoTargetGetState", Irql.DISPATCH_LEVEL);
        return currentState().api();
    }

    @Override
    public WdfDevice device() {
        checkHandle("WdfIoTargetGetDevice", Irql.DISPATCH_LEVEL);
        return device;
    }

    private void cancelDelivered() {
        for (FxRequest r : deliveredSnapshot()) {
            r.cancelSent();
        }
    }

    /** Waits until every delivered request is back, bounded by {@code deadline}; answers whether they are. */
    private boolean awaitDelivered(String what, long deadline) {
        synchronized (lock) {
            drainWaiters++;
            try {
                while (sentCount > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || globals.abandoned()) {
                        break;
                    }
                    lock.wait(Math.max(1, Math.min(left / 1_000_000, 50)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                drainWaiters--;
            }
            if (sentCount == 0) {
                return true;
            }
        }
        globals.reportWaitTimeout(what + ": requests sent through it are still not completed by the driver below");
        return false;
    }

    /**
     * Close or removal: no more sends; the requests waiting in the target fail with STATUS_CANCELLED, the delivered
     * ones are cancelled and waited for, bounded by {@code deadline}. Answers whether they all came back.
     */
    private boolean shutDown(Event event, long deadline) {
        List<FxRequest> failed;
        synchronized (lock) {
            if (tstate == FxIoTargetState.DELETED || !applyLocked(event)) {
                return true; // removed already (its device's removal, then its cleanup): nothing more to do
            }
            failed = new ArrayList<>(waiting);
        }
        globals.journal(JournalEntry.Kind.IO, toString(), event + ": " + failed.size() + " waiting, " + sentCount()
                + " delivered request(s) cancelled");
        for (FxRequest r : failed) {
            r.cancelSent();
        }
        cancelDelivered();
        boolean back = awaitDelivered(event + " of " + this, deadline);
        releaseFile();
        return back;
    }

    /**
     * The owning device is being removed (ST10): what this target delivered is cancelled and waited for, bounded so
     * that the framework can give up on it and finish the removal; the target is deleted.
     */
    void removeWithDevice(long giveUpAt) {
        unwatch();
        if (!shutDown(Event.REMOVE, giveUpAt)) {
            // The driver below did not complete what this device sent it: the framework gives up on this level's
            // requests (their requestors are told STATUS_NO_SUCH_DEVICE, once), so that the removal goes on; the
            // lower driver's own removal reports what it still holds.
            for (FxRequest r : deliveredSnapshot()) {
                r.abandonSent(this);
            }
        }
    }

    @Override
    void frameworkCleanup() {
        unwatch();
        shutDown(Event.REMOVE, globals.giveUpDeadline());
        device.targetGone(this);
    }

    // ---------------------------------------------------------------------------------------------
    // The opened device's life (ST9)

    /** The callbacks the target was opened with; null when it never was. */
    private WdfIoTargetOpenParams openedWith() {
        synchronized (lock) {
            return opened;
        }
    }

    /** Whether the target still holds its device (a kept handle). */
    private boolean holdsDevice() {
        FxIoTargetState now = currentState();
        return now == FxIoTargetState.STARTED || now == FxIoTargetState.STOPPED;
    }

    /**
     * Calls one of the target's removal callbacks on the driver's passive thread (the driver bound, an exception a
     * finding); false when it did not run or threw.
     */
    private boolean callRemovalCallback(String what, Runnable callback) {
        boolean[] ran = new boolean[1];
        globals.invokeFrameworkCallback(what + "(" + this + ")", () -> {
            callback.run();
            ran[0] = true;
        });
        return ran[0];
    }

    /** What the host calls, on its PnP thread, about the opened device; each step runs on the driver's passive thread. */
    private final class RemovalListener implements FxTargetDeviceListener {

        @Override
        public boolean queryRemove() {
            return globals.runLifecycleStep("EvtIoTargetQueryRemove(" + FxIoTarget.this + ")", () -> {
                if (!holdsDevice()) {
                    return true; // closed already (or closed for an earlier query-remove)
                }
                EvtIoTargetQueryRemove callback = openedWith().evtIoTargetQueryRemove();
                NtStatus[] answer = {null};
                if (callback != null) {
                    callRemovalCallback("EvtIoTargetQueryRemove",
                            () -> answer[0] = callback.queryRemove(FxIoTarget.this));
                }
                if (answer[0] == null) { // no callback (WDF's default), or it threw: the framework lets go
                    shutDown(Event.CLOSE_FOR_QUERY_REMOVE, globals.innerWaitDeadline());
                    answer[0] = NtStatus.STATUS_SUCCESS;
                }
                if (!answer[0].isSuccess()) {
                    globals.journal(JournalEntry.Kind.IO, FxIoTarget.this.toString(),
                            "EvtIoTargetQueryRemove answered " + answer[0] + ": the removal is vetoed");
                    return false;
                }
                if (holdsDevice()) {
                    globals.journal(JournalEntry.Kind.IO, FxIoTarget.this.toString(), "EvtIoTargetQueryRemove answered "
                            + "success but kept the target open (WdfIoTargetCloseForQueryRemove not called): the open "
                            + "handle vetoes the removal");
                    return false;
                }
                return true;
            }, () -> Boolean.FALSE);
        }

        @Override
        public void removeCanceled() {
            globals.runLifecycleStep("EvtIoTargetRemoveCanceled(" + FxIoTarget.this + ")", () -> {
                EvtIoTargetRemoveCanceled callback = openedWith().evtIoTargetRemoveCanceled();
                if (callback != null) {
                    callRemovalCallback("EvtIoTargetRemoveCanceled", () -> callback.removeCanceled(FxIoTarget.this));
                } else if (currentState() == FxIoTargetState.CLOSED_FOR_QUERY_REMOVE) {
                    NtStatus status = openNow(WdfIoTargetOpenParams.reopen());
                    if (!status.isSuccess()) {
                        globals.journal(JournalEntry.Kind.IO, FxIoTarget.this.toString(),
                                "the reopen after a cancelled removal failed with " + status);
                    }
                }
                return Boolean.TRUE;
            }, () -> Boolean.FALSE);
        }

        @Override
        public void removeComplete() {
            globals.runLifecycleStep("EvtIoTargetRemoveComplete(" + FxIoTarget.this + ")", () -> {
                EvtIoTargetRemoveComplete callback = openedWith().evtIoTargetRemoveComplete();
                if (callback != null) {
                    callRemovalCallback("EvtIoTargetRemoveComplete", () -> callback.removeComplete(FxIoTarget.this));
                }
                FxIoTargetState now = currentState();
                if (now != FxIoTargetState.CLOSED && now != FxIoTargetState.DELETED) {
                    // WDF's default; or the driver left it open: its device is gone, the target closes
                    shutDown(Event.CLOSE, globals.innerWaitDeadline());
                }
                return Boolean.TRUE;
            }, () -> Boolean.FALSE);
            unwatch();
        }

        @Override
        public String describe() {
            return "driver " + globals.name() + "'s " + FxIoTarget.this;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Formatting (WdfIoTargetFormatRequestForXxx)

    @Override
    public NtStatus formatRequestForRead(WdfRequest request, WdfMemory outputBuffer, WdfMemoryOffset outputOffset,
                                         long deviceOffset) {
        return format("WdfIoTargetFormatRequestForRead", request, WdfRequestType.READ, 0, null, null, outputBuffer,
                outputOffset, deviceOffset);
    }

    @Override
    public NtStatus formatRequestForWrite(WdfRequest request, WdfMemory inputBuffer, WdfMemoryOffset inputOffset,
                                          long deviceOffset) {
        return format("WdfIoTargetFormatRequestForWrite", request, WdfRequestType.WRITE, 0, inputBuffer, inputOffset,
                null, null, deviceOffset);
    }

    @Override
    public NtStatus formatRequestForIoctl(WdfRequest request, int ioctlCode, WdfMemory inputBuffer,
                                          WdfMemoryOffset inputOffset, WdfMemory outputBuffer,
                                          WdfMemoryOffset outputOffset) {
        return format("WdfIoTargetFormatRequestForIoctl", request, WdfRequestType.DEVICE_CONTROL, ioctlCode,
                inputBuffer, inputOffset, outputBuffer, outputOffset, 0);
    }

    @Override
    public NtStatus formatRequestForInternalIoctl(WdfRequest request, int ioctlCode, WdfMemory inputBuffer,
                                                  WdfMemoryOffset inputOffset, WdfMemory outputBuffer,
                                                  WdfMemoryOffset outputOffset) {
        return format("WdfIoTargetFormatRequestForInternalIoctl", request, WdfRequestType.INTERNAL_DEVICE_CONTROL,
                ioctlCode, inputBuffer, inputOffset, outputBuffer, outputOffset, 0);
    }

    private NtStatus format(String function, WdfRequest request, WdfRequestType type, int ioctl, WdfMemory in,
                            WdfMemoryOffset inOffset, WdfMemory out, WdfMemoryOffset outOffset, long deviceOffset) {
        checkHandle(function, Irql.DISPATCH_LEVEL);
        if (!(request instanceof FxRequest r)) {
            throw globals.bugCheck(request == null ? WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL
                    : WdfBugCheckCode.WDF_INVALID_HANDLE, function + ": " + request + " is not a framework request");
        }
        FxMemory inMemory = memory(function, in);
        FxMemory outMemory = memory(function, out);
        FxMemory.Region inRegion = inMemory == null ? null : inMemory.part(inOffset);
        FxMemory.Region outRegion = outMemory == null ? null : outMemory.part(outOffset);
        if ((inMemory != null && inRegion == null) || (outMemory != null && outRegion == null)) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        return r.setFormat(function, FxIoFormat.withMemory(type, inRegion, inMemory, outRegion, outMemory, ioctl,
                deviceOffset));
    }

    private FxMemory memory(String function, WdfMemory memory) {
        if (memory == null) {
            return null;
        }
        if (!(memory instanceof FxMemory m)) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_HANDLE, function + ": " + memory
                    + " is not a framework memory object");
        }
        m.checkValid(function + " (memory)");
        return m;
    }

    @Override
    public String toString() {
        return handleName() + (local ? " (default target of " : " (remote target of ") + device + ")";
    }
}
