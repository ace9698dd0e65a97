package org.wdf4j.framework;

import java.util.Map;

/**
 * The object deletion state machine as a table, in the manner of WDF's own state tables: every
 * legal (state, event) pair and the state it leads to. Any pair not listed is illegal; the object
 * code asks this table, so the table is the single statement of the rules and tests read it as
 * data.
 */
public final class FxObjectStateMachine {

    /** One row of the table. */
    public record Transition(FxObjectState from, FxObjectEvent event, FxObjectState to)
            implements FxStateTable.Row<FxObjectState, FxObjectEvent> {
    }

    /** The table. */
    public static final Transition[] TABLE = {
            new Transition(FxObjectState.CREATED, FxObjectEvent.DELETE, FxObjectState.DISPOSING),
            new Transition(FxObjectState.DISPOSING, FxObjectEvent.CLEANUP_DONE, FxObjectState.DISPOSED),
            new Transition(FxObjectState.DISPOSED, FxObjectEvent.LAST_RELEASE, FxObjectState.DESTROYING),
            new Transition(FxObjectState.DESTROYING, FxObjectEvent.DESTROY_DONE, FxObjectState.DESTROYED),
            new Transition(FxObjectState.DISPOSED, FxObjectEvent.ABANDON, FxObjectState.ABANDONED),
    };

    private static final FxStateTable<FxObjectState, FxObjectEvent> INDEX =
            new FxStateTable<>(FxObjectState.class, FxObjectEvent.class, TABLE);

    private FxObjectStateMachine() {
    }

    /** The state {@code event} leads to from {@code from}, or null when the pair is illegal. */
    public static FxObjectState next(FxObjectState from, FxObjectEvent event) {
        return INDEX.next(from, event);
    }

    /** The table as a map, for documentation and tests. */
    public static Map<FxObjectState, Map<FxObjectEvent, FxObjectState>> asMap() {
        return INDEX.asMap();
    }
}
