package org.wdf4j.framework;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.wdf4j.Irql;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.sync.WdfWaitLock;

/** {@code WDFWAITLOCK}: a lock a PASSIVE_LEVEL thread may block on, with an optional timeout; no IRQL change. */
final class FxWaitLock extends FxObject implements WdfWaitLock {

    private final Semaphore permit = new Semaphore(1);
    private volatile Thread owner;

    FxWaitLock(FxDriverGlobals globals, FxObject parent, WdfObjectAttributes attributes) {
        super(globals, parent, attributes);
    }

    @Override
    public String objectType() {
        return "WDFWAITLOCK";
    }

    @Override
    public NtStatus acquire(Duration timeout) {
        boolean tryOnly = timeout != null && !timeout.isPositive(); // a negative timeout tries once, like zero
        // WDF: a zero timeout (try once) may be used at DISPATCH_LEVEL; any wait needs PASSIVE_LEVEL.
        checkHandle("WdfWaitLockAcquire", tryOnly ? Irql.DISPATCH_LEVEL : Irql.PASSIVE_LEVEL);
        if (owner == Thread.currentThread()) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_RECURSIVE_LOCK, "WdfWaitLockAcquire: " + this
                    + " is already held by this thread (" + Thread.currentThread().getName() + "); wait locks are not recursive");
        }
        boolean acquired;
        if (timeout == null) {
            permit.acquireUninterruptibly();
            acquired = true;
        } else if (tryOnly) {
            acquired = permit.tryAcquire();
        } else {
            try {
                acquired = permit.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                acquired = false;
            }
        }
        if (!acquired) {
            return NtStatus.STATUS_TIMEOUT;
        }
        owner = Thread.currentThread();
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public void release() {
        checkHandle("WdfWaitLockRelease", Irql.DISPATCH_LEVEL);
        Thread holder = owner;
        if (holder != Thread.currentThread()) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_LOCK_OPERATION, "WdfWaitLockRelease: " + this
                    + (holder == null ? " is not held" : " is held by another thread (" + holder.getName() + ")")
                    + "; only the thread that acquired a wait lock may release it");
        }
        owner = null;
        permit.release();
    }

    /** What {@code wdf4j inspect} shows of it: the thread that holds it, if any. */
    FxInspection.Lock inspect() {
        Thread holder = owner;
        return new FxInspection.Lock(handleName(), objectType(), holder == null ? null : holder.getName());
    }
}
