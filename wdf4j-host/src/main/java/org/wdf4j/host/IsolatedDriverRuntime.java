package org.wdf4j.host;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
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

    /** How much longer than the verifier's wait timeout the host waits for a driver host before ending it (H7). */
    static final Duration HOST_PROCESS_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final DriverHostProcess process;
    private final int driver;
    private final VerifierSettings verifier;
    private final FxDeviceListener listener;
    private final FxParameters parameters;
    /** Told, on a host thread, when the driver host ended without being asked to: the cause. */
    private final Consumer<String> onProcessEnded;
    private volatile FxDriverState state = FxDriverState.LOADED;
    /** The bug check that stopped the driver, or how its driver host ended; null while it is well. */
    private volatile String failure;
    private volatile FxDriverGlobals.EntryOutcome entryOutcome;
    /** The last view read from the driver host, for a report made after it ended. */
    private volatile Message.DriverView lastView;

    private IsolatedDriverRuntime(String name, DriverHostProcess process, VerifierSettings verifier,
                                  FxDeviceListener listener, FxParameters parameters, Consumer<String> onProcessEnded) {
        this.name = name;
        this.process = process;
        this.verifier = verifier;
        this.listener = listener;
        this.parameters = parameters;
        this.onProcessEnded = onProcessEnded;
        this.driver = process.attach(this);
    }

    /**
     * Starts a driver host process and loads the package into it (DriverEntry is not called yet).
     *
     * @param onProcessEnded told the cause when the process ends without being asked to
     * @throws DriverPackageException when the process cannot be started or the package cannot be loaded there (the
     *     process is ended)
     */
    static IsolatedDriverRuntime create(DriverPackage pkg, String registryPath, VerifierSettings verifier,
                                        FxDeviceListener listener, FxParameters parameters,
                                        Consumer<String> onProcessEnded) throws DriverPackageException {
        DriverHostProcess process;
        try {
            process = DriverHostProcess.start();
        } catch (java.io.IOException e) {
            throw new DriverPackageException("cannot start a driver host process for driver " + pkg.name() + ": "
                    + e.getMessage(), e);
        }
        IsolatedDriverRuntime runtime = new IsolatedDriverRuntime(pkg.name(), process, verifier, listener, parameters,
                onProcessEnded);
        String loadError;
        try {
            Message.LoadDone done = (Message.LoadDone) process.call(id -> new Message.Load(id, runtime.driver,
                    pkg.name(), pkg.jar().toAbsolutePath().toString(), pkg.entryClass(), registryPath, verifier),
                    runtime.callTimeout(), "loading " + pkg.name());
            loadError = done.loadError();
        } catch (DriverHostEndedException e) {
            loadError = "its driver host " + process.pid() + " ended while loading it: " + e.getMessage();
        }
        if (loadError != null) {
            process.detach(runtime.driver);
            process.exit();
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

    /** How long a call may take before the driver host is ended as hung. */
    Duration callTimeout() {
        return verifier.waitTimeout().plus(HOST_PROCESS_GRACE);
    }

    @Override
    public String where() {
        return "driver host " + process.pid();
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public FxDriverGlobals.EntryOutcome callDriverEntry() {
        FxDriverGlobals.EntryOutcome outcome;
        try {
            outcome = ((Message.EntryDone) process.call(id -> new Message.Entry(id, driver), callTimeout(),
                    "DriverEntry of " + name)).outcome();
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
            return ((Message.StopDone) process.call(id -> new Message.Stop(id, driver), callTimeout(),
                    "the unload of " + name)).outcome();
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

    /** The driver host's view now, or the last one read when it has ended. */
    private Message.DriverView snapshot() {
        if (process.endedBecause() == null) {
            try {
                lastView = ((Message.SnapshotDone) process.call(id -> new Message.Snapshot(id, driver), callTimeout(),
                        "reading the state of " + name)).view();
            } catch (DriverHostEndedException e) {
                // answered from the last view below
            }
        }
        return lastView;
    }

    @Override
    public NtResult<? extends FxDeviceEndpoint> addDevice(String hardwareId, String instanceId) {
        try {
            Message.AddDeviceDone done = (Message.AddDeviceDone) process.call(id -> new Message.AddDevice(id, driver,
                    hardwareId, instanceId), callTimeout(), "EvtDriverDeviceAdd of " + name + " for " + instanceId);
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
        return new Message.DriverView(FxDriverState.UNLOADED, failure,
                entry == null ? null : entry.status(), entry == null ? null : entry.exception(),
                v != null && v.evtDriverUnloadCalled(), v == null ? List.of() : v.journal(),
                v == null ? List.of() : v.findings(), List.of(), List.of(), null);
    }

    @Override
    public Release release(boolean checkCollection, Message.DriverView view) {
        process.detach(driver);
        String ended = process.endedBecause();
        if (ended != null) {
            return new Release(true, "its driver host " + process.pid() + " had ended (" + ended + ")", null,
                    List.of());
        }
        if (process.hasDrivers()) {
            return new Release(null, "its driver host " + process.pid() + " still runs other drivers", null, List.of());
        }
        String how = process.exit();
        boolean exited = how.startsWith("exited");
        return new Release(exited, "its driver host " + process.pid() + " " + how, null, List.of());
    }

    /** The driver host ended: the driver failed with the cause (unless the host asked it to exit). */
    void processEnded(String cause, boolean asked) {
        if (asked) {
            return;
        }
        failure = "its driver host " + process.pid() + " ended: " + cause;
        onProcessEnded.accept(cause);
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
