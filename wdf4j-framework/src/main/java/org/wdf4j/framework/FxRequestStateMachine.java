package org.wdf4j.framework;

import java.util.Map;
import org.wdf4j.framework.FxRequestState.Event;

/**
 * The request state machine as a table: every legal (state, event) pair and the state it leads to. Any pair not
 * listed is a driver error (for example COMPLETE from COMPLETED: a second completion). {@link FxRequest} asks this
 * table under the request's lock, so the table is the single statement of who may complete a request.
 *
 * <p>"Exactly once" is the shape of the table: COMPLETED is reachable only by COMPLETE, and nothing leaves it; a sent
 * request is never completable (SENT has no COMPLETE row) and comes back by LOWER_COMPLETE once per SEND.
 */
public final class FxRequestStateMachine {

    /** One row. */
    public record Transition(FxRequestState from, Event event, FxRequestState to)
            implements FxStateTable.Row<FxRequestState, Event> {
    }

    public static final Transition[] TABLE = {
            new Transition(FxRequestState.QUEUED, Event.PRESENT, FxRequestState.DRIVER),
            // The framework completes a queued request itself: cancelled, purged, no handler, device gone.
            new Transition(FxRequestState.QUEUED, Event.COMPLETE, FxRequestState.COMPLETED),
            new Transition(FxRequestState.DRIVER, Event.ENQUEUE, FxRequestState.QUEUED),
            new Transition(FxRequestState.DRIVER, Event.MARK_CANCELABLE, FxRequestState.CANCELABLE),
            new Transition(FxRequestState.DRIVER, Event.COMPLETE, FxRequestState.COMPLETED),
            new Transition(FxRequestState.DRIVER, Event.ABANDON, FxRequestState.ABANDONED),
            new Transition(FxRequestState.CANCELABLE, Event.UNMARK_CANCELABLE, FxRequestState.DRIVER),
            new Transition(FxRequestState.CANCELABLE, Event.CANCEL, FxRequestState.CANCEL_ROUTINE),
            // Completing a request still marked cancelable takes it out of reach of the cancel routine.
            new Transition(FxRequestState.CANCELABLE, Event.COMPLETE, FxRequestState.COMPLETED),
            new Transition(FxRequestState.CANCELABLE, Event.ABANDON, FxRequestState.ABANDONED),
            new Transition(FxRequestState.CANCEL_ROUTINE, Event.COMPLETE, FxRequestState.COMPLETED),
            new Transition(FxRequestState.CANCEL_ROUTINE, Event.ABANDON, FxRequestState.ABANDONED),
            // Sending (ST6, ST7): a sent request is the lower driver's until its completion comes back, once per send.
            new Transition(FxRequestState.DRIVER, Event.SEND, FxRequestState.SENT),
            new Transition(FxRequestState.SENT, Event.SEND_FAILED, FxRequestState.DRIVER),
            new Transition(FxRequestState.SENT, Event.LOWER_COMPLETE, FxRequestState.DRIVER),
            new Transition(FxRequestState.SENT, Event.ABANDON, FxRequestState.ABANDONED),
            new Transition(FxRequestState.DRIVER, Event.FORGET, FxRequestState.FORWARDED),
    };

    private static final FxStateTable<FxRequestState, Event> INDEX =
            new FxStateTable<>(FxRequestState.class, Event.class, TABLE);

    private FxRequestStateMachine() {
    }

    /** The state {@code event} leads to from {@code from}, or null when the pair is illegal. */
    public static FxRequestState next(FxRequestState from, Event event) {
        return INDEX.next(from, event);
    }

    /** The table as a map, for documentation and tests. */
    public static Map<FxRequestState, Map<Event, FxRequestState>> asMap() {
        return INDEX.asMap();
    }
}
