package org.wdf4j.framework;

/**
 * The states of a loaded driver, and its transitions as a table ({@link #TABLE}).
 *
 * <pre>
 *  LOADED --ENTRY_CALLED--> IN_DRIVER_ENTRY --ENTRY_SUCCEEDED--> STARTED --STOP--> UNLOADING
 *                                |                                 |                 |
 *                          ENTRY_FAILED                      STOP_FAILED      UNLOAD_RETURNED
 *                                v                                 v                 v
 *                           TEARING_DOWN <-------------------------+-----------------+
 *                                |
 *                            TORN_DOWN --> UNLOADED
 *  any state but UNLOADED --HUNG--> ABANDONED (a callback did not return within the verifier wait timeout)
 * </pre>
 */
public enum FxDriverState {
    LOADED, IN_DRIVER_ENTRY, STARTED, UNLOADING, TEARING_DOWN, UNLOADED, ABANDONED;

    /** Driver lifecycle events. */
    public enum Event {
        ENTRY_CALLED, ENTRY_SUCCEEDED, ENTRY_FAILED,
        /** A normal stop: EvtDriverUnload, then the teardown. */
        STOP,
        /** A stop of a driver that failed (bug check): no EvtDriverUnload, only the teardown. */
        STOP_FAILED,
        UNLOAD_RETURNED, TORN_DOWN, HUNG
    }

    /** One row of the table. */
    public record Transition(FxDriverState from, Event event, FxDriverState to) {
    }

    public static final Transition[] TABLE = {
            new Transition(LOADED, Event.ENTRY_CALLED, IN_DRIVER_ENTRY),
            new Transition(IN_DRIVER_ENTRY, Event.ENTRY_SUCCEEDED, STARTED),
            new Transition(IN_DRIVER_ENTRY, Event.ENTRY_FAILED, TEARING_DOWN),
            new Transition(STARTED, Event.STOP, UNLOADING),
            new Transition(STARTED, Event.STOP_FAILED, TEARING_DOWN),
            new Transition(UNLOADING, Event.UNLOAD_RETURNED, TEARING_DOWN),
            new Transition(TEARING_DOWN, Event.TORN_DOWN, UNLOADED),
            new Transition(LOADED, Event.HUNG, ABANDONED),
            new Transition(IN_DRIVER_ENTRY, Event.HUNG, ABANDONED),
            new Transition(STARTED, Event.HUNG, ABANDONED),
            new Transition(UNLOADING, Event.HUNG, ABANDONED),
            new Transition(TEARING_DOWN, Event.HUNG, ABANDONED),
    };

    /** The state {@code event} leads to from this one, or null when the event is illegal here. */
    public FxDriverState next(Event event) {
        for (Transition t : TABLE) {
            if (t.from() == this && t.event() == event) {
                return t.to();
            }
        }
        return null;
    }
}
