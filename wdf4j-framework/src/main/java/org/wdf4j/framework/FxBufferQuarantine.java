package org.wdf4j.framework;

import java.util.ArrayDeque;
import org.wdf4j.WdfBugCheckCode;

/**
 * A driver's retired request buffers while the verifier is on ({@link FxGuardedBuffers}): the last {@link #KEPT}, each
 * checked at every later retirement, when it leaves, and when the driver unloads ({@link #drain}); a buffer whose
 * pattern changed is reported as a verifier finding naming its request. A buffer that leaves is closed.
 *
 * <p>Thread-safe: the queue is guarded by this.
 */
final class FxBufferQuarantine {

    /** How many retired requests are kept and checked. */
    static final int KEPT = 8;

    private final FxDriverGlobals globals;
    /** Guarded by this. */
    private final ArrayDeque<FxGuardedBuffers> kept = new ArrayDeque<>();

    FxBufferQuarantine(FxDriverGlobals globals) {
        this.globals = globals;
    }

    /** Keeps {@code retired}; checks every kept buffer; the oldest beyond {@link #KEPT} leaves (checked, closed). */
    void admit(FxGuardedBuffers retired) {
        FxGuardedBuffers leaving = null;
        synchronized (this) {
            check();
            kept.addLast(retired);
            if (kept.size() > KEPT) {
                leaving = kept.removeFirst();
            }
        }
        if (leaving != null) {
            leaving.close();
        }
    }

    /** Checks and closes every kept buffer (the driver unloads). */
    void drain() {
        synchronized (this) {
            check();
            kept.forEach(FxGuardedBuffers::close);
            kept.clear();
        }
    }

    private void check() {
        assert Thread.holdsLock(this);
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
