package org.wdf4j.host;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxDeviceListener;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.isolation.Message;

/**
 * A driver in a driver host process of its own (the UMDF model). The framework runs there; this side forwards the
 * host's calls, mirrors the driver's state, and turns the process's end into the driver's failure. The proof of
 * unload is the process's exit (H8).
 */
final class IsolatedDriverRuntime implements DriverRuntime {

    /**
     * How much longer than the verifier's wait timeout the host waits for a call (the framework in the driver host
     * answers "hung" at the wait timeout; the host ends the process only when it does not answer at all).
     */
    static final Duration VERIFIER_GRACE = Duration.ofSeconds(5);

    private final String name;
    private final DriverHostProcess process;
    private final int driver;
    private final VerifierSettings verifier;
    private final FxDeviceListener listener;
    private final FxParameters parameters;
    /** Told when the driver host ended without being asked to. */
    private final Consumer<Ended> onProcessEnded;
    /** Told when a bug check stopped the running driver. */
    private final Runnable onBugCheck;
    private volatile FxDriverState state = FxDriverState.LOADED;
    /** The bug check that stopped the driver, or how its driver host ended; null while it is well. */
    private volatile String failure;
    private volatile FxDriverGlobals.EntryOutcome entryOutcome;
    /** The last view read from the driver host, for a report made after it ended. */
    private volatile Message.DriverView lastView;
    /** The driver host's thread stacks when the host ended it as hung because of this driver (H7); else null. */
    private volatile String hungStacks;
    /** When the driver host last sent anything of this driver (nanoTime). */
    private volatile long lastActivity = System.nanoTime();

    private IsolatedDriverRuntime(String name, DriverHostProcess process, VerifierSettings verifier,
                                  FxDeviceListener listener, FxParameters parameters, Consumer<Ended> onProcessEnded,
                                  Runnable onBugCheck) {
        this.name = name;
        this.process = process;
        this.verifier = verifier;
        this.listener = listener;
        this.parameters = parameters;
        this.onProcessEnded = onProcessEnded;
        this.onBugCheck = onBugCheck;
        this.driver = process.attach(this);
    }

    /** The driver host process it runs in. */
    DriverHostProcess process() {
        return process;
    }

    /**
     * How a driver host's end concerns a driver.
     *
     * @param cause how the process ended, in words
     * @param blamed whether the failure counts against this driver (H6): it ended the process, or the process was
     *     calling it, or the host cannot tell which of its drivers did
     */
    record Ended(String cause, boolean blamed) {
    }

    /**
     * Loads the package into a driver host process (DriverEntry is not called yet).
     *
     * @param onProcessEnded told when the process ends without being asked to
     * @throws DriverPackageException when the package cannot be loaded there (a process left without drivers exits)
     * @throws DriverHostEndedException when the process ended or is exiting: take another
     */
    static IsolatedDriverRuntime create(DriverHostProcess process, DriverPackage pkg, String registryPath,
                                        VerifierSettings verifier, FxDeviceListener listener, FxParameters parameters,
                                        Consumer<Ended> onProcessEnded, Runnable onBugCheck)
            throws DriverPackageException {
        IsolatedDriverRuntime runtime = new IsolatedDriverRuntime(pkg.name(), process, verifier, listener, parameters,
                onProcessEnded, onBugCheck);
        String loadError;
        try {
            Message.LoadDone done = (Message.LoadDone) runtime.call(id -> new Message.Load(id, runtime.driver,
                    pkg.name(), pkg.jar().toAbsolutePath().toString(), pkg.entryClass(), registryPath, verifier),
                    "loading " + pkg.name());
            loadError = done.loadError();
        } catch (DriverHostEndedException e) {
            loadError = "its driver host " + process.pid() + " ended while loading it: " + e.getMessage();
        }
        if (loadError != null) {
            if (process.detach(runtime.driver)) {
                process.exit();
            }
            throw new DriverPackageException(loadError);
        }
        return runtime;
    }

    String name() {
        return name;
    }

    FxDeviceListener listener() {
        return listener;
    }

    FxParameters parameters() {
        return parameters;
    }

    /**
     * How long a call may take, without progress, before the driver host is ended as hung (H7): the host process
     * timeout, or the verifier's wait timeout and a grace when that is longer.
     */
    Duration callTimeout() {
        Duration framework = verifier.waitTimeout().plus(VERIFIER_GRACE);
        Duration host = process.timeout();
        return framework.compareTo(host) > 0 ? framework : host;
    }

    private Message call(java.util.function.IntFunction<Message> message, String what) {
        return process.call(message, callTimeout(), what, this);
    }

    /** When the driver host last sent anything of this driver (nanoTime): its progress, which extends timeouts. */
    long lastActivityNanos() {
        return lastActivity;
    }

    void active() {
        lastActivity = System.nanoTime();
    }

    @Override
    public String where() {
        return process.toString();
    }

    /** The pool its driver host serves, or null for a driver host of its own. */
    String pool() {
        return process.pool();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public FxDriverGlobals.EntryOutcome callDriverEntry() {
        FxDriverGlobals.EntryOutcome outcome;
        try {
            outcome = ((Message.EntryDone) call(id -> new Message.Entry(id, driver), "DriverEntry of " + name)).outcome();
        } catch (DriverHostEndedException e) {
            outcome = new FxDriverGlobals.EntryOutcome(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED,
                    "its driver host " + process.pid() + " ended during DriverEntry: " + e.getMessage(), false, false);
        }
        entryOutcome = outcome;
        return outcome;
    }

    @Override
    public FxDriverGlobals.StopOutcome stop() {
        if (process.endedBecause() != null) {
            return new FxDriverGlobals.StopOutcome(false, null, false); // its process took everything with it
        }
        try {
            return ((Message.StopDone) call(id -> new Message.Stop(id, driver), "the unload of " + name)).outcome();
        } catch (DriverHostEndedException e) {
            return new FxDriverGlobals.StopOutcome(false, null, false);
        }
    }

    @Override
    public FxDriverState state() {
        return state;
    }

    void stateChanged(FxDriverState now, String bugCheck) {
        state = now;
        if (bugCheck != null && failure == null) {
            failure = bugCheck;
            if (now == FxDriverState.STARTED) {
                onBugCheck.run(); // the host stops it, as it stops an in-process driver after its bug check
            }
        }
    }

    @Override
    public String failure() {
        return failure;
    }

    @Override
    public List<FxDriverGlobals.TreeLine> objectTree() {
        Message.DriverView v = snapshot();
        return v == null ? List.of() : v.tree();
    }

    @Override
    public List<JournalEntry> journal() {
        Message.DriverView v = snapshot();
        return v == null ? List.of() : v.journal();
    }

    @Override
    public org.wdf4j.framework.FxInspection inspect() {
        if (process.endedBecause() == null) {
            try {
                return ((Message.InspectDone) call(id -> new Message.Inspect(id, driver), "inspecting " + name)).inspection();
            } catch (DriverHostEndedException e) {
                // as an unloaded driver below
            }
        }
        return LocalDriverRuntime.unloaded(name);
    }

    /** The driver host's view now, or the last one read when it has ended. */
    private Message.DriverView snapshot() {
        if (process.endedBecause() == null) {
            try {
                lastView = ((Message.SnapshotDone) call(id -> new Message.Snapshot(id, driver), "reading the state of " + name)).view();
            } catch (DriverHostEndedException e) {
                // answered from the last view below
            }
        }
        return lastView;
    }

    @Override
    public NtResult<? extends FxDeviceEndpoint> addDevice(String hardwareId, String instanceId, boolean newStack) {
        try {
            Message.AddDeviceDone done = (Message.AddDeviceDone) call(id -> new Message.AddDevice(id, driver,
                    hardwareId, instanceId, newStack), "EvtDriverDeviceAdd of " + name + " for " + instanceId);
            if (!done.status().isSuccess() || done.device() == null) {
                return NtResult.failure(done.status().isSuccess() ? NtStatus.STATUS_UNSUCCESSFUL : done.status());
            }
            return NtResult.success(process.device(done.device().id()));
        } catch (DriverHostEndedException e) {
            return NtResult.failure(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED);
        }
    }

    @Override
    public List<String> controlDevices() {
        return process.controlDevices(name);
    }

    @Override
    public Message.DriverView view() {
        Message.DriverView v = snapshot();
        if (process.endedBecause() == null && v != null) {
            return v;
        }
        // The driver host is gone: what was last known, with how it ended.
        FxDriverGlobals.EntryOutcome entry = entryOutcome;
        List<Finding> findings = new java.util.ArrayList<>(v == null ? List.of() : v.findings());
        if (hungStacks != null) {
            findings.add(new Finding(Finding.Kind.VIOLATION, "H7", name, failure + "; its threads then:", hungStacks));
        }
        return new Message.DriverView(FxDriverState.UNLOADED, failure,
                entry == null ? null : entry.status(), entry == null ? null : entry.exception(),
                v != null && v.evtDriverUnloadCalled(), v == null ? List.of() : v.journal(),
                findings, List.of(), List.of(), null);
    }

    /**
     * Proves the release as in-process, inside the driver host (its class loader's collection, the diagnosis when it
     * is not collected), then lets the driver host exit when this was its last driver: its exit is the final proof
     * (H8). A driver host that had ended released everything with it.
     */
    @Override
    public Release release(boolean checkCollection, Message.DriverView view) {
        String ended = process.endedBecause();
        if (ended != null) {
            process.detach(driver);
            return new Release(true, "its driver host " + process.pid() + " had ended (" + ended + ")", null,
                    List.of());
        }
        Release inside;
        try {
            Message.Forgotten forgotten = (Message.Forgotten) call(id -> new Message.Forget(id, driver, checkCollection),
                    "forgetting " + name);
            inside = new Release(checkCollection ? forgotten.collected() : null, forgotten.note(),
                    forgotten.gcRootPath(), forgotten.leaks(), forgotten.findings());
        } catch (DriverHostEndedException e) {
            process.detach(driver);
            return new Release(true, "its driver host " + process.pid() + " ended (" + e.getMessage() + ")", null,
                    List.of());
        }
        if (!process.detach(driver)) {
            return inside; // the driver host serves other drivers of its pool
        }
        String how = process.exit();
        return new Release(inside.collected(), inside.note() + "; then the driver host " + how, inside.gcRootPath(),
                inside.leaks(), inside.findings());
    }

    /** The driver host ended: the driver failed with the cause (unless the host asked it to exit). */
    void processEnded(String cause, boolean asked, boolean blamed) {
        if (asked) {
            return;
        }
        failure = "its driver host " + process.pid() + " ended: " + cause;
        hungStacks = blamed ? process.hungStacks() : null;
        onProcessEnded.accept(new Ended(cause, blamed));
    }

    /** The driver host ended and the driver is not restarted: the failure says why too. */
    void notRestarted(String why) {
        failure = (failure == null ? "its driver host " + process.pid() + " ended" : failure) + "; not restarted: " + why;
    }

    /** Ends the driver host at once, as a crash would (for tests and the demo). */
    void kill() {
        process.kill();
    }

    /** Completes when the driver host has ended and its end was handled. */
    java.util.concurrent.CompletableFuture<Void> onProcessEnded() {
        return process.onEnded();
    }

    @Override
    public String toString() {
        return "driver " + name + " in " + process;
    }
}
