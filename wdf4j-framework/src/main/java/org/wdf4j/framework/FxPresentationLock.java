package org.wdf4j.framework;

import java.util.concurrent.locks.ReentrantLock;
import org.wdf4j.Irql;

/**
 * The lock of a device or queue that serializes the callbacks under its synchronization scope (O7), also taken by the
 * driver with {@code WdfObjectAcquireLock}; it remembers the level that call raised from, for the release.
 */
final class FxPresentationLock extends ReentrantLock {

    /** The caller's level before {@code WdfObjectAcquireLock}; written and read only by the thread holding the lock. */
    Irql acquiredFrom = Irql.PASSIVE_LEVEL;
}
