package org.wdf4j.sync;

import java.time.Duration;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.spi.WdfFunctions;

/**
 * {@code WDFWAITLOCK}: a framework wait lock, a lock a thread may block on. Acquiring it does not
 * change the thread's IRQL. It is not recursive: acquiring it again on the thread that holds it is
 * a bug check (WDF_RECURSIVE_LOCK), and releasing it on a thread that does not hold it is a bug
 * check (WDF_INVALID_LOCK_OPERATION).
 */
public interface WdfWaitLock extends WdfObject {

    /**
     * {@code WdfWaitLockCreate}. The parent is the driver object unless the attributes name one.
     * IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the lock, or STATUS_INSUFFICIENT_RESOURCES, STATUS_DELETE_PENDING (the parent is being deleted)
     */
    static NtResult<WdfWaitLock> create(WdfObjectAttributes attributes) {
        return WdfFunctions.get().waitLockCreate(attributes);
    }

    /**
     * {@code WdfWaitLockAcquire}: waits for the lock for at most {@code timeout}.
     *
     * <p>IRQL: PASSIVE_LEVEL, except that {@link Duration#ZERO} (try once, never wait) may be used at
     * {@code <= DISPATCH_LEVEL}, as in WDF.
     *
     * @param timeout how long to wait, {@link Duration#ZERO} to try once, or null to wait for as long as it takes
     * @return STATUS_SUCCESS when the lock is now held, STATUS_TIMEOUT when it was not acquired in time
     */
    NtStatus acquire(Duration timeout);

    /** {@code WdfWaitLockAcquire} with no timeout: waits as long as it takes. IRQL = PASSIVE_LEVEL. */
    default void acquire() {
        acquire(null);
    }

    /** {@code WdfWaitLockRelease}. IRQL {@code <= DISPATCH_LEVEL}. */
    void release();
}
