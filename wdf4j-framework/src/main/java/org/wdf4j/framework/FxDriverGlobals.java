package org.wdf4j.framework;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.EvtDriverUnload;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.framework.trace.Trace;

/**
 * Everything the framework keeps for one loaded driver (WDF's {@code FX_DRIVER_GLOBALS}): its name,
 * verifier settings, passive worker, journal and findings ({@link FxDriverJournal}), its driver object, and its lifecycle:
 * {@link #callDriverEntry} and {@link #stop}.
 *
 * <p>The host creates one per driver with {@link #create}, calls DriverEntry, later stops it, and
 * reads the journal and findings for the unload report. Nothing here holds a driver's exceptions
 * or classes after unload: findings and journal entries are text.
 */
public final class FxDriverGlobals {

    /** Told when a driver fails (a bug check), so that the host can stop it. */
    @FunctionalInterface
    public interface FailureListener {
        void driverFailed(FxDriverGlobals driver, WdfBugCheck bugCheck);
    }

    /** What DriverEntry did. */
    public record EntryOutcome(NtStatus status, String exception, boolean driverObjectCreated, boolean hung) {
    }

    /** What a stop did: refused (with why), hung, or done. */
    public record StopOutcome(boolean refused, String refusal, boolean hung) {
    }

    /** One line of the object tree: an object at a depth, with its state and references. */
    public record TreeLine(int depth, String name, FxObjectState state, int references, List<String> contexts) {
    }

    private final String name;
    private final String registryPath;
    private final ClassLoader loader;
    private final VerifierSettings verifier;
    private final FailureListener listener;
    private final FxParameters parameters;
    private final FxPassiveWorker passive;
    /** The timer threads, made with the first timer; guarded by {@link #dispatchLock}. */
    private FxDispatchWorker dispatch;
    private boolean workersEnded;
    private final Object dispatchLock = new Object();
    /** Timer and work item callbacks running now: thread to what it runs, for the HUNG report and U6 step 5. */
    private final java.util.Map<Thread, String> activeCallbacks = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * What the framework runs or waits for on the driver's behalf now (a PnP transition and its step, a wait for
     * requests the driver holds, EvtDriverUnload): a key from {@link #busyBegin} to what and since when; for
     * {@code wdf4j inspect} and the progress of a stop. Thread-safe map; each entry is changed only by the thread that
     * began it.
     */
    private final java.util.Map<Object, Busy> busy = new java.util.concurrent.ConcurrentHashMap<>();

    private record Busy(String what, long since) {
    }

    /** Set once the driver's tree is gone (U6 step 5 done): no timer or work item callback runs after it. */
    private volatile boolean callbacksEnded;
    private final FxDriverObject wdmDriverObject;
    private final AtomicInteger objectIds = new AtomicInteger();
    private final AtomicLong creationCalls = new AtomicLong();
    /** The verifier's interleaving delays, or null when they are off (then an interleaving point is a null check). */
    private final FxInterleaving interleaving;
    /** Counted only for the verifier's object leak limit; {@link #liveObjects()} counts the tree instead. */
    private final AtomicInteger limitedObjects = new AtomicInteger();
    private final boolean countObjects;
    /** The journal and findings (FxDriverJournal): thread-safe, its own lock. */
    private final FxDriverJournal journal;
    /** The verifier's retired request buffers ({@link FxGuardedBuffers}); checked and emptied at teardown. */
    private final FxBufferQuarantine bufferQuarantine = new FxBufferQuarantine(this);
    private final Object stopLock = new Object();
    private volatile FxDriver driver;
    private volatile FxDriverState state = FxDriverState.LOADED;
    private volatile WdfBugCheck failure;
    private volatile boolean evtDriverUnloadCalled;
    private volatile NtStatus entryStatus;
    private volatile String entryException;

    private FxDriverGlobals(String name, String registryPath, ClassLoader loader, VerifierSettings verifier,
                            FailureListener listener, FxParameters parameters) {
        this.name = name;
        this.parameters = parameters;
        this.registryPath = registryPath;
        this.loader = loader;
        this.verifier = verifier;
        this.listener = listener;
        this.countObjects = verifier.enabled() && verifier.objectLeakLimit() > 0;
        this.interleaving = FxInterleaving.of(verifier.interleavingDelays());
        this.journal = new FxDriverJournal(name);
        this.wdmDriverObject = new FxDriverObject(this);
        this.passive = new FxPassiveWorker(name, loader);
    }

    /**
     * Makes the framework's state for a driver about to be loaded.
     *
     * @param loader the driver's class loader; when {@code exclusiveLoader}, calls from classes of
     *     that loader are attributed to this driver wherever they come from (the driver's own
     *     threads included)
     */
    public static FxDriverGlobals create(String name, String registryPath, ClassLoader loader, boolean exclusiveLoader,
                                         VerifierSettings verifier, FailureListener listener) {
        return create(name, registryPath, loader, exclusiveLoader, verifier, listener, FxParameters.inMemory());
    }

    /**
     * As {@link #create(String, String, ClassLoader, boolean, VerifierSettings, FailureListener)}, with
     * the backend of the driver's Parameters key ({@link org.wdf4j.driver.WdfDriver#openParametersRegistryKey}).
     */
    public static FxDriverGlobals create(String name, String registryPath, ClassLoader loader, boolean exclusiveLoader,
                                         VerifierSettings verifier, FailureListener listener, FxParameters parameters) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(registryPath, "registryPath");
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(parameters, "parameters");
        FxDriverGlobals globals = new FxDriverGlobals(name, registryPath, loader, verifier,
                listener == null ? (d, b) -> { } : listener, parameters);
        if (exclusiveLoader) {
            FxDriverRegistry.register(loader, globals);
        }
        return globals;
    }

    // ---------------------------------------------------------------------------------------------
    // Lifecycle

    /**
     * Calls DriverEntry on the driver's passive worker, at PASSIVE_LEVEL, and waits for it, bounded
     * by the verifier wait timeout. When it fails (an error status, a null return, an exception) the
     * objects it created are cleaned up and destroyed (U3) and the driver is UNLOADED.
     */
    public EntryOutcome callDriverEntry(DriverEntry entry) {
        transition(FxDriverState.Event.ENTRY_CALLED);
        EntryOutcome outcome = await(passive.submit(() -> abandonable(() -> runDriverEntry(entry))), "DriverEntry",
                () -> new EntryOutcome(NtStatus.STATUS_UNSUCCESSFUL, "DriverEntry did not return within "
                        + verifier.waitTimeout(), driver != null, true));
        if (!outcome.hung() && !outcome.status().isSuccess()) {
            endWorker(); // the driver is already unloaded (U3)
        }
        return outcome;
    }

    private EntryOutcome runDriverEntry(DriverEntry entry) {
        journal(JournalEntry.Kind.DRIVER_ENTRY, registryPath, "");
        Trace.driverEntryCalled(name, registryPath);
        NtStatus status;
        String exception = null;
        try {
            status = callDriver(() -> entry.driverEntry(wdmDriverObject, registryPath));
            if (status == null) {
                status = NtStatus.STATUS_UNSUCCESSFUL;
                journal.finding(Finding.Kind.EXCEPTION, "D1", "", "DriverEntry returned null; counted as STATUS_UNSUCCESSFUL", "");
            }
        } catch (Throwable t) {
            status = NtStatus.STATUS_UNSUCCESSFUL;
            exception = Stacks.of(t);
            if (!(t instanceof WdfBugCheck)) {
                journal.exception("DriverEntry", t);
            }
        }
        if (status.isSuccess() && failure != null) {
            status = NtStatus.STATUS_UNSUCCESSFUL;
            exception = "the driver was stopped by a bug check during DriverEntry: " + failure.getMessage();
        }
        entryStatus = status;
        entryException = exception;
        journal(JournalEntry.Kind.DRIVER_ENTRY_RETURNED, registryPath,
                exception == null ? status.toString() : status + " (threw " + firstLine(exception) + ")");
        Trace.driverEntryReturned(name, registryPath, status.toString());
        if (status.isSuccess()) {
            if (driver == null) {
                journal.violation(Finding.Kind.VIOLATION, "D7", "",
                        "DriverEntry returned success without creating its driver object (WdfDriver.create); "
                                + "the driver has no framework object and no framework callback will run", "");
            }
            transition(FxDriverState.Event.ENTRY_SUCCEEDED);
        } else {
            transition(FxDriverState.Event.ENTRY_FAILED);
            teardown();
            transition(FxDriverState.Event.TORN_DOWN);
        }
        return new EntryOutcome(status, exception, driver != null, false);
    }

    /**
     * Unloads the driver in the order of U6: EvtDriverUnload (unless the driver failed), the
     * cleanup of the object tree children first, the destroy callbacks, the framework's pending
     * work, then the passive worker ends. A non-PnP driver without EvtDriverUnload is refused and
     * keeps running (U7).
     */
    public StopOutcome stop() {
        // Not the globals' own monitor: the passive thread takes that one in transition() while we wait.
        synchronized (stopLock) {
            return stopOnce();
        }
    }

    private StopOutcome stopOnce() {
        FxDriver d = driver;
        if (state != FxDriverState.STARTED) {
            return new StopOutcome(true, "driver " + name + " is " + state + ", not STARTED", false);
        }
        if (failure == null && d != null && d.configInternal().isNonPnp() && d.configInternal().evtDriverUnload() == null) {
            String why = "driver " + name + " is a non-PnP driver (NON_PNP_DRIVER) without EvtDriverUnload, so it "
                    + "cannot be unloaded; it keeps running. Set WdfDriverConfig.withUnload(...) to make it stoppable.";
            Trace.driverState(name, "stop refused: " + why);
            return new StopOutcome(true, why, false);
        }
        StopOutcome outcome = await(passive.submit(() -> abandonable(() -> {
            runStop();
            return new StopOutcome(false, null, false);
        })), "the unload", () -> new StopOutcome(false, null, true));
        if (!outcome.hung()) {
            endWorker();
        }
        return outcome;
    }

    private void runStop() {
        FxDriver d = driver;
        if (failure != null) {
            transition(FxDriverState.Event.STOP_FAILED);
        } else {
            transition(FxDriverState.Event.STOP);
            // U7: a PnP driver's devices are removed (in creation order) before its EvtDriverUnload.
            for (FxDevice device : devices) {
                if (!device.isControlDevice()) {
                    device.pnpNow(FxPnpMachine.Event.REMOVE);
                }
            }
            EvtDriverUnload unload = d == null ? null : d.configInternal().evtDriverUnload();
            if (unload != null) {
                evtDriverUnloadCalled = true;
                journal(JournalEntry.Kind.EVT_DRIVER_UNLOAD, d.toString(), "");
                String outcome = "returned";
                Object calling = busyBegin("EvtDriverUnload of " + d + " (running on " + passive.thread().getName() + ")");
                try {
                    callDriver(() -> {
                        unload.unload(d);
                        return null;
                    });
                } catch (Throwable t) {
                    outcome = "threw " + t;
                    if (!(t instanceof WdfBugCheck)) {
                        journal.exception("EvtDriverUnload", t);
                    }
                }
                busyEnd(calling);
                Trace.driverUnload(name, outcome);
            }
            transition(FxDriverState.Event.UNLOAD_RETURNED);
        }
        teardown();
        transition(FxDriverState.Event.TORN_DOWN);
    }

    /**
     * U6 steps 2 to 5: deletes the driver object's tree (cleanup children first, then destroy as
     * references reach zero), runs the framework's pending passive work, and abandons what the
     * driver still references, reporting each as a leak, so that the driver object is destroyed
     * last. Runs on the passive worker.
     */
    private void teardown() {
        FxDriver d = driver;
        bufferQuarantine.drain();
        if (d == null) {
            passive.runPending();
            return;
        }
        passive.runPending(); // deferred deletions queued so far clean up before the driver object's cleanup
        d.deleteInternal();
        passive.runPending();
        // Whatever is still in the tree is referenced by the driver: report it, then give up on it,
        // children first, so that its ancestors and finally the driver object are destroyed.
        List<FxObject> postorder = postorder(d);
        for (FxObject o : postorder) {
            if (o.state() == FxObjectState.DISPOSED && o.referenceCount() > 0) {
                reportLeak(o);
                o.abandon();
            }
        }
        passive.runPending();
        awaitOutstandingCallbacks();
    }

    /**
     * The deadline of a wait inside a lifecycle step (a timer's cleanup waiting for its callback, step 5).
     * Twice the wait timeout: the step's own wait, which started first, must always be the one that
     * declares the driver hung and abandons it; an inner wait that gave up first would let the teardown go
     * on and destroy the tree under a callback that is still running.
     */
    long innerWaitDeadline() {
        return System.nanoTime() + 2 * verifier.waitTimeout().toNanos();
    }

    /**
     * The deadline of a wait for the driver inside a lifecycle step that the framework can finish without the driver
     * (requests it holds at a power-down or removal): half the wait timeout, so that the framework gives up on those
     * requests, reports them and finishes the step before the step's own wait would declare the driver hung.
     */
    long giveUpDeadline() {
        return System.nanoTime() + verifier.waitTimeout().toNanos() / 2;
    }

    /**
     * U6 step 5 for timers and work items: their cleanup (as part of the tree's) stopped every timer,
     * flushed every work item and waited for their running callbacks; this waits for any callback still
     * running, bounded by the wait timeout (the unload's own wait reports the driver HUNG first), and then
     * closes the door: no timer or work item callback of this driver runs after it.
     */
    private void awaitOutstandingCallbacks() {
        long deadline = innerWaitDeadline();
        synchronized (activeCallbacks) {
            while (!activeCallbacks.isEmpty() && state != FxDriverState.ABANDONED && System.nanoTime() < deadline) {
                try {
                    activeCallbacks.wait(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        callbacksEnded = true;
        throwIfAbandonedOnPassive();
    }

    private void reportLeak(FxObject o) {
        String held = o.tracker == null ? "" : o.tracker.heldTags();
        String description = o + " is still referenced (" + o.referenceCount() + " reference"
                + (o.referenceCount() == 1 ? "" : "s") + (held.isEmpty() ? "" : ": " + held) + ") after its driver unloaded";
        String allocatedAt = o.tracker == null
                ? "(not recorded: turn the verifier on to record where objects are created)"
                : o.tracker.createdAt;
        String history = o.tracker == null ? "" : o.tracker.history();
        if (!history.isEmpty()) {
            description += "\n  reference history (oldest first):\n" + history;
        }
        journal.leak("framework object", o.toString(), description,
                "still referenced" + (held.isEmpty() ? "" : " (" + held + ")"), allocatedAt);
    }

    /** Every object in the tree of {@code root}, children before parents; iterative. */
    private static List<FxObject> postorder(FxObject root) {
        List<FxObject> preorder = new ArrayList<>();
        ArrayDeque<FxObject> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            FxObject node = stack.pop();
            preorder.add(node);
            List<FxObject> children = node.children();
            for (int i = children.size() - 1; i >= 0; i--) {
                stack.push(children.get(i));
            }
        }
        return preorder.reversed();
    }

    /** Runs a lifecycle step; answers null when the driver was abandoned meanwhile (its result is no longer awaited). */
    private static <T> T abandonable(Supplier<T> step) {
        try {
            return step.get();
        } catch (AbandonedException e) {
            return null;
        }
    }

    private <T> T await(Future<T> future, String what, Supplier<T> onHang) {
        try {
            return future.get(verifier.waitTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            transition(FxDriverState.Event.HUNG);
            String stack = Stacks.threadStack(passive.thread()) + describeActiveCallbacks();
            journal.violation(Finding.Kind.VIOLATION, "HUNG", "", what + " of driver " + name + " did not finish within "
                    + verifier.waitTimeout() + "; the driver is abandoned and its thread left running"
                    + (activeCallbacks.isEmpty() ? "" : "; still running: " + String.join(", ", activeCallbacks.values())), stack);
            FxDriverRegistry.unregister(loader, this);
            passive.shutdownLater(); // the thread ends when the hung callback returns
            synchronized (dispatchLock) {
                workersEnded = true;
                if (dispatch != null) {
                    dispatch.shutdownLater();
                }
            }
            return onHang.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what + " of driver " + name, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("framework failure in " + what + " of driver " + name, e.getCause());
        }
    }

    private void endWorker() {
        try {
            FxDispatchWorker timers;
            synchronized (dispatchLock) {
                workersEnded = true;
                timers = dispatch;
            }
            if (timers != null && !timers.shutdown(verifier.waitTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                journal.violation(Finding.Kind.VIOLATION, "HUNG", "", "the timer threads of driver " + name
                        + " did not end within " + verifier.waitTimeout(), describeActiveCallbacks());
            }
            if (!passive.shutdown(verifier.waitTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                journal.violation(Finding.Kind.VIOLATION, "HUNG", "", "the passive worker of driver " + name
                        + " did not end within " + verifier.waitTimeout(), Stacks.threadStack(passive.thread()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            FxDriverRegistry.unregister(loader, this);
        }
    }

    /** Thrown on the passive thread when a hung callback returns after the driver was abandoned: nothing more is done. */
    private static final class AbandonedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AbandonedException() {
            super(null, null, false, false);
        }
    }

    private synchronized void transition(FxDriverState.Event event) {
        if (state == FxDriverState.ABANDONED && event != FxDriverState.Event.HUNG) {
            Trace.driverState(name, "a callback returned after the driver was abandoned; it stays abandoned");
            throw new AbandonedException();
        }
        FxDriverState next = state.next(event);
        if (next == null) {
            throw new IllegalStateException("driver " + name + ": illegal transition " + state + " --" + event + "-->");
        }
        Trace.driverState(name, state + " --" + event + "--> " + next);
        state = next;
    }

    // ---------------------------------------------------------------------------------------------
    // Objects

    /**
     * Creates a framework object: verifier checks (IRQL, fault injection, leak limit), then
     * construction and linking under the parent.
     */
    <T extends FxObject> NtResult<T> createObject(String function, FxObject parent, WdfObjectAttributes attributes,
                                                   Supplier<T> constructor) {
        checkIrql(function, Irql.DISPATCH_LEVEL, parent);
        if (!allocationAllowed(function)) {
            return NtResult.failure(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
        }
        if (countObjects && limitedObjects.get() >= verifier.objectLeakLimit()) {
            // Before anything is made: with break on error this stops the driver, and nothing half-made is left.
            violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "ObjectLeakLimit", parent, function + " would give the driver "
                    + (limitedObjects.get() + 1) + " framework objects, more than its object leak limit of "
                    + verifier.objectLeakLimit());
        }
        T object = constructor.get();
        NtStatus linked = object.attach();
        if (!linked.isSuccess()) {
            return NtResult.failure(linked);
        }
        if (countObjects) {
            limitedObjects.incrementAndGet();
        }
        return NtResult.success(object);
    }

    /** Counts a creation call against the verifier's fault injection; false when it must fail. */
    boolean allocationAllowed(String function) {
        if (verifier.allocateFail() == VerifierSettings.AllocateFail.NONE) {
            return true;
        }
        long call = creationCalls.incrementAndGet();
        if (verifier.allocateFail().fails(call)) {
            Trace.driverState(name, "verifier: failing " + function + " (creation call " + call + ") with STATUS_INSUFFICIENT_RESOURCES");
            journal.entry(JournalEntry.Kind.FAULT_INJECTED, function, "creation call " + call
                    + " failed with STATUS_INSUFFICIENT_RESOURCES");
            return false;
        }
        return true;
    }

    /** The presentation locks of this driver's objects that provide a synchronization scope, by object identity. */
    private final java.util.Map<FxObject, FxPresentationLock> presentationLocks =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The lock that serializes callbacks under {@code object}'s synchronization scope; made on first use. */
    FxPresentationLock presentationLock(FxObject object) {
        return presentationLocks.computeIfAbsent(object, o -> new FxPresentationLock());
    }

    void forgetPresentationLock(FxObject object) {
        presentationLocks.remove(object);
    }

    int nextObjectId() {
        return objectIds.incrementAndGet();
    }

    /** Counts an object the framework made outside {@link #createObject} (requests, file objects). */
    void objectMade() {
        if (countObjects) {
            limitedObjects.incrementAndGet();
        }
    }

    void objectGone() {
        if (countObjects) {
            limitedObjects.decrementAndGet();
        }
    }

    /** Sets the driver object; false when the driver already has one (a second WdfDriverCreate). */
    synchronized boolean setDriver(FxDriver created) {
        if (driver != null) {
            return false;
        }
        driver = created;
        if (countObjects) {
            limitedObjects.incrementAndGet();
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // Calling the driver

    /**
     * Runs driver code with this driver as the current driver of the thread, and puts the thread's current driver
     * back as it was when the code returns or throws.
     */
    <T> T callDriver(Supplier<T> code) {
        FxThreadState thread = FxThreadState.current();
        Irql before = thread.irql;
        FxDriverGlobals outer = thread.driver;
        thread.driver = this;
        try {
            return code.get();
        } finally {
            thread.driver = outer;
            if (thread.irql != before) {
                Irql left = thread.irql;
                thread.irql = before; // the framework goes on at the level it called the driver at
                violation(WdfBugCheckCode.WDF_VERIFIER_IRQL_MISMATCH, "IRQL", null, "a callback returned at " + left
                        + " but was called at " + before + "; lower every Irql.raise before returning (close its scope)");
            }
        }
    }

    /** Calls an object's cleanup or destroy callback; an exception is reported and deletion goes on. */
    void invokeObjectCallback(JournalEntry.Kind kind, FxObject object, Runnable callback) {
        journal(kind, object.toString(), "");
        guardedCall(() -> (kind == JournalEntry.Kind.CLEANUP ? "EvtCleanupCallback(" : "EvtDestroyCallback(")
                + object + ")", callback);
    }

    /**
     * Runs a driver callback and goes on whatever it does: an exception is reported as a finding, named by
     * {@code what} (made only then); a bug check was reported when it was raised.
     */
    private void guardedCall(Supplier<String> what, Runnable callback) {
        try {
            callDriver(() -> {
                callback.run();
                return null;
            });
        } catch (WdfBugCheck alreadyReported) {
            // recorded when raised; the driver is failed and will be stopped
        } catch (Throwable t) {
            journal.exception(what.get(), t);
        }
    }

    /** Runs {@code task} on the passive worker (O8); when the driver is gone, records that it could not. */
    void deferToPassive(Runnable task, String what) {
        if (!passive.execute(() -> {
            try {
                task.run();
            } catch (Throwable t) {
                journal.exception(what, t);
            }
        })) {
            journal.violation(Finding.Kind.VIOLATION, "WDF_OBJECT_ERROR", "", what + " was requested after the driver unloaded", Stacks.here());
        }
    }

    /** Queues framework work on the passive worker; false when the worker is shut down (the driver is unloaded). */
    boolean queuePassive(Runnable task) {
        return passive.execute(task);
    }

    /** Whether the calling thread is the driver's passive worker. */
    boolean onPassiveWorker() {
        return passive.isWorkerThread();
    }

    /** The driver's timer threads, made on first use; null once the driver is unloading past step 5 or abandoned. */
    FxDispatchWorker dispatchWorker() {
        synchronized (dispatchLock) {
            if (dispatch == null && !workersEnded) {
                dispatch = new FxDispatchWorker(name, loader);
            }
            return workersEnded ? null : dispatch;
        }
    }

    /**
     * Calls a timer or work item callback ({@code what}, e.g. {@code EvtTimerFunc(WDFTIMER#3)}) on the calling
     * framework thread: the driver bound, the IRQL checked afterwards, an exception reported as a finding. Does
     * nothing once the driver is abandoned or its tree is gone (U6: nothing of the driver runs after step 5).
     */
    void invokeFrameworkCallback(String what, Runnable callback) {
        if (callbacksEnded || state == FxDriverState.ABANDONED || state == FxDriverState.UNLOADED) {
            return;
        }
        interleave();
        Thread thread = Thread.currentThread();
        activeCallbacks.put(thread, what);
        try {
            guardedCall(() -> what, callback);
        } finally {
            activeCallbacks.remove(thread);
            synchronized (activeCallbacks) {
                activeCallbacks.notifyAll();
            }
        }
    }

    /**
     * Calls an I/O-path callback (EvtIoRead, EvtRequestCancel, EvtIoStop, EvtDeviceFileCreate...) on the calling
     * thread: under {@code serialization} when given (the queue's or device's synchronization scope, O7), at
     * DISPATCH_LEVEL when {@code raiseToDispatch} (a DISPATCH-level object serialized as under a spin lock), else at
     * the caller's level. An exception is reported as a finding (a bug check was reported when raised). Dispatches
     * that became possible during the callback run after the outermost callback returns.
     *
     * @param callback the callback's name, and {@code subject} (null for none) the object it is called for: the two
     *     name the call ({@code EvtRequestCancel(WDFREQUEST#7)}) in a finding, and are made into text only then, so
     *     that a request's path builds no string
     * @return true when the callback returned normally; false when it threw, or did not run because the driver is
     *     gone (failed past unload, abandoned)
     */
    boolean invokeIoCallback(String callbackName, Object subject, java.util.concurrent.locks.ReentrantLock serialization,
                             boolean raiseToDispatch, Runnable callback) {
        if (callbacksEnded || failure != null || state == FxDriverState.ABANDONED || state == FxDriverState.UNLOADED) {
            return false; // a driver stopped by a bug check gets no more I/O: its requests are answered by the framework
        }
        interleave();
        FxThreadState thread = FxThreadState.current();
        FxDriverGlobals outer = thread.enterCallback(this);
        Irql before = thread.irql;
        if (serialization != null) {
            serialization.lock();
        }
        try {
            if (raiseToDispatch && before.value() < Irql.DISPATCH_LEVEL.value()) {
                thread.irql = Irql.DISPATCH_LEVEL;
            }
            callDriver(() -> {
                callback.run();
                return null;
            });
            return true;
        } catch (WdfBugCheck alreadyReported) {
            return false;
        } catch (Throwable t) {
            journal.exception(subject == null ? callbackName : callbackName + "(" + subject + ")", t);
            return false;
        } finally {
            thread.irql = before;
            if (serialization != null) {
                serialization.unlock();
            }
            thread.leaveCallback(outer);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Devices

    private volatile FxDeviceListener deviceListener = FxDeviceListener.standalone();
    private final List<FxDevice> devices = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Tells the framework where the host wants to hear about this driver's devices (names, interfaces, deletions). */
    public void setDeviceListener(FxDeviceListener listener) {
        deviceListener = Objects.requireNonNull(listener, "listener");
    }

    FxDeviceListener deviceListener() {
        return deviceListener;
    }

    /** The device stacks of the driver's process, where its PDOs' stacks are registered (ST1). */
    private volatile FxDeviceStacks deviceStacks = new FxDeviceStacks();

    /** Tells the framework the device stacks of the driver's process, shared by its drivers. */
    public void setDeviceStacks(FxDeviceStacks stacks) {
        deviceStacks = Objects.requireNonNull(stacks, "stacks");
    }

    FxDeviceStacks deviceStacks() {
        return deviceStacks;
    }

    private volatile FxTargetResolver targetResolver = FxTargetResolver.none();

    /** Tells the framework how this driver's remote I/O targets find devices by name ({@code WdfIoTargetOpen}). */
    public void setTargetResolver(FxTargetResolver resolver) {
        targetResolver = Objects.requireNonNull(resolver, "resolver");
    }

    FxTargetResolver targetResolver() {
        return targetResolver;
    }

    void deviceCreated(FxDevice device) {
        devices.add(device);
    }

    void deviceGone(FxDevice device) {
        devices.remove(device);
    }

    /** The driver's devices that are not deleted, in creation order. */
    public List<FxDevice> devices() {
        return List.copyOf(devices);
    }

    /**
     * The PnP manager found a device this driver binds to: calls EvtDriverDeviceAdd on the passive thread, bounded by
     * the wait timeout, and answers the device it created (not yet started).
     *
     * @return the device; STATUS_INVALID_DEVICE_STATE when the driver is not running; STATUS_INVALID_DEVICE_REQUEST
     *     when it has no EvtDriverDeviceAdd; the status EvtDriverDeviceAdd failed with (its device, if any, is
     *     deleted); STATUS_UNSUCCESSFUL when it succeeded without creating a device, or hung
     */
    public NtResult<FxDevice> addDevice(String hardwareId, String instanceId) {
        return addDevice(hardwareId, instanceId, null);
    }

    /**
     * As {@link #addDevice(String, String)}, for a device node whose stack the host builds driver by driver (see
     * {@link FxDeviceStack#addDevice}): the device is attached on top of {@code stack} (a stack of its own when null).
     */
    NtResult<FxDevice> addDevice(String hardwareId, String instanceId, FxDeviceStack stack) {
        Objects.requireNonNull(hardwareId, "hardwareId");
        Objects.requireNonNull(instanceId, "instanceId");
        FxDriver d = driver;
        if (state != FxDriverState.STARTED || d == null || failure != null) {
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_STATE);
        }
        org.wdf4j.driver.EvtDriverDeviceAdd add = d.configInternal().evtDriverDeviceAdd();
        if (add == null) {
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
        return runLifecycleStep("EvtDriverDeviceAdd(" + instanceId + ")", () -> {
            FxDeviceInit init = new FxDeviceInit(this, false, hardwareId, instanceId, null);
            init.stack = stack != null ? stack : new FxDeviceStack(instanceId);
            init.inDeviceAdd = true;
            journal(JournalEntry.Kind.PNP, instanceId, "EvtDriverDeviceAdd(" + hardwareId + ")");
            NtStatus status = callDeviceInitCallback("EvtDriverDeviceAdd(" + instanceId + ")", init,
                    () -> add.deviceAdd(d, init));
            FxDevice device = init.created;
            if (!status.isSuccess()) {
                if (device != null) {
                    device.deleteInternal();
                }
                return NtResult.<FxDevice>failure(status);
            }
            if (device == null) {
                journal.violation(Finding.Kind.VIOLATION, "EvtDriverDeviceAdd", instanceId, "EvtDriverDeviceAdd returned " + status
                        + " without creating a device (WdfDevice.create); the device has no driver", "");
                return NtResult.<FxDevice>failure(NtStatus.STATUS_UNSUCCESSFUL);
            }
            return NtResult.success(device);
        }, () -> NtResult.failure(NtStatus.STATUS_UNSUCCESSFUL));
    }

    /**
     * Runs a lifecycle step (EvtDriverDeviceAdd, a PnP transition) on the passive thread and waits for it, bounded by
     * the wait timeout: past it the driver is HUNG and {@code onHang} answers. On the passive thread it runs inline.
     */
    <T> T runLifecycleStep(String what, Supplier<T> step, Supplier<T> onHang) {
        if (passive.isWorkerThread()) {
            return step.get();
        }
        if (state == FxDriverState.ABANDONED || state == FxDriverState.UNLOADED) {
            return onHang.get();
        }
        T result = await(passive.submit(() -> abandonable(step)), what, onHang);
        return result == null ? onHang.get() : result;
    }

    /** On the passive thread, inside a wait: runs one passive task queued meanwhile. */
    boolean runOnePassiveTask() {
        return passive.runOne();
    }

    /** A request the driver still held when the framework had to give up on it (its device went away). */
    void reportRequestLeak(FxRequest request, String why) {
        String allocatedAt = request.tracker == null ? "" : request.tracker.createdAt;
        String where = request.whereAndForWhom();
        journal.leak("request", request.toString(), request + " " + why + "; " + where, why + "; " + where, allocatedAt);
    }

    /** Whether the driver was abandoned (a callback hung past the wait timeout). */
    boolean abandoned() {
        return state == FxDriverState.ABANDONED;
    }

    /** On the passive worker of an abandoned driver: stops the lifecycle step it is running (nothing more is done). */
    void throwIfAbandonedOnPassive() {
        if (state == FxDriverState.ABANDONED && passive.isWorkerThread()) {
            throw new AbandonedException();
        }
    }

    /** The timer and work item callbacks running now, with their threads' stacks; empty when none. */
    String describeActiveCallbacks() {
        StringBuilder text = new StringBuilder();
        activeCallbacks.forEach((thread, what) -> text.append("\n").append(what).append(" is running on ")
                .append(thread.getName()).append(":\n").append(Stacks.threadStack(thread)));
        return text.toString();
    }

    /**
     * Reports that a framework wait for the driver inside a lifecycle step (requests it holds at a power-down or
     * removal) ran out after {@code nanos}, and names what the driver still held: the step goes on without them.
     */
    void reportGaveUp(String what, long nanos, List<String> held) {
        journal.violation(Finding.Kind.VIOLATION, "HUNG", "", what + " did not finish within "
                + FxInspection.seconds(nanos) + " (the framework gives up on the driver's requests after half the "
                + "wait timeout of " + verifier.waitTimeout() + ")" + (held.isEmpty() ? ""
                : "; the driver still held " + String.join(", ", held)) + describeActiveCallbacks(), "");
    }

    /** Reports that a framework wait for a driver callback ran past the wait timeout. */
    void reportWaitTimeout(String what) {
        journal.violation(Finding.Kind.VIOLATION, "HUNG", "", what + " did not finish within " + verifier.waitTimeout()
                + describeActiveCallbacks(), Stacks.here());
    }

    // ---------------------------------------------------------------------------------------------
    // Verifier

    /** O9: reports a call above the function's highest IRQL when the verifier is on. */
    void checkIrql(String function, Irql maxIrql, FxObject object) {
        if (!verifier.enabled()) {
            return;
        }
        Irql current = FxThreadState.currentIrql();
        if (current.value() > maxIrql.value()) {
            violation(WdfBugCheckCode.WDF_VERIFIER_IRQL_MISMATCH, "IRQL", object,
                    function + " called at " + current + "; it may be called at " + maxIrql + " or below");
        }
    }

    /** A rule broken: reported, and a bug check when the verifier is on and breaks on errors. */
    void violation(WdfBugCheckCode code, String rule, FxObject object, String message) {
        violation(code, rule, object, message, true);
    }

    void violation(WdfBugCheckCode code, String rule, FxObject object, String message, boolean breakable) {
        journal.violation(Finding.Kind.VIOLATION, rule, object == null ? "" : object.toString(), message, Stacks.here());
        if (breakable && verifier.enabled() && verifier.breakOnError()) {
            throw bugCheck(code, rule + ": " + message);
        }
    }

    /**
     * The driver broke a contract: records the bug check, marks the driver failed and tells the
     * host; answers the exception for the caller to throw.
     */
    WdfBugCheck bugCheck(WdfBugCheckCode code, String message) {
        WdfBugCheck bugCheck = new WdfBugCheck(code, name, message);
        String stack = Stacks.here();
        journal.bugCheck(code.name(), message, stack);
        boolean first;
        synchronized (this) {
            first = failure == null;
            if (first) {
                failure = bugCheck;
            }
        }
        if (first) {
            listener.driverFailed(this, bugCheck);
        }
        return bugCheck;
    }

    /**
     * Calls a callback that fills in {@code init} and creates a device from it (EvtDriverDeviceAdd,
     * EvtChildListCreateDevice), then spends the init: a bug check or an exception answers
     * STATUS_DRIVER_INTERNAL_ERROR (the exception journalled), null STATUS_UNSUCCESSFUL.
     */
    NtStatus callDeviceInitCallback(String what, FxDeviceInit init, Supplier<NtStatus> callback) {
        init.inDeviceAdd = true;
        NtStatus status;
        try {
            status = callDriver(callback);
        } catch (WdfBugCheck alreadyReported) {
            status = NtStatus.STATUS_DRIVER_INTERNAL_ERROR;
        } catch (Throwable t) {
            journal.exception(what, t);
            status = NtStatus.STATUS_DRIVER_INTERNAL_ERROR;
        } finally {
            init.inDeviceAdd = false;
            init.spend();
        }
        return status == null ? NtStatus.STATUS_UNSUCCESSFUL : status;
    }

    /**
     * An interleaving point (a queue presenting a request, a completion, a cancel, a PnP or power callback, a timer or
     * work item callback): a seeded random delay when the verifier's interleaving delays are on, else nothing.
     */
    void interleave() {
        FxInterleaving i = interleaving;
        if (i != null) {
            i.reached();
        }
    }

    /** Journals what happened (see {@link FxDriverJournal#entry}). */
    void journal(JournalEntry.Kind kind, String subject, String detail) {
        journal.entry(kind, subject, detail);
    }

    /** A line the driver printed. */
    void dbgPrint(String line) {
        journal.dbgPrint(line);
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    // ---------------------------------------------------------------------------------------------
    // Queries

    public String name() {
        return name;
    }

    public String registryPath() {
        return registryPath;
    }

    FxBufferQuarantine bufferQuarantine() {
        return bufferQuarantine;
    }

    public VerifierSettings verifier() {
        return verifier;
    }

    /** The backend of the driver's Parameters key. */
    public FxParameters parameters() {
        return parameters;
    }

    public FxDriverState state() {
        return state;
    }

    /** The bug check that stopped the driver, or null. */
    public WdfBugCheck failure() {
        return failure;
    }

    public boolean evtDriverUnloadCalled() {
        return evtDriverUnloadCalled;
    }

    /** What DriverEntry returned, or null before it returned. */
    public NtStatus entryStatus() {
        return entryStatus;
    }

    /** The exception DriverEntry threw (or the bug check that failed it), with its stack; null when it returned. */
    public String entryException() {
        return entryException;
    }

    /** The driver object, or null when the driver has not created one. */
    public FxObject driverObject() {
        return driver;
    }

    FxDriverObject wdmDriverObject() {
        return wdmDriverObject;
    }

    /** How many of the driver's framework objects are alive (not destroyed, not abandoned); counts the tree. */
    public int liveObjects() {
        FxDriver d = driver;
        if (d == null) {
            return 0;
        }
        int live = 0;
        ArrayDeque<FxObject> stack = new ArrayDeque<>();
        stack.push(d);
        while (!stack.isEmpty()) {
            FxObject o = stack.pop();
            if (!o.state().isInvalidHandle()) {
                live++;
            }
            o.children().forEach(stack::push);
        }
        return live;
    }

    /** The journal in order (see {@link FxDriverJournal#entries}). */
    public List<JournalEntry> journal() {
        return journal.entries();
    }

    public List<Finding> findings() {
        return journal.findings();
    }

    /** The timer threads made so far (empty when the driver never created a timer), for tests and the host's checks. */
    public List<Thread> dispatchThreads() {
        synchronized (dispatchLock) {
            return dispatch == null ? List.of() : dispatch.threads();
        }
    }

    /** The passive worker's thread, for the host's checks. */
    public Thread passiveThread() {
        return passive.thread();
    }

    /** Records that the framework now runs or waits for {@code what} for this driver; answers the key to end it with. */
    Object busyBegin(String what) {
        Object key = new Object();
        busy.put(key, new Busy(what, System.nanoTime()));
        return key;
    }

    /** The work begun as {@code key} is now at {@code what}; its time restarts. */
    void busyStep(Object key, String what) {
        busy.put(key, new Busy(what, System.nanoTime()));
    }

    void busyEnd(Object key) {
        busy.remove(key);
    }

    /**
     * The driver as {@code wdf4j inspect} shows it ({@code !wdfdriverinfo}, {@code !wdfdevice}, {@code !wdfdevicequeues},
     * {@code !wdfrequest}): read from any thread without stopping the driver; what it says may be a moment old.
     */
    public FxInspection inspect() {
        long now = System.nanoTime();
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        List<FxInspection.Timer> timers = new ArrayList<>();
        List<FxInspection.WorkItem> workItems = new ArrayList<>();
        List<FxInspection.Lock> locks = new ArrayList<>();
        FxDriver d = driver;
        if (d != null) {
            for (FxObject o : postorder(d)) {
                if (o.state() != FxObjectState.DESTROYED && o.state() != FxObjectState.ABANDONED) {
                    counts.merge(o.objectType(), 1, Integer::sum);
                    switch (o) {
                        case FxTimer t -> timers.add(t.inspect());
                        case FxWorkItem w -> workItems.add(w.inspect());
                        case FxWaitLock l -> locks.add(l.inspect());
                        case FxSpinLock l -> locks.add(l.inspect());
                        default -> { }
                    }
                }
            }
        }
        List<FxInspection.Device> list = new ArrayList<>();
        for (FxDevice device : devices) {
            list.add(device.inspect(now));
        }
        int held = list.stream().mapToInt(x -> x.queues().stream().mapToInt(q -> q.held().size()).sum()).sum();
        if (held > 0) {
            counts.merge("WDFREQUEST", held, Integer::sum);
        }
        List<FxInspection.Busy> doing = new ArrayList<>();
        busy.values().stream().sorted(java.util.Comparator.comparingLong(Busy::since))
                .forEach(b -> doing.add(new FxInspection.Busy(b.what(), now - b.since())));
        activeCallbacks.forEach((thread, what) -> doing.add(new FxInspection.Busy(what + " running on " + thread.getName(), 0)));
        return new FxInspection(name, state, counts, list, doing, timers, workItems, locks);
    }

    /** The driver's object tree, depth first, parents before children; empty without a driver object. */
    public List<TreeLine> objectTree() {
        List<TreeLine> lines = new ArrayList<>();
        FxDriver d = driver;
        if (d == null) {
            return lines;
        }
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {d, 0});
        while (!stack.isEmpty()) {
            Object[] top = stack.pop();
            FxObject o = (FxObject) top[0];
            int depth = (Integer) top[1];
            lines.add(new TreeLine(depth, o.toString(), o.state(), o.referenceCount(), o.contextNames()));
            List<FxObject> children = o.children();
            for (int i = children.size() - 1; i >= 0; i--) {
                stack.push(new Object[] {children.get(i), depth + 1});
            }
        }
        return lines;
    }

    /** Runs {@code code} as this driver's code on the calling thread (for embedding hosts and tests). */
    public <T> T runAsDriver(Supplier<T> code) {
        return callDriver(code);
    }

    @Override
    public String toString() {
        return "driver " + name + " (" + state + ")";
    }
}
