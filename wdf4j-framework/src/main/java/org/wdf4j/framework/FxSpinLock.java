package org.wdf4j.framework;

import java.util.concurrent.locks.ReentrantLock;
import org.wdf4j.Irql;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.sync.WdfSpinLock;

/** {@code WDFSPINLOCK}: acquire raises to DISPATCH_LEVEL, release restores the level acquire found. */
final class FxSpinLock extends FxObject implements WdfSpinLock {

    private final ReentrantLock lock = new ReentrantLock();
    /** The holder; written by the holder only, under {@link #lock}. */
    private volatile Thread owner;
    private Irql previousIrql;

    FxSpinLock(FxDriverGlobals globals, FxObject parent, WdfObjectAttributes attributes) {
        super(globals, parent, attributes);
    }

    @Override
    public String objectType() {
        return "WDFSPINLOCK";
    }

    @Override
    public void acquire() {
        checkHandle("WdfSpinLockAcquire", Irql.DISPATCH_LEVEL);
        if (owner == Thread.currentThread()) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_RECURSIVE_LOCK, "WdfSpinLockAcquire: " + this
                    + " is already held by this thread (" + Thread.currentThread().getName() + "); spin locks are not recursive");
        }
        Irql previous = FxThreadState.raise(Irql.DISPATCH_LEVEL);
        lock.lock();
        owner = Thread.currentThread();
        previousIrql = previous;
    }

    @Override
    public void release() {
        checkValid("WdfSpinLockRelease");
        Thread holder = owner;
        if (holder != Thread.currentThread()) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_LOCK_OPERATION, "WdfSpinLockRelease: " + this
                    + (holder == null ? " is not held" : " is held by another thread (" + holder.getName() + ")")
                    + "; only the thread that acquired a spin lock may release it");
        }
        Irql previous = previousIrql;
        owner = null;
        previousIrql = null;
        lock.unlock();
        FxThreadState.lower(previous);
    }

    /** What {@code wdf4j inspect} shows of it: the thread that holds it, if any. */
    FxInspection.Lock inspect() {
        Thread holder = owner;
        return new FxInspection.Lock(handleName(), objectType(), holder == null ? null : holder.getName());
    }
}
