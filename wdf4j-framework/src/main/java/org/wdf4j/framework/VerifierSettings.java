package org.wdf4j.framework;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A driver's verifier settings (KMDF's {@code VerifierOn}, {@code DbgBreakOnError},
 * {@code TrackHandles}, {@code VerifierAllocateFailCount}, {@code ObjectLeakDetectionLimit},
 * {@code DbgWaitForSignalTimeoutInSec}), given per driver by the host.
 *
 * @param enabled the verifier checks the driver's calls (IRQL, parameters) and records where each
 *     object was created and which references it holds, for the leak report
 * @param breakOnError a violation stops the driver (a bug check) instead of only being reported;
 *     only meaningful with {@code enabled}
 * @param trackHandles object types (e.g. {@code WDFOBJECT}, {@code WDFDRIVER}, or {@code *} for
 *     all) whose last {@code referenceHistory} reference events are recorded with their stacks
 * @param referenceHistory how many reference events handle tracking keeps per object
 * @param allocateFail fault injection for framework object creation, or {@link AllocateFail#NONE}
 * @param objectLeakLimit the most framework objects the driver may have alive at once (0: no
 *     limit); creating one more is a violation
 * @param waitTimeout how long the framework waits for a driver callback or for its own work at
 *     unload before it reports the driver hung and abandons it (default 60 s)
 * @param interleavingDelays seeded random delays at the framework's interleaving points, or
 *     {@link InterleavingDelays#OFF} (the default)
 */
public record VerifierSettings(
        boolean enabled,
        boolean breakOnError,
        Set<String> trackHandles,
        int referenceHistory,
        AllocateFail allocateFail,
        int objectLeakLimit,
        Duration waitTimeout,
        InterleavingDelays interleavingDelays) {

    /** The default wait timeout, 60 seconds as in WDF. */
    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(60);

    /** The verifier off: no checks beyond those WDF always makes. */
    public static final VerifierSettings OFF =
            new VerifierSettings(false, false, Set.of(), 16, AllocateFail.NONE, 0, DEFAULT_WAIT_TIMEOUT);

    /** Settings without interleaving delays. */
    public VerifierSettings(boolean enabled, boolean breakOnError, Set<String> trackHandles, int referenceHistory,
                            AllocateFail allocateFail, int objectLeakLimit, Duration waitTimeout) {
        this(enabled, breakOnError, trackHandles, referenceHistory, allocateFail, objectLeakLimit, waitTimeout,
                InterleavingDelays.OFF);
    }

    public VerifierSettings {
        Objects.requireNonNull(interleavingDelays, "interleavingDelays");
        trackHandles = Set.copyOf(Objects.requireNonNull(trackHandles, "trackHandles"));
        Objects.requireNonNull(allocateFail, "allocateFail");
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        if (referenceHistory < 1) {
            throw new IllegalArgumentException("referenceHistory must be at least 1, was " + referenceHistory);
        }
        if (objectLeakLimit < 0) {
            throw new IllegalArgumentException("objectLeakLimit must be 0 (no limit) or more, was " + objectLeakLimit);
        }
        if (waitTimeout.isNegative() || waitTimeout.isZero()) {
            throw new IllegalArgumentException("waitTimeout must be positive, was " + waitTimeout);
        }
    }

    /** The verifier on, breaking on errors, as WDF's verifier does with a debugger attached. */
    public static VerifierSettings on() {
        return new VerifierSettings(true, true, Set.of(), 16, AllocateFail.NONE, 0, DEFAULT_WAIT_TIMEOUT);
    }

    public VerifierSettings withBreakOnError(boolean value) {
        return new VerifierSettings(enabled, value, trackHandles, referenceHistory, allocateFail, objectLeakLimit, waitTimeout,
                interleavingDelays);
    }

    public VerifierSettings withTrackHandles(String... types) {
        return new VerifierSettings(enabled, breakOnError, Set.of(types), referenceHistory, allocateFail, objectLeakLimit, waitTimeout,
                interleavingDelays);
    }

    public VerifierSettings withAllocateFail(AllocateFail value) {
        return new VerifierSettings(enabled, breakOnError, trackHandles, referenceHistory, value, objectLeakLimit, waitTimeout,
                interleavingDelays);
    }

    public VerifierSettings withObjectLeakLimit(int value) {
        return new VerifierSettings(enabled, breakOnError, trackHandles, referenceHistory, allocateFail, value, waitTimeout,
                interleavingDelays);
    }

    public VerifierSettings withWaitTimeout(Duration value) {
        return new VerifierSettings(enabled, breakOnError, trackHandles, referenceHistory, allocateFail, objectLeakLimit, value,
                interleavingDelays);
    }

    public VerifierSettings withInterleavingDelays(InterleavingDelays value) {
        return new VerifierSettings(enabled, breakOnError, trackHandles, referenceHistory, allocateFail, objectLeakLimit,
                waitTimeout, value);
    }

    /** True when handle tracking records reference events for objects of this type. */
    public boolean tracks(String objectType) {
        return enabled && (trackHandles.contains("*") || trackHandles.contains(objectType));
    }

    /**
     * Fault injection for framework object creation ({@code VerifierAllocateFailCount}). Creation
     * calls are counted per driver from 1, the driver object's included; a failed creation answers
     * STATUS_INSUFFICIENT_RESOURCES. Works whether or not the rest of the verifier is on.
     *
     * @param count the count N
     * @param onlyNth false: calls 1..N succeed and every later one fails; true: only call N fails
     */
    public record AllocateFail(int count, boolean onlyNth) {
        public static final AllocateFail NONE = new AllocateFail(-1, false);

        public AllocateFail {
            if (count < -1 || (count == -1 && onlyNth) || (onlyNth && count == 0)) {
                throw new IllegalArgumentException("allocate-fail count must be >= 0 (>= 1 with onlyNth), was " + count);
            }
        }

        /** The first {@code n} creations succeed, every later one fails. */
        public static AllocateFail after(int n) {
            return new AllocateFail(n, false);
        }

        /** Only creation number {@code n} (1-based) fails. */
        public static AllocateFail only(int n) {
            return new AllocateFail(n, true);
        }

        /** Whether creation call {@code call} (1-based) fails. */
        public boolean fails(long call) {
            if (count < 0) {
                return false;
            }
            return onlyNth ? call == count : call > count;
        }
    }

    /**
     * Seeded random delays at the framework's interleaving points (a queue presenting a request, a request's
     * completion, a cancel, a cancel routine, a completion routine, a PnP or power callback, a timer or work item
     * callback), the way Fuchsia's driver tests fuzz shutdown: at each point, with probability {@code percent}%, the
     * framework parks the thread for a random time up to {@code maxDelay}. The draws come from one
     * {@code java.util.random} generator seeded with {@code seed}, so a seed replays the same delays in the same
     * order of points (which thread reaches a point first still depends on the scheduler). Off by default, and then
     * free: the framework makes no draw.
     *
     * @param seed the generator's seed
     * @param maxDelay the longest delay; zero with {@link #OFF}
     * @param percent how often a point is delayed, 0 (never: off) to 100
     */
    public record InterleavingDelays(long seed, Duration maxDelay, int percent) {
        public static final InterleavingDelays OFF = new InterleavingDelays(0, Duration.ZERO, 0);

        public InterleavingDelays {
            Objects.requireNonNull(maxDelay, "maxDelay");
            if (maxDelay.isNegative() || percent < 0 || percent > 100) {
                throw new IllegalArgumentException("interleaving delays need maxDelay >= 0 and percent in 0..100, were "
                        + maxDelay + " and " + percent);
            }
        }

        /** Delays of up to 2 ms at a third of the points, drawn from {@code seed}. */
        public static InterleavingDelays seeded(long seed) {
            return new InterleavingDelays(seed, Duration.ofMillis(2), 33);
        }

        public boolean on() {
            return percent > 0 && !maxDelay.isZero();
        }
    }
}
