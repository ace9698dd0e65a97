package org.wdf4j.framework;

import java.util.EnumMap;
import java.util.Map;

/**
 * A state machine given as rows (from, event, to), indexed for an O(1) lookup: what {@link FxObjectStateMachine} and
 * {@link FxRequestStateMachine} are built on. Pairs without a row are illegal ({@link #next} answers null).
 */
final class FxStateTable<S extends Enum<S>, E extends Enum<E>> {

    /** One row, as each machine's own {@code Transition} record gives it. */
    interface Row<S, E> {
        S from();

        E event();

        S to();
    }

    private final Class<S> states;
    private final Class<E> events;
    private final Row<S, E>[] rows;
    private final Object[][] next;

    FxStateTable(Class<S> states, Class<E> events, Row<S, E>[] rows) {
        this.states = states;
        this.events = events;
        this.rows = rows.clone();
        this.next = new Object[states.getEnumConstants().length][events.getEnumConstants().length];
        for (Row<S, E> r : rows) {
            if (next[r.from().ordinal()][r.event().ordinal()] != null) {
                throw new IllegalArgumentException("two rows for " + r.from() + " + " + r.event());
            }
            next[r.from().ordinal()][r.event().ordinal()] = r.to();
        }
    }

    /** The state {@code event} leads to from {@code from}, or null when the pair is illegal. */
    S next(S from, E event) {
        return states.cast(next[from.ordinal()][event.ordinal()]);
    }

    /** The table as a map, for documentation and tests. */
    Map<S, Map<E, S>> asMap() {
        Map<S, Map<E, S>> map = new EnumMap<>(states);
        for (Row<S, E> r : rows) {
            map.computeIfAbsent(r.from(), k -> new EnumMap<>(events)).put(r.event(), r.to());
        }
        return map;
    }
}
