package org.wdf4j.host;

import java.util.List;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.JournalEntry;

/**
 * A driver loaded by a {@link DriverHost}, in the host's process or in a driver host process ({@link #hosting()}).
 * While the driver runs it answers its state, object tree and journal; once unloaded it answers only its
 * {@link #report()}, and keeps nothing that could hold the driver's classes.
 */
public final class HostedDriver {

    private final DriverPackage driverPackage;
    /** Where it runs; a pooled driver that failed its pool twice becomes isolated (H6). */
    private volatile HostingModel hosting;
    private final org.wdf4j.framework.VerifierSettings verifier;
    /** Where the driver runs; null once unloaded. */
    private volatile DriverRuntime runtime;
    private volatile UnloadReport report;
    /** Failures of its driver host counted toward the restart limit (H6); guarded by this. */
    private int failures;
    /** Failures of the pool's driver host blamed on it while pooled (H6); guarded by this. */
    private int poolFailures;
    /** When the driver host last failed (nanoTime), or 0; guarded by this. */
    private long lastFailureNanos;
    /** How many times its driver host was restarted, ever. */
    private volatile int restarts;
    /** How its driver host last ended without being asked to, or null. */
    private volatile String lastFailure;

    HostedDriver(DriverPackage driverPackage, HostingModel hosting, org.wdf4j.framework.VerifierSettings verifier,
                 DriverRuntime runtime) {
        this.driverPackage = driverPackage;
        this.hosting = hosting;
        this.verifier = verifier;
        this.runtime = runtime;
    }

    public String name() {
        return driverPackage.name();
    }

    public DriverPackage driverPackage() {
        return driverPackage;
    }

    /** Where the driver runs: in the host's process, or isolated in a driver host process. */
    public HostingModel hosting() {
        return hosting;
    }

    /**
     * Where the driver's code runs now, for people: {@code in-process}, or {@code driver host 1234}; {@code unloaded}
     * once it is.
     */
    public String where() {
        DriverRuntime r = runtime;
        return r == null ? "unloaded" : r.where();
    }

    /** The process that runs the driver's code (this one for an in-process driver); -1 once unloaded. */
    public long pid() {
        DriverRuntime r = runtime;
        return r == null ? -1 : r.pid();
    }

    /** The driver's lifecycle state; UNLOADED once its report is made. */
    public FxDriverState state() {
        DriverRuntime r = runtime;
        return r == null ? FxDriverState.UNLOADED : r.state();
    }

    /** True while the driver is started and has not failed. */
    public boolean isRunning() {
        DriverRuntime r = runtime;
        return r != null && r.state() == FxDriverState.STARTED && r.failure() == null;
    }

    /** Why the driver failed (a bug check, or its driver host ended), or null. */
    public String failure() {
        DriverRuntime r = runtime;
        return r == null ? null : r.failure();
    }

    /** The driver's object tree; empty once unloaded. */
    public List<FxDriverGlobals.TreeLine> objectTree() {
        DriverRuntime r = runtime;
        return r == null ? List.of() : r.objectTree();
    }

    /** What the driver looks like inside now ({@code wdf4j inspect}): its devices, queues, held requests, waits. */
    public org.wdf4j.framework.FxInspection inspect() {
        DriverRuntime r = runtime;
        return r == null ? LocalDriverRuntime.unloaded(name()) : r.inspect();
    }

    /** The journal so far; once unloaded, the report has it. */
    public List<JournalEntry> journal() {
        DriverRuntime r = runtime;
        return r == null ? List.of() : r.journal();
    }

    /** The unload report, or null while the driver is loaded. */
    public UnloadReport report() {
        return report;
    }

    /** The verifier settings it was started with. */
    public org.wdf4j.framework.VerifierSettings verifier() {
        return verifier;
    }

    /** How many times the driver's driver host was restarted after it failed (H6). */
    public int restarts() {
        return restarts;
    }

    /** How the driver's driver host last ended without being asked to, or null when it never did. */
    public String lastFailure() {
        return lastFailure;
    }

    /**
     * Counts a failure of the driver host under {@code policy}: answers whether the driver is to be restarted (its
     * count, reset after the policy's quiet time, is within the limit).
     */
    synchronized boolean failed(String cause, RestartPolicy policy, long nowNanos) {
        lastFailure = cause;
        if (hosting == HostingModel.POOLED) {
            poolFailures++;
        }
        if (failures > 0 && nowNanos - lastFailureNanos >= policy.resetAfter().toNanos()) {
            failures = 0;
        }
        failures++;
        lastFailureNanos = nowNanos;
        return failures <= policy.maxRestarts();
    }

    /** How many restarts {@code policy} still allows this driver (H6). */
    public synchronized int restartsLeft(RestartPolicy policy) {
        return Math.max(0, policy.maxRestarts() - failures);
    }

    /** A pooled driver failed its pool a second time: it moves to a driver host of its own (H6). */
    synchronized boolean leavesPool() {
        if (hosting == HostingModel.POOLED && poolFailures >= 2) {
            hosting = HostingModel.ISOLATED;
            return true;
        }
        return false;
    }

    /** The pool's driver host failed, not because of this driver: recorded, not counted. */
    void poolMateFailed(String cause) {
        lastFailure = "its pool's driver host failed through another driver: " + cause;
    }

    /** The driver's runtime, once made (a driver host's runtime is told of its driver at creation). */
    void runs(DriverRuntime first) {
        this.runtime = first;
    }

    /** The driver runs again, in a new driver host. */
    void restarted(DriverRuntime fresh) {
        this.runtime = fresh;
        restarts++;
    }

    /** Where the driver runs, or null once unloaded. */
    DriverRuntime runtime() {
        return runtime;
    }

    /** The driver is gone; this is what it left behind. Nothing of it is referenced from here any more. */
    void unloaded(UnloadReport finalReport) {
        this.report = finalReport;
        this.runtime = null;
    }

    @Override
    public String toString() {
        return "driver " + name() + " (" + state() + ", " + where() + ")";
    }
}
