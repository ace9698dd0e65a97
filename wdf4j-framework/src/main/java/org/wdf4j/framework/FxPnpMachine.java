package org.wdf4j.framework;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The PnP and power state machine of a PnP device as a table, in the manner of WDF's FxPkgPnp tables: for each
 * (state, event) pair, the steps the framework takes in order (each step a driver callback or a framework action),
 * the state it ends in, and, for the steps that can fail, what is undone and the state a failure ends in. Any pair
 * not listed leaves the device as it is (for example SLEEP for a device that never started).
 *
 * <p>The orders are those of WDF's "PnP and Power Management Scenarios" (and what FxPkgPnp does where the pages are
 * silent, e.g. ReleaseHardware before SelfManagedIoFlush on removal, and ReleaseHardware after a failed
 * PrepareHardware). The power side is {@link Power}: the device power state each step moves the device to.
 */
public final class FxPnpMachine {

    /** PnP states of a device (the device node's view). */
    public enum State {
        /** Created by EvtDriverDeviceAdd, not started. */
        ADDED,
        /** Started and in D0. */
        STARTED,
        /** Started and in D3: the system sleeps. */
        SUSPENDED,
        /** A start or resume failed; the hardware is released; waiting for the PnP manager to remove it. */
        FAILED,
        /** Gone without warning; I/O stopped and flushed; waiting for the remove. */
        SURPRISE_REMOVED,
        /** Removed: the device object is deleted. Final. */
        REMOVED
    }

    /** What the PnP manager (or the system's power) asks of a device. */
    public enum Event {
        START, REMOVE, SURPRISE_REMOVE, SLEEP, WAKE
    }

    /** Device power states as the steps move them (WDF's power state machine, reduced to what the steps need). */
    public enum Power {
        D0, D3, D3_FINAL
    }

    /** One thing the framework does in a transition. */
    public enum Step {
        PREPARE_HARDWARE(true),
        D0_ENTRY_FROM_D3_FINAL(true),
        D0_ENTRY_FROM_D3(true),
        QUEUES_POWER_UP(false),
        SELF_MANAGED_IO_INIT(true),
        SELF_MANAGED_IO_RESTART(true),
        ENABLE_INTERFACES(false),
        SURPRISE_REMOVAL(false),
        DISABLE_INTERFACES(false),
        /**
         * The device's I/O targets (its default target, its remote targets) cancel the requests they delivered and
         * wait for them, bounded, then are deleted (ST5, ST10): what the driver sent down comes back before its
         * queues are powered down and purged.
         */
        CLOSE_IO_TARGETS(false),
        QUEUES_POWER_DOWN(false),
        SELF_MANAGED_IO_SUSPEND(false),
        D0_EXIT_TO_D3(false),
        D0_EXIT_TO_D3_FINAL(false),
        RELEASE_HARDWARE(false),
        PURGE_QUEUES(false),
        SELF_MANAGED_IO_FLUSH(false),
        SELF_MANAGED_IO_CLEANUP(false),
        DELETE_DEVICE(false);

        /** Whether a failure of this step fails the transition (the others are reported and the transition goes on). */
        public final boolean canFail;

        Step(boolean canFail) {
            this.canFail = canFail;
        }
    }

    /**
     * One row.
     *
     * @param onFailure for each step that can fail in this row: the steps that undo what was done before it
     * @param failedTo the state a failed transition ends in
     */
    public record Transition(State from, Event event, State to, List<Step> steps, Map<Step, List<Step>> onFailure,
                             State failedTo) {
    }

    private static final List<Step> POWER_DOWN_FINAL = List.of(Step.QUEUES_POWER_DOWN, Step.SELF_MANAGED_IO_SUSPEND,
            Step.D0_EXIT_TO_D3_FINAL);
    private static final List<Step> RELEASE_AND_FLUSH = List.of(Step.RELEASE_HARDWARE, Step.PURGE_QUEUES,
            Step.SELF_MANAGED_IO_FLUSH);

    public static final List<Transition> TABLE = List.of(
            new Transition(State.ADDED, Event.START, State.STARTED,
                    List.of(Step.PREPARE_HARDWARE, Step.D0_ENTRY_FROM_D3_FINAL, Step.QUEUES_POWER_UP,
                            Step.SELF_MANAGED_IO_INIT, Step.ENABLE_INTERFACES),
                    Map.of(Step.PREPARE_HARDWARE, List.of(Step.RELEASE_HARDWARE),
                            Step.D0_ENTRY_FROM_D3_FINAL, List.of(Step.RELEASE_HARDWARE),
                            Step.SELF_MANAGED_IO_INIT, List.of(Step.QUEUES_POWER_DOWN, Step.D0_EXIT_TO_D3_FINAL,
                                    Step.RELEASE_HARDWARE)),
                    State.FAILED),
            new Transition(State.ADDED, Event.REMOVE, State.REMOVED,
                    List.of(Step.CLOSE_IO_TARGETS, Step.PURGE_QUEUES, Step.DELETE_DEVICE), Map.of(), null),
            new Transition(State.ADDED, Event.SURPRISE_REMOVE, State.SURPRISE_REMOVED,
                    List.of(Step.CLOSE_IO_TARGETS, Step.PURGE_QUEUES), Map.of(), null),
            new Transition(State.STARTED, Event.REMOVE, State.REMOVED,
                    concat(List.of(Step.DISABLE_INTERFACES, Step.CLOSE_IO_TARGETS), POWER_DOWN_FINAL, RELEASE_AND_FLUSH,
                            List.of(Step.SELF_MANAGED_IO_CLEANUP, Step.DELETE_DEVICE)), Map.of(), null),
            new Transition(State.STARTED, Event.SURPRISE_REMOVE, State.SURPRISE_REMOVED,
                    concat(List.of(Step.SURPRISE_REMOVAL, Step.DISABLE_INTERFACES, Step.CLOSE_IO_TARGETS),
                            POWER_DOWN_FINAL, RELEASE_AND_FLUSH),
                    Map.of(), null),
            new Transition(State.STARTED, Event.SLEEP, State.SUSPENDED,
                    List.of(Step.QUEUES_POWER_DOWN, Step.SELF_MANAGED_IO_SUSPEND, Step.D0_EXIT_TO_D3), Map.of(), null),
            new Transition(State.SUSPENDED, Event.WAKE, State.STARTED,
                    List.of(Step.D0_ENTRY_FROM_D3, Step.QUEUES_POWER_UP, Step.SELF_MANAGED_IO_RESTART),
                    Map.of(Step.D0_ENTRY_FROM_D3, concat(List.of(Step.DISABLE_INTERFACES), RELEASE_AND_FLUSH),
                            Step.SELF_MANAGED_IO_RESTART, concat(List.of(Step.DISABLE_INTERFACES), POWER_DOWN_FINAL,
                                    RELEASE_AND_FLUSH)),
                    State.FAILED),
            new Transition(State.SUSPENDED, Event.REMOVE, State.REMOVED,
                    concat(List.of(Step.DISABLE_INTERFACES, Step.CLOSE_IO_TARGETS), RELEASE_AND_FLUSH,
                            List.of(Step.SELF_MANAGED_IO_CLEANUP, Step.DELETE_DEVICE)), Map.of(), null),
            new Transition(State.SUSPENDED, Event.SURPRISE_REMOVE, State.SURPRISE_REMOVED,
                    concat(List.of(Step.SURPRISE_REMOVAL, Step.DISABLE_INTERFACES, Step.CLOSE_IO_TARGETS),
                            RELEASE_AND_FLUSH), Map.of(), null),
            new Transition(State.FAILED, Event.REMOVE, State.REMOVED,
                    List.of(Step.CLOSE_IO_TARGETS, Step.PURGE_QUEUES, Step.SELF_MANAGED_IO_FLUSH, Step.SELF_MANAGED_IO_CLEANUP,
                            Step.DELETE_DEVICE), Map.of(), null),
            new Transition(State.FAILED, Event.SURPRISE_REMOVE, State.SURPRISE_REMOVED,
                    List.of(Step.SURPRISE_REMOVAL, Step.CLOSE_IO_TARGETS, Step.PURGE_QUEUES, Step.SELF_MANAGED_IO_FLUSH), Map.of(), null),
            new Transition(State.SURPRISE_REMOVED, Event.REMOVE, State.REMOVED,
                    List.of(Step.SELF_MANAGED_IO_CLEANUP, Step.DELETE_DEVICE), Map.of(), null));

    private static final Map<State, Map<Event, Transition>> INDEX = new EnumMap<>(State.class);

    static {
        for (Transition t : TABLE) {
            if (INDEX.computeIfAbsent(t.from(), k -> new EnumMap<>(Event.class)).put(t.event(), t) != null) {
                throw new ExceptionInInitializerError("two rows for " + t.from() + " + " + t.event());
            }
        }
    }

    private FxPnpMachine() {
    }

    /** The row for ({@code from}, {@code event}), or null when the event does not apply in that state. */
    public static Transition transition(State from, Event event) {
        Map<Event, Transition> row = INDEX.get(from);
        return row == null ? null : row.get(event);
    }

    /** The device power state after {@code step}, or null when the step does not change it. */
    public static Power powerAfter(Step step) {
        return switch (step) {
            case D0_ENTRY_FROM_D3_FINAL, D0_ENTRY_FROM_D3 -> Power.D0;
            case D0_EXIT_TO_D3 -> Power.D3;
            case D0_EXIT_TO_D3_FINAL, RELEASE_HARDWARE -> Power.D3_FINAL;
            default -> null;
        };
    }

    @SafeVarargs
    private static List<Step> concat(List<Step>... parts) {
        List<Step> all = new ArrayList<>();
        for (List<Step> p : parts) {
            all.addAll(p);
        }
        return List.copyOf(all);
    }
}
