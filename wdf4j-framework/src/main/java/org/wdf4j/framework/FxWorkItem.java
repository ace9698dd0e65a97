package org.wdf4j.framework;

import org.wdf4j.Irql;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.workitem.WdfWorkItem;
import org.wdf4j.workitem.WdfWorkItemConfig;

/**
 * {@code WDFWORKITEM}: its callback runs at PASSIVE_LEVEL on the driver's passive worker. {@link #enqueued}
 * is true from an enqueue until a callback starts; a queued task that finds it false does nothing (the
 * callback already ran inline, by a flush on the passive worker, or the item was queued twice). State is
 * guarded by the monitor of {@link #callbacks}. Always disposed at PASSIVE_LEVEL: its cleanup flushes it.
 */
final class FxWorkItem extends FxCallbackObject implements WdfWorkItem {

    private final WdfWorkItemConfig config;
    private final String callbackName;
    private boolean enqueued;

    FxWorkItem(FxDriverGlobals globals, FxObject parent, WdfObjectAttributes attributes, WdfWorkItemConfig config) {
        super(globals, parent, attributes, config.automaticSerialization());
        this.config = config;
        this.callbackName = "EvtWorkItem(" + handleName() + ")";
    }

    @Override
    public String objectType() {
        return "WDFWORKITEM";
    }

    @Override
    public void enqueue() {
        checkHandle("WdfWorkItemEnqueue", Irql.DISPATCH_LEVEL);
        synchronized (callbacks) {
            if (enqueued || state() != FxObjectState.CREATED) {
                return; // already queued (WDF ignores the second enqueue), or being deleted
            }
            enqueued = true;
        }
        if (!globals.queuePassive(this::runIfEnqueued)) {
            synchronized (callbacks) {
                enqueued = false;
            }
        }
    }

    /** On the passive worker: runs the callback if the item is still queued. */
    private void runIfEnqueued() {
        synchronized (callbacks) {
            if (!enqueued) {
                return;
            }
            enqueued = false;
            callbacks.enterLocked();
            callbacks.notifyAll();
        }
        callbacks.run(callbackName, () -> config.evtWorkItemFunc().workItem(this));
    }

    @Override
    public void flush() {
        checkHandle("WdfWorkItemFlush", Irql.PASSIVE_LEVEL);
        if (callbacks.inCallback()) {
            globals.violation(WdfBugCheckCode.WDF_VERIFIER_FATAL_ERROR, "WdfWorkItemFlush", this,
                    "WdfWorkItemFlush called from the work item's own callback, which would wait for itself forever; "
                            + "nothing is flushed");
            return;
        }
        flushNow("WdfWorkItemFlush(" + this + ")");
    }

    /**
     * Returns once a queued callback has run and a running one has returned. On the passive worker, which is
     * the thread that would run it, a queued callback runs inline, now; elsewhere this waits (bounded).
     */
    private void flushNow(String what) {
        if (globals.onPassiveWorker()) {
            runIfEnqueued(); // nothing can be running: the passive worker is this thread
            return;
        }
        callbacks.await(what, () -> !enqueued && !callbacks.anyRunning());
    }

    /** What {@code wdf4j inspect} shows of it: enqueued, running. */
    FxInspection.WorkItem inspect() {
        synchronized (callbacks) {
            return new FxInspection.WorkItem(handleName(), enqueued, callbacks.anyRunning());
        }
    }

    @Override
    public WdfObject parentObject() {
        return parentObject("WdfWorkItemGetParentObject");
    }

    /** Deletion flushes the work item as in WDF: a queued callback still runs, a running one is waited for, unless from itself. */
    @Override
    void frameworkCleanup() {
        if (!callbacks.inCallback()) {
            flushNow("the deletion of " + this + " (flushing it)");
        }
    }
}
