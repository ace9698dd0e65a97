package org.wdf4j.framework;

import org.wdf4j.io.WdfIoTargetState;

/** The states of an I/O target; the transitions are in {@link FxIoTargetStateMachine}. */
public enum FxIoTargetState {
    STARTED, STOPPED, CLOSED, CLOSED_FOR_QUERY_REMOVE, DELETED;

    /** What can happen to a target. */
    public enum Event {
        /** WdfIoTargetOpen of a remote target (or its reopen after a cancelled removal). */
        OPEN,
        START,
        STOP,
        /** WdfIoTargetClose. */
        CLOSE,
        /** WdfIoTargetCloseForQueryRemove: its device may be removed (ST9). */
        CLOSE_FOR_QUERY_REMOVE,
        /** The owning device (or the target's device) is removed. */
        REMOVE
    }

    WdfIoTargetState api() {
        return switch (this) {
            case STARTED -> WdfIoTargetState.STARTED;
            case STOPPED -> WdfIoTargetState.STOPPED;
            case CLOSED -> WdfIoTargetState.CLOSED;
            case CLOSED_FOR_QUERY_REMOVE -> WdfIoTargetState.CLOSED_FOR_QUERY_REMOVE;
            case DELETED -> WdfIoTargetState.DELETED;
        };
    }
}
