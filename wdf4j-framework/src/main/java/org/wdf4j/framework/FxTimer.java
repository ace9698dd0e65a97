package org.wdf4j.framework;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import org.wdf4j.Irql;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;

/**
 * {@code WDFTIMER}. Expirations come from the driver's dispatch threads ({@link FxDispatchWorker}); a
 * DISPATCH-level timer's callback runs there, at DISPATCH_LEVEL; a PASSIVE-level timer's callback is handed
 * to the passive worker (at most one pending at a time: expirations while one is pending are coalesced).
 *
 * <p>Every start and stop bumps {@link #generation}; an expiration or a pending passive callback of an older
 * generation does nothing, so a stop can never be overtaken by an expiration already under way. State is
 * guarded by the monitor of {@link #callbacks}. The object is always disposed at PASSIVE_LEVEL, so that its
 * cleanup can wait for a running callback.
 */
final class FxTimer extends FxCallbackObject implements WdfTimer {

    private final WdfTimerConfig config;
    private final String callbackName;
    private long generation;
    private boolean queued;
    private boolean passivePending;
    private ScheduledFuture<?> future;

    FxTimer(FxDriverGlobals globals, FxObject parent, WdfObjectAttributes attributes, WdfTimerConfig config) {
        super(globals, parent, attributes, config.automaticSerialization());
        this.config = config;
        this.callbackName = "EvtTimerFunc(" + handleName() + ")";
    }

    @Override
    public String objectType() {
        return "WDFTIMER";
    }

    private boolean passiveCallbacks() {
        return executionLevel() == WdfExecutionLevel.PASSIVE;
    }

    @Override
    public boolean start(Duration dueTime) {
        checkHandle("WdfTimerStart", Irql.DISPATCH_LEVEL);
        if (dueTime == null || dueTime.isNegative()) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL,
                    "WdfTimerStart: the due time must be a relative time of zero or more, was " + dueTime);
        }
        synchronized (callbacks) {
            if (state() != FxObjectState.CREATED) {
                return false; // a timer being deleted is not started again
            }
            FxDispatchWorker worker = globals.dispatchWorker();
            if (worker == null) {
                return false;
            }
            boolean wasQueued = queued;
            cancelLocked();
            long mine = generation;
            ScheduledFuture<?> scheduled = config.isPeriodic()
                    ? worker.scheduleAtFixedRate(() -> expire(mine), dueTime.toNanos(), config.period().toNanos())
                    : worker.schedule(() -> expire(mine), dueTime.toNanos());
            queued = scheduled != null;
            future = scheduled;
            return wasQueued;
        }
    }

    /** With the monitor held: takes the timer out of the queue and invalidates expirations under way. */
    private boolean cancelLocked() {
        boolean wasQueued = queued;
        generation++;
        queued = false;
        if (future != null) {
            future.cancel(false);
            future = null;
        }
        return wasQueued;
    }

    /** On a dispatch thread, at DISPATCH_LEVEL: one expiration. */
    private void expire(long mine) {
        synchronized (callbacks) {
            if (mine != generation) {
                return;
            }
            if (!config.isPeriodic()) {
                queued = false;
                future = null;
            }
            if (passiveCallbacks()) {
                if (passivePending) {
                    return; // one passive callback is already waiting for the passive thread: coalesced
                }
                passivePending = true;
            } else {
                callbacks.enterLocked();
            }
        }
        if (passiveCallbacks()) {
            if (!globals.queuePassive(() -> runPassive(mine))) {
                synchronized (callbacks) {
                    passivePending = false;
                }
            }
            return;
        }
        callbacks.run(callbackName, () -> config.evtTimerFunc().timerFunc(this));
    }

    /** On the passive worker, at PASSIVE_LEVEL (O7: a PASSIVE timer's callback never runs at DISPATCH_LEVEL). */
    private void runPassive(long mine) {
        synchronized (callbacks) {
            passivePending = false;
            if (mine != generation) {
                return;
            }
            callbacks.enterLocked();
        }
        callbacks.run(callbackName, () -> config.evtTimerFunc().timerFunc(this));
    }

    @Override
    public boolean stop(boolean wait) {
        checkHandle("WdfTimerStop", wait ? Irql.PASSIVE_LEVEL : Irql.DISPATCH_LEVEL);
        boolean wasQueued;
        synchronized (callbacks) {
            wasQueued = cancelLocked();
        }
        if (wait) {
            if (callbacks.inCallback()) {
                globals.violation(WdfBugCheckCode.WDF_VERIFIER_FATAL_ERROR, "WdfTimerStop", this,
                        "WdfTimerStop(wait=TRUE) called from the timer's own callback, which would wait for itself forever; "
                                + "the timer is stopped without waiting");
                return wasQueued;
            }
            callbacks.await("WdfTimerStop(" + this + ", wait=TRUE)", () -> !callbacks.anyRunning());
        }
        return wasQueued;
    }

    /** What {@code wdf4j inspect} shows of it: period, due time, running or not. */
    FxInspection.Timer inspect() {
        synchronized (callbacks) {
            long due = queued && future != null ? Math.max(0, future.getDelay(java.util.concurrent.TimeUnit.NANOSECONDS)) : 0;
            return new FxInspection.Timer(handleName(), config.isPeriodic() ? config.period().toNanos() : 0, queued,
                    due, callbacks.anyRunning(), passiveCallbacks());
        }
    }

    @Override
    public WdfObject parentObject() {
        return parentObject("WdfTimerGetParentObject");
    }

    /** Deletion stops the timer and, unless called from its own callback, waits for a running callback (at PASSIVE_LEVEL). */
    @Override
    void frameworkCleanup() {
        synchronized (callbacks) {
            cancelLocked();
        }
        if (!callbacks.inCallback()) {
            callbacks.await("the deletion of " + this + " (waiting for its running callback)", () -> !callbacks.anyRunning());
        }
    }
}
