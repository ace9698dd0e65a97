package org.wdf4j.framework;

import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;
import org.wdf4j.WdfBugCheckCode;

/**
 * A driver's retired request buffers while the verifier is on ({@link FxGuardedBuffers}): the last {@link #KEPT}, each
 * checked at every later retirement, when it leaves, and when the driver unloads ({@link #drain}); a buffer whose
 * pattern changed is reported as a verifier finding naming its request. A buffer that leaves is closed.
 *
 * <p>Thread-safe: the queue is guarded by {@link #lock} (a lock object, not this monitor, so that
 * {@link #checkLocked} can assert it under Lincheck too, whose monitors {@code Thread.holdsLock} does not see:
 * {@code RequestCancelRaceLincheckTest} runs with the verifier on).
 */
final class FxBufferQuarantine {

    /** How many retired requests are kept and checked. */
    static final int KEPT = 8;

    private final FxDriverGlobals globals;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private final ArrayDeque<FxGuardedBuffers> kept = new ArrayDeque<>();

    FxBufferQuarantine(FxDriverGlobals globals) {
        this.globals = globals;
    }

    /** Keeps {@code retired}; checks every kept buffer; the oldest beyond {@link #KEPT} leaves (checked, closed). */
    void admit(FxGuardedBuffers retired) {
        FxGuardedBuffers leaving = null;
        lock.lock();
        try {
            checkLocked();
            kept.addLast(retired);
            if (kept.size() > KEPT) {
                leaving = kept.removeFirst();
            }
        } finally {
            lock.unlock();
        }
        if (leaving != null) {
            leaving.close();
        }
    }

    /** Checks and closes every kept buffer (the driver unloads). */
    void drain() {
        lock.lock();
        try {
            checkLocked();
            kept.forEach(FxGuardedBuffers::close);
            kept.clear();
        } finally {
            lock.unlock();
        }
    }

    private void checkLocked() {
        assert lock.isHeldByCurrentThread();
        for (FxGuardedBuffers b : kept) {
            if (b.written()) {
                b.refill();
                globals.violation(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "request buffer after completion", null,
                        "the driver wrote into a buffer of " + b.request() + " after the request was completed; a "
                                + "request's buffers are the driver's only until it completes the request (without "
                                + "the verifier they are reused for later requests)", false);
            }
        }
    }
}
