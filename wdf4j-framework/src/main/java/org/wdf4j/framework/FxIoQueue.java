package org.wdf4j.framework;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.io.EvtIoQueueState;
import org.wdf4j.io.EvtRequestCancel;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfIoQueueState;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestStopAction;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * {@code WDFQUEUE}.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>Each request of this queue is in exactly one of its intrusive lists: {@code waiting} (state QUEUED, in
 *       arrival order, requeued ones at the head; under {@link #lock}) or one stripe of {@code owned} (the driver holds
 *       it: presented, retrieved, or handed back by EvtIoCanceledOnQueue; under the stripe's monitor). Every queue but
 *       an unlimited PARALLEL one has a single stripe, changed only with {@link #lock} held too.</li>
 *   <li>An unlimited PARALLEL queue presents a request that arrives while nothing waits, and takes back one the driver
 *       completed, under the stripe's monitor alone (so that clients on different cores do not contend). Whatever
 *       stops it from presenting (stop, drain, purge, power-down) writes its flag first and then takes every stripe's
 *       monitor, so it either finds the request or the request finds the flag; a waiter publishes {@link #wakeNeeded}
 *       before it checks its condition, and a leaving request reads it after leaving, so no wake-up is lost.</li>
 *   <li>A dispatching queue presents a request only when {@link #canPresentLocked()}: started, powered (or not power
 *       managed), and under its limit (SEQUENTIAL: none owned; PARALLEL: fewer than {@code numberOfPresentedRequests}).</li>
 *   <li>Driver callbacks are never called with {@link #lock} held. Every change that can let a request be presented
 *       or a waiter be done calls {@link #dispatch()} or {@link #checkWaiters()} afterwards, so nothing waits for a
 *       wake-up that already happened.</li>
 * </ul>
 */
final class FxIoQueue extends FxObject implements WdfQueue {

    final FxDevice device;
    final WdfIoQueueConfig config;
    final boolean powerManaged;
    private final Object lock = new Object();
    private final ReentrantLock serialization;
    private final boolean raiseToDispatch;
    private final boolean passiveCallbacks;
    private final String name;

    private FxRequest waitHead;
    private FxRequest waitTail;
    private volatile int waitingCount;
    /**
     * The requests the driver holds, in stripes: one stripe for every queue but an unlimited PARALLEL one, which has a
     * stripe per few threads, so that requests presented and completed on different threads do not contend for one
     * lock. A stripe's list and count are guarded by the stripe's monitor; lock order: {@link #lock}, then a stripe,
     * then a request.
     */
    private final Stripe[] stripes;
    /** An unlimited PARALLEL queue: requests arrive and leave under their stripe's lock only (see {@link #acceptFromClient}). */
    private final boolean striped;
    private volatile boolean accepting = true;
    private volatile boolean started = true;
    private volatile boolean powered;
    /**
     * Someone waits for requests to leave (a stop, drain or purge callback, a synchronous wait): a request leaving a
     * striped queue must then take {@link #lock} and wake them. Written under {@link #lock} before the waiter checks
     * its condition, read by the leaving request after it left its stripe, so one of the two always sees the other.
     */
    private volatile boolean wakeNeeded;
    private boolean purging;
    private boolean deleted;
    private boolean passiveDispatchScheduled;
    private final List<EvtIoQueueState> stopWaiters = new ArrayList<>(0);
    private final List<EvtIoQueueState> drainWaiters = new ArrayList<>(0);
    private final List<EvtIoQueueState> purgeWaiters = new ArrayList<>(0);
    private EvtIoQueueState readyNotify;
    /** Threads in {@link #awaitQuiet} waiting on {@link #lock}: only then does a leaving request notify it. */
    private int awaiting;

    /** Padding before a stripe's fields (superclass fields are laid out first): another object's fields never share its cache line. */
    @SuppressWarnings("unused")
    abstract static class StripePadBefore {
        long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    /** A stripe's fields. */
    abstract static class StripeFields extends StripePadBefore {
        FxRequest head;
        FxRequest tail;
        volatile int count;
    }

    /**
     * One stripe of the requests the driver holds: an intrusive list through {@link FxRequest}, guarded by its monitor.
     * Padded on both sides, so that two threads working on two stripes do not write one cache line.
     */
    @SuppressWarnings("unused")
    static final class Stripe extends StripeFields {
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    private static final int STRIPES = Integer.highestOneBit(Math.max(2, Runtime.getRuntime().availableProcessors()) * 2 - 1) * 2;

    FxIoQueue(FxDriverGlobals globals, FxObject parent, FxDevice device, WdfObjectAttributes attributes,
              WdfIoQueueConfig config, boolean powerManaged) {
        super(globals, parent, attributes, true);
        this.striped = config.dispatchType() == WdfIoQueueDispatchType.PARALLEL && config.numberOfPresentedRequests() == 0;
        this.stripes = new Stripe[striped ? STRIPES : 1];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new Stripe();
        }
        this.device = device;
        this.config = config;
        this.powerManaged = powerManaged;
        this.powered = !powerManaged || device.inD0();
        this.serialization = scopeLock();
        this.passiveCallbacks = executionLevel() == WdfExecutionLevel.PASSIVE;
        this.raiseToDispatch = serialization != null && !passiveCallbacks;
        this.name = handleName();
    }

    @Override
    public String objectType() {
        return "WDFQUEUE";
    }

    /** O5: the default queue and queues configured for a request type go with the device. */
    @Override
    boolean canBeDeletedByDriver() {
        return !config.defaultQueue() && !device.isDispatchTarget(this);
    }

    @Override
    boolean hasFrameworkCleanup() {
        return true;
    }

    /**
     * Whether the driver sees requests of {@code type} in this queue: a manual queue (the driver retrieves them), or a
     * handler for the type or {@code EvtIoDefault}. A filter passes the others down (ST3).
     */
    boolean handles(WdfRequestType type) {
        if (isManual()) {
            return true;
        }
        WdfIoQueueConfig c = config;
        if (c.evtIoDefault() != null) {
            return true;
        }
        return switch (type) {
            case READ -> c.evtIoRead() != null;
            case WRITE -> c.evtIoWrite() != null;
            case DEVICE_CONTROL -> c.evtIoDeviceControl() != null;
            case INTERNAL_DEVICE_CONTROL -> c.evtIoInternalDeviceControl() != null;
            default -> false;
        };
    }

    boolean isManual() {
        return config.dispatchType() == WdfIoQueueDispatchType.MANUAL;
    }

    // ---------------------------------------------------------------------------------------------
    // Lists (under lock)

    private void linkWaitingLocked(FxRequest r, boolean atHead) {
        r.queue = this;
        r.list = FxRequest.WAITING;
        if (atHead) {
            r.prev = null;
            r.next = waitHead;
            if (waitHead == null) {
                waitTail = r;
            } else {
                waitHead.prev = r;
            }
            waitHead = r;
        } else {
            r.next = null;
            r.prev = waitTail;
            if (waitTail == null) {
                waitHead = r;
            } else {
                waitTail.next = r;
            }
            waitTail = r;
        }
        waitingCount++;
    }

    private void unlinkWaitingLocked(FxRequest r) {
        if (r.prev == null) {
            waitHead = r.next;
        } else {
            r.prev.next = r.next;
        }
        if (r.next == null) {
            waitTail = r.prev;
        } else {
            r.next.prev = r.prev;
        }
        r.prev = null;
        r.next = null;
        r.list = FxRequest.NO_LIST;
        waitingCount--;
    }

    /** The stripe a request presented on the calling thread goes to. */
    private Stripe stripeHere() {
        return striped ? stripes[(int) Thread.currentThread().threadId() & (stripes.length - 1)] : stripes[0];
    }

    /** Adds a request the driver now holds to the calling thread's stripe. */
    private void linkOwned(FxRequest r) {
        Stripe s = stripeHere();
        synchronized (s) {
            linkOwnedIn(s, r);
        }
    }

    /** With {@code s}'s monitor held. */
    private void linkOwnedIn(Stripe s, FxRequest r) {
        r.queue = this;
        r.list = FxRequest.OWNED;
        r.stripe = s;
        r.next = null;
        r.prev = s.tail;
        if (s.tail == null) {
            s.head = r;
        } else {
            s.tail.next = r;
        }
        s.tail = r;
        s.count++;
    }

    /** Takes a request out of its stripe if it is still held there; answers whether it was. */
    private boolean unlinkOwned(FxRequest r) {
        Stripe s = r.stripe;
        if (s == null) {
            return false;
        }
        synchronized (s) {
            if (r.queue != this || r.list != FxRequest.OWNED || r.stripe != s) {
                return false;
            }
            if (r.prev == null) {
                s.head = r.next;
            } else {
                r.prev.next = r.next;
            }
            if (r.next == null) {
                s.tail = r.prev;
            } else {
                r.next.prev = r.prev;
            }
            r.prev = null;
            r.next = null;
            r.list = FxRequest.NO_LIST;
            r.stripe = null;
            s.count--;
            return true;
        }
    }

    private int ownedCount() {
        int n = 0;
        for (Stripe s : stripes) {
            n += s.count;
        }
        return n;
    }

    /** Every request the driver holds (a snapshot, stripe by stripe). */
    private List<FxRequest> ownedSnapshot() {
        List<FxRequest> list = new ArrayList<>();
        for (Stripe s : stripes) {
            synchronized (s) {
                for (FxRequest r = s.head; r != null; r = r.next) {
                    list.add(r);
                }
            }
        }
        return list;
    }

    /**
     * The requests the driver holds, each with a framework reference, so that a request the driver completes on
     * another thread meanwhile is still a valid handle when EvtIoStop or EvtIoResume names it. A request in a stripe
     * is not yet deleted (completion leaves the stripe, under its lock, before it deletes the request), so the
     * reference always succeeds here. Give them back with {@link #release(List)}.
     */
    private List<FxRequest> ownedReferenced() {
        List<FxRequest> list = new ArrayList<>();
        for (Stripe s : stripes) {
            synchronized (s) {
                for (FxRequest r = s.head; r != null; r = r.next) {
                    if (r.tryFrameworkReference()) {
                        list.add(r);
                    }
                }
            }
        }
        return list;
    }

    private static void release(List<FxRequest> referenced) {
        for (FxRequest r : referenced) {
            r.releaseFrameworkReference();
        }
    }

    private boolean canPresentLocked() {
        return waitHead != null && mayPresentMoreLocked();
    }

    /** Started, powered, dispatching, and under its limit of requests the driver holds. */
    private boolean mayPresentMoreLocked() {
        if (!started || !powered || isManual()) {
            return false;
        }
        if (striped) {
            return true;
        }
        if (config.dispatchType() == WdfIoQueueDispatchType.SEQUENTIAL) {
            return stripes[0].count == 0;
        }
        return stripes[0].count < config.numberOfPresentedRequests();
    }

    // ---------------------------------------------------------------------------------------------
    // Requests arriving

    /** A new request from a client, routed to this queue by the device. */
    void acceptFromClient(FxRequest r) {
        FxThreadState thread = FxThreadState.current();
        // Presented at once, without passing through the waiting list, when nothing waits before it and this thread
        // may call the driver now (the common case of an idle queue): one lock round trip instead of two.
        boolean mayPresentHere = !thread.inCallbackOf(globals) && (!passiveCallbacks || thread.irql == Irql.PASSIVE_LEVEL);
        if (striped && mayPresentHere) {
            // Under the stripe's lock only. A stop, purge or power-down changes the flags first and then takes every
            // stripe's lock, so either it finds this request in the stripe or this thread sees the flags changed.
            Stripe stripe = stripeHere();
            boolean presented = false;
            synchronized (stripe) {
                if (accepting && started && powered && waitingCount == 0 && r.presentUnlessCanceled(this)) {
                    linkOwnedIn(stripe, r);
                    presented = true;
                }
            }
            if (presented) {
                present(r);
                return;
            }
        }
        boolean wasEmpty;
        boolean presentNow = false;
        boolean refused = false;
        synchronized (lock) {
            if (!accepting) {
                refused = true;
                wasEmpty = false;
            } else {
                wasEmpty = waitHead == null;
                if (mayPresentHere && wasEmpty && mayPresentMoreLocked() && r.presentUnlessCanceled(this)) {
                    linkOwned(r);
                    presentNow = true;
                } else {
                    linkWaitingLocked(r, false);
                }
            }
        }
        if (refused) {
            r.completeByFramework(deleted ? NtStatus.STATUS_NO_SUCH_DEVICE : NtStatus.STATUS_INVALID_DEVICE_STATE, 0);
            return;
        }
        if (presentNow) {
            present(r);
            return;
        }
        if (r.isCancelRequested()) {
            cancelWaiting(r);
            return;
        }
        if (wasEmpty && isManual()) {
            notifyReady();
        }
        dispatch();
    }

    /** Forward ({@code requeue} false) or requeue ({@code requeue} true) of a request the driver owns. */
    NtStatus acceptFromDriver(FxRequest r, boolean requeue) {
        synchronized (lock) {
            if (!requeue && !accepting) {
                return deleted ? NtStatus.STATUS_INVALID_DEVICE_STATE : NtStatus.STATUS_WDF_BUSY;
            }
        }
        FxIoQueue from = r.queue;
        if (from != null) {
            from.takeOwned(r);
        }
        if (!r.enqueue()) {
            return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
        }
        boolean wasEmpty;
        synchronized (lock) {
            wasEmpty = waitHead == null;
            r.putByDriver = true;
            r.stopAcknowledged = false;
            r.stopNotified = false;
            r.purgeNotified = false;
            linkWaitingLocked(r, requeue);
        }
        if (r.isCancelRequested()) {
            cancelWaiting(r);
        } else if (wasEmpty) {
            notifyReady();
        }
        if (from != null && from != this) {
            from.dispatch();
            from.checkWaiters();
        }
        dispatch();
        return NtStatus.STATUS_SUCCESS;
    }

    /** Takes a request the driver owns out of this queue's owned list (it moves to another queue). */
    private void takeOwned(FxRequest r) {
        if (striped) {
            unlinkOwned(r);
            return;
        }
        synchronized (lock) {
            unlinkOwned(r);
        }
    }

    /** A request of this queue was completed or abandoned: it leaves whichever list it is in. */
    void requestLeft(FxRequest r) {
        if (striped && unlinkOwned(r)) {
            // Leaving an unlimited PARALLEL queue never lets another request be presented; only waiters care.
            if (wakeNeeded || waitingCount > 0) {
                afterLeft();
            }
            return;
        }
        boolean dispatchNeeded;
        boolean waitersDue;
        synchronized (lock) {
            if (r.queue != this) {
                return;
            }
            if (r.list == FxRequest.OWNED) {
                unlinkOwned(r);
            } else if (r.list == FxRequest.WAITING) {
                unlinkWaitingLocked(r);
            }
            if (awaiting > 0) {
                lock.notifyAll();
            }
            dispatchNeeded = waitHead != null;
            waitersDue = !stopWaiters.isEmpty() || !drainWaiters.isEmpty() || !purgeWaiters.isEmpty();
        }
        if (dispatchNeeded) {
            dispatch();
        }
        if (waitersDue) {
            checkWaiters();
        }
    }

    /** After a request left a striped queue while someone waits: wake the waiters, present, call back. */
    private void afterLeft() {
        synchronized (lock) {
            if (awaiting > 0) {
                lock.notifyAll();
            }
        }
        dispatch();
        checkWaiters();
    }

    /** Under {@link #lock}: whether a leaving request must wake someone (see {@link #wakeNeeded}). */
    private void recomputeWakeLocked() {
        wakeNeeded = awaiting > 0 || !stopWaiters.isEmpty() || !drainWaiters.isEmpty() || !purgeWaiters.isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Presenting

    /**
     * Presents every request that may be presented now. Called from any thread after any change; inside a driver
     * callback it is deferred until the outermost callback returns, and for a PASSIVE queue called above
     * PASSIVE_LEVEL it moves to the driver's passive thread (O7).
     */
    void dispatch() {
        if (isManual()) {
            return;
        }
        FxThreadState thread = FxThreadState.current();
        if (thread.inCallbackOf(globals)) {
            thread.deferDispatch(this);
            return;
        }
        if (passiveCallbacks && thread.irql != Irql.PASSIVE_LEVEL) {
            schedulePassiveDispatch();
            return;
        }
        while (true) {
            FxRequest r;
            synchronized (lock) {
                if (!canPresentLocked()) {
                    return;
                }
                r = waitHead;
                unlinkWaitingLocked(r);
                if (!r.present(this)) {
                    continue; // completed meanwhile by the framework (it left the list with us)
                }
                linkOwned(r);
            }
            present(r);
        }
    }

    private void schedulePassiveDispatch() {
        synchronized (lock) {
            if (passiveDispatchScheduled) {
                return;
            }
            passiveDispatchScheduled = true;
        }
        if (!globals.queuePassive(() -> {
            synchronized (lock) {
                passiveDispatchScheduled = false;
            }
            dispatch();
        })) {
            synchronized (lock) {
                passiveDispatchScheduled = false;
            }
        }
    }

    /** Calls the handler for the request's type; the framework fails what has no handler. */
    private void present(FxRequest r) {
        WdfIoQueueConfig c = config;
        FxIrp irp = r.irp;
        Runnable call = switch (irp.type) {
            case READ -> c.evtIoRead() == null ? null : () -> c.evtIoRead().ioRead(this, r, irp.outputLength);
            case WRITE -> c.evtIoWrite() == null ? null : () -> c.evtIoWrite().ioWrite(this, r, irp.inputLength);
            case DEVICE_CONTROL -> c.evtIoDeviceControl() == null ? null : () -> c.evtIoDeviceControl()
                    .ioDeviceControl(this, r, irp.outputLength, irp.inputLength, irp.ioControlCode);
            case INTERNAL_DEVICE_CONTROL -> c.evtIoInternalDeviceControl() == null ? null
                    : () -> c.evtIoInternalDeviceControl().ioInternalDeviceControl(this, r, irp.outputLength,
                            irp.inputLength, irp.ioControlCode);
            default -> null;
        };
        if (call == null && c.evtIoDefault() != null) {
            call = () -> c.evtIoDefault().ioDefault(this, r);
        }
        if (call == null) {
            r.completeByFramework(NtStatus.STATUS_INVALID_DEVICE_REQUEST, 0);
            return;
        }
        invokeForRequest(r, call);
    }

    /**
     * Calls driver code that owns {@code r} now. When it throws, the driver is buggy and the client must not wait
     * forever: a request the driver still owns (not marked cancelable) is completed with
     * STATUS_DRIVER_INTERNAL_ERROR, and the exception is reported.
     */
    private void invokeForRequest(FxRequest r, Runnable call) {
        if (mustMoveToPassive() && globals.queuePassive(() -> invokeForRequest(r, call))) {
            return;
        }
        if (!globals.invokeIoCallback(name, null, serialization, raiseToDispatch, call)
                && r.requestState() == FxRequestState.DRIVER) {
            r.completeByFramework(NtStatus.STATUS_DRIVER_INTERNAL_ERROR, 0);
        }
    }

    /** Runs a cancel routine under this queue's synchronization scope (O7). */
    void invokeCancel(FxRequest r, EvtRequestCancel routine) {
        invokeForRequestState(() -> routine.requestCancel(r));
    }

    /**
     * O7: a PASSIVE-level queue's callbacks never run at DISPATCH_LEVEL. One that becomes due on a thread above
     * PASSIVE_LEVEL (a request completed or cancelled from a dispatch timer) moves to the driver's passive thread.
     */
    private boolean mustMoveToPassive() {
        return passiveCallbacks && FxThreadState.currentIrql() != Irql.PASSIVE_LEVEL;
    }

    /** A cancel reached a request waiting here: EvtIoCanceledOnQueue for one the driver put here, else STATUS_CANCELLED. */
    void cancelWaiting(FxRequest r) {
        boolean toDriver;
        synchronized (lock) {
            if (r.queue != this || r.list != FxRequest.WAITING) {
                return; // presented meanwhile: the driver will see isCanceled
            }
            unlinkWaitingLocked(r);
            toDriver = r.putByDriver && config.evtIoCanceledOnQueue() != null && r.present(this);
            if (toDriver) {
                linkOwned(r);
            }
            lock.notifyAll();
        }
        if (toDriver) {
            invokeForRequest(r, () -> config.evtIoCanceledOnQueue().ioCanceledOnQueue(this, r));
        } else {
            r.completeByFramework(NtStatus.STATUS_CANCELLED, 0);
        }
        checkWaiters();
    }

    /** A request of this queue was marked cancelable: during a purge it is cancelled at once. */
    void requestBecameCancelable(FxRequest r) {
        boolean cancelNow;
        synchronized (lock) {
            cancelNow = purging && r.queue == this;
        }
        if (cancelNow) {
            r.cancel();
        }
    }

    private void notifyReady() {
        EvtIoQueueState callback;
        synchronized (lock) {
            callback = isManual() && started && powered ? readyNotify : null;
        }
        if (callback != null) {
            invokeForRequestState(() -> callback.queueState(this));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // WdfQueue

    @Override
    public WdfDevice device() {
        checkHandle("WdfIoQueueGetDevice", Irql.DISPATCH_LEVEL);
        return device;
    }

    @Override
    public WdfIoQueueState queueState() {
        checkHandle("WdfIoQueueGetState", Irql.DISPATCH_LEVEL);
        synchronized (lock) {
            return new WdfIoQueueState(accepting, started && powered, waitingCount, ownedCount());
        }
    }

    /** The queue as {@code wdf4j inspect} shows it ({@code !wdfqueue}), {@code now} being {@link System#nanoTime()}. */
    FxInspection.Queue inspect(long now) {
        List<FxInspection.Request> held = new ArrayList<>();
        for (FxRequest r : ownedSnapshot()) {
            held.add(r.inspect(now));
        }
        synchronized (lock) {
            return new FxInspection.Queue(name, config.dispatchType().name(), config.defaultQueue(), powerManaged,
                    accepting, started && powered, waitingCount, held);
        }
    }

    @Override
    public void start() {
        checkHandle("WdfIoQueueStart", Irql.DISPATCH_LEVEL);
        synchronized (lock) {
            if (deleted) {
                return;
            }
            accepting = true;
            started = true;
            purging = false;
            for (FxRequest r : ownedSnapshot()) {
                r.purgeNotified = false;
            }
        }
        notifyReady();
        dispatch();
    }

    @Override
    public void stop(EvtIoQueueState stopComplete) {
        checkHandle("WdfIoQueueStop", Irql.DISPATCH_LEVEL);
        synchronized (lock) {
            started = false;
            if (stopComplete != null) {
                stopWaiters.add(stopComplete);
                wakeNeeded = true;
            }
        }
        checkWaiters();
    }

    @Override
    public void stopSynchronously() {
        checkHandle("WdfIoQueueStopSynchronously", Irql.PASSIVE_LEVEL);
        synchronized (lock) {
            started = false;
        }
        awaitQuiet("WdfIoQueueStopSynchronously(" + this + ")", this::stopDoneLocked);
    }

    @Override
    public void drain(EvtIoQueueState drainComplete) {
        checkHandle("WdfIoQueueDrain", Irql.DISPATCH_LEVEL);
        synchronized (lock) {
            accepting = false;
            if (drainComplete != null) {
                drainWaiters.add(drainComplete);
                wakeNeeded = true;
            }
        }
        dispatch();
        checkWaiters();
    }

    @Override
    public void drainSynchronously() {
        checkHandle("WdfIoQueueDrainSynchronously", Irql.PASSIVE_LEVEL);
        synchronized (lock) {
            accepting = false;
        }
        dispatch();
        awaitQuiet("WdfIoQueueDrainSynchronously(" + this + ")", this::idleLocked);
    }

    @Override
    public void purge(EvtIoQueueState purgeComplete) {
        checkHandle("WdfIoQueuePurge", Irql.DISPATCH_LEVEL);
        purgeInternal(purgeComplete, true);
    }

    @Override
    public void purgeSynchronously() {
        checkHandle("WdfIoQueuePurgeSynchronously", Irql.PASSIVE_LEVEL);
        purgeInternal(null, true);
        awaitQuiet("WdfIoQueuePurgeSynchronously(" + this + ")", this::idleLocked);
    }

    /**
     * Stops accepting, cancels every waiting request, tells the driver about the requests it owns (EvtIoStop with
     * PURGE, when {@code notifyDriver}) and cancels those marked cancelable.
     */
    private void purgeInternal(EvtIoQueueState purgeComplete, boolean notifyDriver) {
        List<FxRequest> waiting = new ArrayList<>();
        List<FxRequest> owned;
        synchronized (lock) {
            accepting = false;
            purging = true;
            if (purgeComplete != null) {
                purgeWaiters.add(purgeComplete);
                wakeNeeded = true;
            }
            for (FxRequest r = waitHead; r != null; r = r.next) {
                waiting.add(r);
            }
            owned = ownedReferenced();
            for (FxRequest r : owned) {
                // A request kept across a power-down (acknowledged) must now be completed: the purge asks again.
                r.stopAcknowledged = false;
            }
        }
        for (FxRequest r : waiting) {
            cancelWaiting(r);
        }
        try {
            for (FxRequest r : owned) {
                FxRequestState state = r.requestState();
                if (state == FxRequestState.COMPLETED || state == FxRequestState.ABANDONED || r.queue != this) {
                    continue;
                }
                boolean cancelable = state == FxRequestState.CANCELABLE;
                if (notifyDriver && config.evtIoStop() != null && !r.purgeNotified) {
                    r.purgeNotified = true;
                    invokeForRequestState(() -> config.evtIoStop().ioStop(this, r, WdfRequestStopAction.PURGE, cancelable));
                }
                if (r.isMarkedCancelable()) {
                    r.cancel();
                }
            }
        } finally {
            release(owned);
        }
        checkWaiters();
    }

    private void invokeForRequestState(Runnable call) {
        if (mustMoveToPassive() && globals.queuePassive(() -> invokeForRequestState(call))) {
            return;
        }
        globals.invokeIoCallback(name, null, serialization, raiseToDispatch, call);
    }

    @Override
    public NtResult<WdfRequest> retrieveNextRequest() {
        checkHandle("WdfIoQueueRetrieveNextRequest", Irql.DISPATCH_LEVEL);
        if (!isManual()) {
            globals.violation(WdfBugCheckCode.WDF_QUEUE_FATAL_ERROR, "WdfIoQueueRetrieveNextRequest", this,
                    this + " is a " + config.dispatchType() + " queue, which presents its requests itself", false);
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
        while (true) {
            FxRequest r;
            synchronized (lock) {
                if (!started || !powered) {
                    return NtResult.failure(NtStatus.STATUS_WDF_PAUSED);
                }
                r = waitHead;
                if (r == null) {
                    return NtResult.failure(NtStatus.STATUS_NO_MORE_ENTRIES);
                }
                unlinkWaitingLocked(r);
                if (!r.present(this)) {
                    continue;
                }
                linkOwned(r);
            }
            return NtResult.success(r);
        }
    }

    @Override
    public void readyNotify(EvtIoQueueState callback) {
        checkHandle("WdfIoQueueReadyNotify", Irql.DISPATCH_LEVEL);
        boolean hasWaiting;
        synchronized (lock) {
            readyNotify = callback;
            hasWaiting = waitHead != null;
        }
        if (hasWaiting) {
            notifyReady();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Stop acknowledgement, waiters

    void stopAcknowledged(FxRequest r, boolean requeue) {
        if (requeue) {
            acceptFromDriver(r, true);
        } else {
            synchronized (lock) {
                r.stopAcknowledged = true;
                lock.notifyAll();
            }
        }
        checkWaiters();
    }

    private boolean stopDoneLocked() {
        if (started && powered) {
            return false;
        }
        for (Stripe s : stripes) {
            synchronized (s) {
                for (FxRequest r = s.head; r != null; r = r.next) {
                    if (!r.stopAcknowledged) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private boolean idleLocked() {
        if (waitHead != null) {
            return false;
        }
        for (Stripe s : stripes) {
            synchronized (s) { // see acceptFromClient: a request being linked is seen, or sees the flags changed
                if (s.count != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Calls the stop, drain and purge callbacks whose condition now holds, each once. */
    void checkWaiters() {
        List<EvtIoQueueState> due = null;
        synchronized (lock) {
            if (!stopWaiters.isEmpty() && !started && stopDoneLocked()) {
                due = new ArrayList<>(stopWaiters);
                stopWaiters.clear();
            }
            if ((!drainWaiters.isEmpty() || !purgeWaiters.isEmpty()) && idleLocked()) {
                if (due == null) {
                    due = new ArrayList<>();
                }
                due.addAll(drainWaiters);
                due.addAll(purgeWaiters);
                drainWaiters.clear();
                purgeWaiters.clear();
            }
            recomputeWakeLocked();
        }
        if (due != null) {
            for (EvtIoQueueState callback : due) {
                invokeForRequestState(() -> callback.queueState(this));
            }
        }
    }

    /**
     * Waits until {@code condition} holds (checked under the lock), bounded by the framework's inner wait deadline;
     * on the driver's passive thread it runs the passive work queued meanwhile (passive timers, work items, deferred
     * deletions), which is often what completes the requests waited for. Answers whether the condition holds.
     */
    private boolean awaitQuiet(String what, BooleanSupplier condition) {
        return awaitQuiet(what, condition, globals.innerWaitDeadline());
    }

    private boolean awaitQuiet(String what, BooleanSupplier condition, long deadline) {
        synchronized (lock) {
            if (condition.getAsBoolean()) {
                return true;
            }
        }
        Object busy = globals.busyBegin("waiting for " + what + ": the framework gives up on them after "
                + FxInspection.seconds(Math.max(0, deadline - System.nanoTime())));
        try {
            return awaitQuietLoop(what, condition, deadline);
        } finally {
            globals.busyEnd(busy);
        }
    }

    private boolean awaitQuietLoop(String what, BooleanSupplier condition, long deadline) {
        long start = System.nanoTime();
        while (true) {
            synchronized (lock) {
                if (condition.getAsBoolean()) {
                    return true;
                }
            }
            if (globals.abandoned()) {
                globals.throwIfAbandonedOnPassive();
                return false;
            }
            if (System.nanoTime() - deadline > 0) {
                long now = System.nanoTime();
                List<String> held = new ArrayList<>();
                for (FxRequest r : ownedSnapshot()) {
                    held.add(r.inspect(now).describe());
                }
                globals.reportGaveUp(what, now - start, held);
                return false;
            }
            if (globals.onPassiveWorker() && globals.runOnePassiveTask()) {
                continue;
            }
            synchronized (lock) {
                awaiting++;
                wakeNeeded = true; // before the condition is checked again: see wakeNeeded
                try {
                    if (!condition.getAsBoolean()) {
                        lock.wait(5);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                } finally {
                    awaiting--;
                    recomputeWakeLocked();
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Power and removal (called by the device's PnP machine, at PASSIVE_LEVEL)

    /**
     * The device leaves D0: a power-managed queue stops presenting, the driver gets EvtIoStop(SUSPEND) for each
     * request it owns, and this waits until each is completed, requeued or acknowledged.
     */
    void powerDown(long giveUpAt) {
        if (!powerManaged) {
            return;
        }
        List<FxRequest> owned;
        synchronized (lock) {
            powered = false;
            owned = config.evtIoStop() == null ? List.of() : ownedReferenced();
        }
        try {
            for (FxRequest r : owned) {
                FxRequestState state = r.requestState();
                if (!r.stopNotified && r.queue == this
                        && (state == FxRequestState.DRIVER || state == FxRequestState.CANCELABLE)) {
                    r.stopNotified = true;
                    boolean cancelable = state == FxRequestState.CANCELABLE;
                    invokeForRequestState(() -> config.evtIoStop().ioStop(this, r, WdfRequestStopAction.SUSPEND, cancelable));
                }
            }
        } finally {
            release(owned);
        }
        awaitQuiet("the power-down of " + this + " (requests the driver holds must be completed or acknowledged)",
                this::stopDoneLocked, giveUpAt);
    }

    /** The device is back in D0: EvtIoResume for each request whose stop the driver acknowledged, then presents again. */
    void powerUp() {
        if (!powerManaged) {
            return;
        }
        List<FxRequest> resume = new ArrayList<>();
        synchronized (lock) {
            powered = true;
            for (FxRequest r : ownedSnapshot()) {
                if (r.stopAcknowledged && config.evtIoResume() != null && r.tryFrameworkReference()) {
                    resume.add(r);
                }
                r.stopAcknowledged = false;
                r.stopNotified = false;
                r.purgeNotified = false;
            }
        }
        try {
            for (FxRequest r : resume) {
                if (r.queue == this && r.requestState() == FxRequestState.DRIVER) {
                    invokeForRequestState(() -> config.evtIoResume().ioResume(this, r));
                }
            }
        } finally {
            release(resume);
        }
        notifyReady();
        dispatch();
    }

    /**
     * The device is going away: the queue accepts nothing more, is purged (EvtIoStop with PURGE when
     * {@code notifyDriver}), and this waits, bounded, for the driver to complete what it owns. What it still owns
     * then is abandoned: the client is told STATUS_NO_SUCH_DEVICE and each is reported as a leak.
     */
    void purgeForRemoval(boolean notifyDriver, long giveUpAt) {
        synchronized (lock) {
            deleted = true;
        }
        purgeInternal(null, notifyDriver);
        boolean idle = globals.failure() == null && !globals.abandoned()
                && awaitQuiet("the removal of " + this + " (requests the driver holds must be completed)", this::idleLocked,
                        giveUpAt);
        if (!idle) {
            List<FxRequest> left;
            synchronized (lock) {
                left = ownedSnapshot();
            }
            for (FxRequest r : left) {
                if (r.abandonRequest()) {
                    globals.reportRequestLeak(r, "held by the driver from " + this + " (" + config.dispatchType()
                            + ") and not completed when " + device + " was removed; the client was told "
                            + "STATUS_NO_SUCH_DEVICE");
                }
            }
        }
    }

    /** Deleting the queue (by the driver, or with its device): purged first, as WDF does. */
    @Override
    void frameworkCleanup() {
        purgeForRemoval(globals.failure() == null, globals.giveUpDeadline());
        device.queueGone(this);
    }

    @Override
    public String toString() {
        return name;
    }
}
