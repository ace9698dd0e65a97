package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wdf4j.framework.FxObjectEvent.ABANDON;
import static org.wdf4j.framework.FxObjectEvent.CLEANUP_DONE;
import static org.wdf4j.framework.FxObjectEvent.DELETE;
import static org.wdf4j.framework.FxObjectEvent.DESTROY_DONE;
import static org.wdf4j.framework.FxObjectEvent.LAST_RELEASE;
import static org.wdf4j.framework.FxObjectState.ABANDONED;
import static org.wdf4j.framework.FxObjectState.CREATED;
import static org.wdf4j.framework.FxObjectState.DESTROYED;
import static org.wdf4j.framework.FxObjectState.DESTROYING;
import static org.wdf4j.framework.FxObjectState.DISPOSED;
import static org.wdf4j.framework.FxObjectState.DISPOSING;
import static org.wdf4j.fxtest.TestDrivers.create;
import static org.wdf4j.fxtest.TestDrivers.driver;
import static org.wdf4j.fxtest.TestDrivers.fx;

import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxObject;
import org.wdf4j.framework.FxObjectEvent;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.FxObjectStateMachine;
import org.wdf4j.framework.FxObjectStateMachine.Transition;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/** The object deletion state machine (O2, O3, O4): the table as data, and the object code following it. */
class ObjectStateMachineTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    // O2, O3, O4: the deletion state machine (delete, cleanup, last release, destroy; abandon for a leak) as a table.
    @Test
    void tableHasExactlyTheDocumentedTransitions() {
        assertThat(FxObjectStateMachine.TABLE).containsExactlyInAnyOrder(
                new Transition(CREATED, DELETE, DISPOSING),
                new Transition(DISPOSING, CLEANUP_DONE, DISPOSED),
                new Transition(DISPOSED, LAST_RELEASE, DESTROYING),
                new Transition(DESTROYING, DESTROY_DONE, DESTROYED),
                new Transition(DISPOSED, ABANDON, ABANDONED));
    }

    @Test
    void everyTableRowIsWhatNextAnswersAndEveryOtherPairIsIllegal() {
        Set<String> legal = new HashSet<>();
        for (Transition t : FxObjectStateMachine.TABLE) {
            assertThat(legal.add(t.from() + "/" + t.event())).as("one row per (state, event): %s", t).isTrue();
            assertThat(FxObjectStateMachine.next(t.from(), t.event())).as("%s", t).isEqualTo(t.to());
        }
        int illegal = 0;
        for (FxObjectState from : FxObjectState.values()) {
            for (FxObjectEvent event : FxObjectEvent.values()) {
                if (!legal.contains(from + "/" + event)) {
                    assertThat(FxObjectStateMachine.next(from, event)).as("%s --%s-->", from, event).isNull();
                    illegal++;
                }
            }
        }
        assertThat(illegal).isEqualTo(FxObjectState.values().length * FxObjectEvent.values().length
                - FxObjectStateMachine.TABLE.length);
    }

    @Test
    void asMapIsTheTable() {
        Map<FxObjectState, Map<FxObjectEvent, FxObjectState>> map = FxObjectStateMachine.asMap();
        int rows = 0;
        for (Map.Entry<FxObjectState, Map<FxObjectEvent, FxObjectState>> from : map.entrySet()) {
            for (Map.Entry<FxObjectEvent, FxObjectState> e : from.getValue().entrySet()) {
                assertThat(FxObjectStateMachine.TABLE).contains(new Transition(from.getKey(), e.getKey(), e.getValue()));
                rows++;
            }
        }
        assertThat(rows).isEqualTo(FxObjectStateMachine.TABLE.length);
    }

    // O4: DESTROYED and ABANDONED are final: nothing leads out of them, so a destroyed handle never comes back.
    @Test
    void o4_destroyedAndAbandonedAreFinalAndEveryStateIsReachableFromCreated() {
        for (FxObjectEvent event : FxObjectEvent.values()) {
            assertThat(FxObjectStateMachine.next(DESTROYED, event)).isNull();
            assertThat(FxObjectStateMachine.next(ABANDONED, event)).isNull();
        }
        Set<FxObjectState> reached = EnumSet.of(CREATED);
        ArrayDeque<FxObjectState> todo = new ArrayDeque<>(List.of(CREATED));
        while (!todo.isEmpty()) {
            FxObjectState s = todo.pop();
            for (FxObjectEvent event : FxObjectEvent.values()) {
                FxObjectState next = FxObjectStateMachine.next(s, event);
                if (next != null && reached.add(next)) {
                    todo.push(next);
                }
            }
        }
        assertThat(reached).containsExactlyInAnyOrder(FxObjectState.values());
        // Only DELETE leaves CREATED: nothing but a deletion starts the end of an object (O2).
        for (FxObjectEvent event : FxObjectEvent.values()) {
            assertThat(FxObjectStateMachine.next(CREATED, event) != null).as("%s", event).isEqualTo(event == DELETE);
        }
    }

    // O2, O3: the states an object goes through, as observed from outside and from its own callbacks, follow the
    // table: CREATED, DISPOSING (cleanup runs at once although it is referenced), DISPOSED (waiting for its
    // references), DESTROYING (destroy callback, after the last dereference), DESTROYED.
    @Test
    void o2_o3_objectPassesThroughTheTableStatesInOrder() {
        FxDriverGlobals globals = drivers.start("sm", VerifierSettings.OFF);
        List<FxObjectState> seen = new CopyOnWriteArrayList<>();
        WdfObject object = create(driver(globals), WdfObjectAttributes.NONE
                .withCleanup(o -> seen.add(fx(o).state()))
                .withDestroy(o -> seen.add(fx(o).state())));
        FxObject fx = fx(object);
        seen.add(fx.state());
        object.reference("held");
        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        seen.add(fx.state());
        assertThat(object.delete()).as("DELETE is illegal in DISPOSED").isEqualTo(NtStatus.STATUS_DELETE_PENDING);
        assertThat(fx.state()).isEqualTo(DISPOSED);
        object.dereference("held");
        seen.add(fx.state());

        assertThat(seen).containsExactly(CREATED, DISPOSING, DISPOSED, DESTROYING, DESTROYED);
        assertFollowsTable(seen);
    }

    // O3, V2: an object still referenced when its driver unloads leaves the machine through ABANDON, never through
    // LAST_RELEASE: its destroy callback never runs.
    @Test
    void o3_leakedObjectIsAbandonedFromDisposed() {
        FxDriverGlobals globals = drivers.start("sm-leak", VerifierSettings.OFF);
        List<FxObjectState> seen = new CopyOnWriteArrayList<>();
        WdfObject object = create(driver(globals), WdfObjectAttributes.NONE
                .withCleanup(o -> seen.add(fx(o).state()))
                .withDestroy(o -> seen.add(fx(o).state())));
        seen.add(fx(object).state());
        object.reference("leaked");
        globals.stop();
        seen.add(fx(object).state());
        assertThat(seen).containsExactly(CREATED, DISPOSING, ABANDONED);
        assertThat(FxObjectStateMachine.next(DISPOSING, CLEANUP_DONE)).isEqualTo(DISPOSED);
        assertThat(FxObjectStateMachine.next(DISPOSED, ABANDON)).isEqualTo(ABANDONED);
    }

    private static void assertFollowsTable(List<FxObjectState> seen) {
        for (int i = 1; i < seen.size(); i++) {
            FxObjectState from = seen.get(i - 1);
            FxObjectState to = seen.get(i);
            boolean row = false;
            for (Transition t : FxObjectStateMachine.TABLE) {
                row |= t.from() == from && t.to() == to;
            }
            assertThat(row).as("%s -> %s is a row of the table", from, to).isTrue();
        }
    }
}
