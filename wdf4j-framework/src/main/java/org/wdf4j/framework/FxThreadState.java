package org.wdf4j.framework;

import org.wdf4j.Irql;

/**
 * What the framework knows about the calling thread: its execution level (IRQL), and which driver
 * it is running a callback for.
 *
 * <p>Both live in a field of {@link FxThread} for framework threads and in a thread-local for every
 * other thread. The current driver is set for the duration of each call the framework makes into a
 * driver and put back as it was when the call returns or throws ({@link FxDriverGlobals#callDriver}),
 * so it can never leak from one call to the next. (A scoped value did the same at about 50 ns more per
 * call, each level of a device stack rebinding it: BENCHMARKS.md, issue #12's forwarding cost.)
 *
 * <p>Not thread-safe, by design: each instance is its thread's own.
 */
public final class FxThreadState {

    private static final ThreadLocal<FxThreadState> OTHER_THREADS = ThreadLocal.withInitial(FxThreadState::new);

    Irql irql = Irql.PASSIVE_LEVEL;
    /** The driver whose code the framework is running on this thread, or null; see {@link FxDriverGlobals#callDriver}. */
    FxDriverGlobals driver;
    /** How many framework callbacks (I/O, cancel, timer, work item) this thread is inside now. */
    int callbackDepth;
    /** The driver of the innermost framework callback this thread is inside, or null. */
    private FxDriverGlobals callbackDriver;
    /**
     * Queues that became able to present a request while this thread was inside a callback of their driver: they
     * present it once that callback returns, so that a driver's callback never runs nested inside another of the same
     * driver (and the stack does not grow with the number of requests completed inline). A queue of another driver
     * presents at once (a driver sending I/O to another waits for it, as with a lower driver in WDF).
     */
    private java.util.ArrayDeque<FxIoQueue> deferredDispatch;
    private boolean draining;

    /** Whether this thread is inside a callback of {@code driver}. */
    boolean inCallbackOf(FxDriverGlobals driver) {
        return callbackDepth > 0 && callbackDriver == driver;
    }

    void deferDispatch(FxIoQueue queue) {
        if (deferredDispatch == null) {
            deferredDispatch = new java.util.ArrayDeque<>();
        }
        if (deferredDispatch.peekLast() != queue) {
            deferredDispatch.addLast(queue);
        }
    }

    /** Enters a framework callback of {@code driver}; answers what {@link #leaveCallback} must restore. */
    FxDriverGlobals enterCallback(FxDriverGlobals driver) {
        FxDriverGlobals previous = callbackDriver;
        callbackDriver = driver;
        callbackDepth++;
        return previous;
    }

    /** Leaves a framework callback; the outermost one runs the dispatches deferred meanwhile (never nested twice). */
    void leaveCallback(FxDriverGlobals previous) {
        callbackDriver = previous;
        if (--callbackDepth == 0 && deferredDispatch != null && !draining) {
            draining = true;
            try {
                FxIoQueue q;
                while ((q = deferredDispatch.pollFirst()) != null) {
                    q.dispatch();
                }
            } finally {
                draining = false;
            }
        }
    }

    static FxThreadState current() {
        return Thread.currentThread() instanceof FxThread t ? t.state : OTHER_THREADS.get();
    }

    /** The calling thread's execution level. */
    public static Irql currentIrql() {
        return current().irql;
    }

    static Irql raise(Irql level) {
        FxThreadState state = current();
        Irql old = state.irql;
        if (level.value() < old.value()) {
            throw new IllegalStateException("KeRaiseIrql to " + level + " from " + old
                    + ": the new level must not be below the current one (IRQL_NOT_GREATER_OR_EQUAL)");
        }
        state.irql = level;
        return old;
    }

    static void lower(Irql previous) {
        FxThreadState state = current();
        if (previous.value() > state.irql.value()) {
            throw new IllegalStateException("KeLowerIrql to " + previous + " from " + state.irql
                    + ": the new level must not be above the current one (IRQL_NOT_LESS_OR_EQUAL)");
        }
        state.irql = previous;
    }

    /** The driver the framework is calling on this thread, or null. */
    static FxDriverGlobals currentDriver() {
        return current().driver;
    }
}
