package org.wdf4j.host;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A test hook for the store's crash-consistency test: with {@code -Dwdf4j.test.crashAfterStep=N} the thread that makes
 * the process's Nth durable step in the store (a file forced to disk, a rename, a directory forced; see
 * {@link AtomicFiles}) prints {@link #MARKER} on standard error and stops there for good, for the test to kill the
 * process with SIGKILL at that exact point. Without the property (always, outside that test) it does nothing.
 */
final class CrashPoints {

    static final String PROPERTY = "wdf4j.test.crashAfterStep";
    /** The line's start on standard error when the process stops at its crash point. */
    static final String MARKER = "wdf4j test hook: stopped at crash point ";

    private static final int CRASH_AFTER = Integer.getInteger(PROPERTY, 0);
    private static final AtomicInteger STEPS = new AtomicInteger();

    private CrashPoints() {
    }

    /** A durable step was made; stops the thread here for good when it is the one the test chose. */
    static void passed(String step) {
        if (CRASH_AFTER <= 0 || STEPS.incrementAndGet() != CRASH_AFTER) {
            return;
        }
        System.err.println(MARKER + CRASH_AFTER + " (after: " + step + "); waiting to be killed");
        System.err.flush();
        while (true) {
            LockSupport.park();
        }
    }
}
