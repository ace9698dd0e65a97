package org.wdf4j.framework;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bookkeeping shared by timers and work items: which threads are running the object's callback now,
 * the serialization lock taken around it, and the bounded wait for running callbacks to return.
 * Guarded by its own monitor.
 */
final class FxCallbacks {

    private final FxDriverGlobals globals;
    /** The parent's presentation lock with automatic serialization, else null. */
    private final ReentrantLock serialization;
    private final Set<Thread> running = new HashSet<>();

    FxCallbacks(FxDriverGlobals globals, ReentrantLock serialization) {
        this.globals = globals;
        this.serialization = serialization;
    }

    /**
     * The serialization lock for a timer or work item under {@code parent} (O7): with automatic serialization,
     * the lock of the queue or device that provides the parent's synchronization scope ({@link FxObject#scopeLock()});
     * else none.
     */
    static ReentrantLock serializationLock(FxObject parent, boolean automaticSerialization) {
        if (!automaticSerialization) {
            return null;
        }
        return parent.scopeLock();
    }

    /** With this monitor held by the caller: marks the calling thread as running the callback. */
    void enterLocked() {
        running.add(Thread.currentThread());
    }

    /** Runs the callback on the calling thread, already marked by {@link #enterLocked()}, under the serialization lock. */
    void run(String what, Runnable callback) {
        FxThreadState thread = FxThreadState.current();
        FxDriverGlobals outer = thread.enterCallback(globals);
        try {
            if (serialization != null) {
                serialization.lock();
            }
            try {
                globals.invokeFrameworkCallback(what, callback);
            } finally {
                if (serialization != null) {
                    serialization.unlock();
                }
            }
        } finally {
            synchronized (this) {
                running.remove(Thread.currentThread());
                notifyAll();
            }
            thread.leaveCallback(outer);
        }
    }

    /** Whether the calling thread is inside this object's callback. */
    synchronized boolean inCallback() {
        return running.contains(Thread.currentThread());
    }

    synchronized boolean anyRunning() {
        return !running.isEmpty();
    }

    /**
     * Waits until {@code idle} holds (checked under this monitor; callers notify it), bounded by the wait timeout;
     * a timeout is reported as HUNG. Gives up at once when the driver is abandoned (and then, on the passive
     * worker, ends the lifecycle step it is in).
     */
    void await(String what, java.util.function.BooleanSupplier idle) {
        long deadline = globals.innerWaitDeadline();
        boolean timedOut = false;
        synchronized (this) {
            while (!idle.getAsBoolean() && !globals.abandoned()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    timedOut = true;
                    break;
                }
                try {
                    wait(Math.max(1, Math.min(20, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        globals.throwIfAbandonedOnPassive();
        if (timedOut) {
            globals.reportWaitTimeout(what);
        }
    }
}
