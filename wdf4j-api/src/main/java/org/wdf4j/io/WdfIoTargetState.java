package org.wdf4j.io;

/** {@code WDF_IO_TARGET_STATE}: where an I/O target stands ({@link WdfIoTarget#targetState()}). */
public enum WdfIoTargetState {
    /** Requests sent to the target are delivered to its device. */
    STARTED,
    /**
     * Requests sent to the target wait in it (they are delivered when it starts again), unless sent with
     * {@link WdfRequestSendOptions#withIgnoreTargetState()}; requests delivered before the stop go on as its
     * {@link WdfIoTargetSentIoAction} said.
     */
    STOPPED,
    /** Closed (a remote target before {@link WdfIoTarget#open} or after {@link WdfIoTarget#close}): sends fail. */
    CLOSED,
    /**
     * {@code WdfIoTargetClosedForQueryRemove}: closed by {@link WdfIoTarget#closeForQueryRemove()} because its device
     * may be removed; sends fail. A removal cancelled reopens it ({@link WdfIoTargetOpenParams#reopen()}), a removal
     * completed closes it.
     */
    CLOSED_FOR_QUERY_REMOVE,
    /** The device that owns the target, or the target's device, was removed: sends fail. Final. */
    DELETED
}
