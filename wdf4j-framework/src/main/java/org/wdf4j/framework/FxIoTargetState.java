package org.wdf4j.framework;

import org.wdf4j.io.WdfIoTargetState;

/** The states of an I/O target; the transitions are in {@link FxIoTargetStateMachine}. */
public enum FxIoTargetState {
    STARTED, STOPPED, CLOSED, DELETED;

    /** What can happen to a target. */
    public enum Event {
        /** WdfIoTargetOpen of a remote target. */
        OPEN,
        START,
        STOP,
        /** WdfIoTargetClose. */
        CLOSE,
        /** The owning device (or the target's device) is removed. */
        REMOVE
    }

    WdfIoTargetState api() {
        return switch (this) {
            case STARTED -> WdfIoTargetState.STARTED;
            case STOPPED -> WdfIoTargetState.STOPPED;
            case CLOSED -> WdfIoTargetState.CLOSED;
            case DELETED -> WdfIoTargetState.DELETED;
        };
    }
}
