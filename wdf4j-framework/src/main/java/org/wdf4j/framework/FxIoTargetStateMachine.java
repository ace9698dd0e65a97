package org.wdf4j.framework;

import java.util.Map;
import org.wdf4j.framework.FxIoTargetState.Event;

/**
 * The I/O target state machine as a table (ST5): every legal (state, event) pair and the state it leads to.
 * {@link FxIoTarget} asks it under the target's lock; a pair without a row leaves the target as it is and is
 * journalled (for example START of a closed target, which WdfIoTargetStart answers with STATUS_INVALID_DEVICE_STATE).
 */
public final class FxIoTargetStateMachine {

    /** One row. */
    public record Transition(FxIoTargetState from, Event event, FxIoTargetState to)
            implements FxStateTable.Row<FxIoTargetState, Event> {
    }

    public static final Transition[] TABLE = {
            new Transition(FxIoTargetState.CLOSED, Event.OPEN, FxIoTargetState.STARTED),
            new Transition(FxIoTargetState.STARTED, Event.START, FxIoTargetState.STARTED),
            new Transition(FxIoTargetState.STOPPED, Event.START, FxIoTargetState.STARTED),
            new Transition(FxIoTargetState.STARTED, Event.STOP, FxIoTargetState.STOPPED),
            // A second stop may change the action: a stop that left sent I/O pending, then one that cancels it.
            new Transition(FxIoTargetState.STOPPED, Event.STOP, FxIoTargetState.STOPPED),
            new Transition(FxIoTargetState.STARTED, Event.CLOSE, FxIoTargetState.CLOSED),
            new Transition(FxIoTargetState.STOPPED, Event.CLOSE, FxIoTargetState.CLOSED),
            new Transition(FxIoTargetState.CLOSED, Event.CLOSE, FxIoTargetState.CLOSED),
            new Transition(FxIoTargetState.STARTED, Event.REMOVE, FxIoTargetState.DELETED),
            new Transition(FxIoTargetState.STOPPED, Event.REMOVE, FxIoTargetState.DELETED),
            new Transition(FxIoTargetState.CLOSED, Event.REMOVE, FxIoTargetState.DELETED),
            // ST9: a query-remove of the target's device closes it, keeping what a reopen needs; a cancelled removal
            // reopens it, a completed one closes it.
            new Transition(FxIoTargetState.STARTED, Event.CLOSE_FOR_QUERY_REMOVE, FxIoTargetState.CLOSED_FOR_QUERY_REMOVE),
            new Transition(FxIoTargetState.STOPPED, Event.CLOSE_FOR_QUERY_REMOVE, FxIoTargetState.CLOSED_FOR_QUERY_REMOVE),
            new Transition(FxIoTargetState.CLOSED_FOR_QUERY_REMOVE, Event.CLOSE_FOR_QUERY_REMOVE,
                    FxIoTargetState.CLOSED_FOR_QUERY_REMOVE),
            new Transition(FxIoTargetState.CLOSED_FOR_QUERY_REMOVE, Event.OPEN, FxIoTargetState.STARTED),
            new Transition(FxIoTargetState.CLOSED_FOR_QUERY_REMOVE, Event.CLOSE, FxIoTargetState.CLOSED),
            new Transition(FxIoTargetState.CLOSED_FOR_QUERY_REMOVE, Event.REMOVE, FxIoTargetState.DELETED),
    };

    private static final FxStateTable<FxIoTargetState, Event> INDEX =
            new FxStateTable<>(FxIoTargetState.class, Event.class, TABLE);

    private FxIoTargetStateMachine() {
    }

    /** The state {@code event} leads to from {@code from}, or null when the pair is not expected. */
    public static FxIoTargetState next(FxIoTargetState from, Event event) {
        return INDEX.next(from, event);
    }

    /** The table as a map, for documentation and tests. */
    public static Map<FxIoTargetState, Map<Event, FxIoTargetState>> asMap() {
        return INDEX.asMap();
    }
}
