package org.wdf4j.workitem;

import org.wdf4j.NtResult;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.spi.WdfFunctions;

/**
 * {@code WDFWORKITEM}: driver code queued to run once, later, at PASSIVE_LEVEL on the driver's
 * passive framework thread (the thread that also runs DriverEntry and EvtDriverUnload).
 *
 * <p>Deleting a work item (or its parent) cancels it if it is queued and waits for its callback if
 * it is running, unless the deletion comes from the callback itself.
 */
public interface WdfWorkItem extends WdfObject {

    /**
     * {@code WdfWorkItemCreate}. The attributes must name a parent ({@code withParent}): the work
     * item is deleted with it. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the work item; STATUS_WDF_PARENT_NOT_SPECIFIED without a parent;
     *     STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL when automatic serialization would take a lock of
     *     a parent whose execution level is not PASSIVE; STATUS_INSUFFICIENT_RESOURCES;
     *     STATUS_DELETE_PENDING (the parent is being deleted)
     */
    static NtResult<WdfWorkItem> create(WdfWorkItemConfig config, WdfObjectAttributes attributes) {
        return WdfFunctions.get().workItemCreate(config, attributes);
    }

    /**
     * {@code WdfWorkItemEnqueue}: queues the callback. Enqueuing a work item that is already queued
     * (and not yet running) does nothing, as in WDF. IRQL {@code <= DISPATCH_LEVEL}.
     */
    void enqueue();

    /**
     * {@code WdfWorkItemFlush}: returns once the queued callback, if any, has run, and a running one
     * has returned. Not from the work item's own callback (a verifier violation, never a deadlock).
     * Called on the driver's passive framework thread (for example in EvtDriverUnload or another
     * work item), a queued callback is run at once, inline, since that thread could never run it
     * while it waits. IRQL = PASSIVE_LEVEL.
     */
    void flush();

    /** {@code WdfWorkItemGetParentObject}. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfObject parentObject();
}
