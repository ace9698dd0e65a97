package org.wdf4j.sync;

import org.wdf4j.NtResult;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.spi.WdfFunctions;

/**
 * {@code WDFSPINLOCK}: a framework spin lock. {@link #acquire()} raises the calling thread to
 * {@link org.wdf4j.Irql#DISPATCH_LEVEL} and {@link #release()} brings it back to the level it was at
 * before, so code that holds a spin lock runs at DISPATCH_LEVEL and must not block.
 *
 * <pre>{@code
 * lock.acquire();
 * try {
 *     // DISPATCH_LEVEL
 * } finally {
 *     lock.release();
 * }
 * }</pre>
 *
 * <p>A spin lock is not recursive: acquiring it again on the thread that holds it is a bug check
 * (WDF_RECURSIVE_LOCK), and releasing it on a thread that does not hold it is a bug check
 * (WDF_INVALID_LOCK_OPERATION). wdf4j checks both always, verifier or not, because either one would
 * otherwise hang or corrupt the driver.
 */
public interface WdfSpinLock extends WdfObject {

    /**
     * {@code WdfSpinLockCreate}. The parent is the driver object unless the attributes name one.
     * IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the lock, or STATUS_INSUFFICIENT_RESOURCES, STATUS_DELETE_PENDING (the parent is being deleted)
     */
    static NtResult<WdfSpinLock> create(WdfObjectAttributes attributes) {
        return WdfFunctions.get().spinLockCreate(attributes);
    }

    /** {@code WdfSpinLockAcquire}: takes the lock and raises the thread to DISPATCH_LEVEL. IRQL {@code <= DISPATCH_LEVEL}. */
    void acquire();

    /** {@code WdfSpinLockRelease}: gives the lock back and restores the level {@link #acquire()} found. IRQL = DISPATCH_LEVEL. */
    void release();
}
