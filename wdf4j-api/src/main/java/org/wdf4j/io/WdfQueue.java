package org.wdf4j.io;

import org.wdf4j.NtResult;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.spi.WdfFunctions;

/**
 * {@code WDFQUEUE}: an I/O queue of a device. Requests wait in it and are presented to the driver as its dispatch
 * type says; a power-managed queue presents only while the device is in D0.
 *
 * <p>A queue is a child of its device (or of the object its attributes name, which must be the device or a
 * descendant of it). The default queue, and queues configured as the target of a request type, cannot be deleted by
 * the driver (STATUS_CANNOT_DELETE); they go with the device.
 */
public interface WdfQueue extends WdfObject {

    /**
     * {@code WdfIoQueueCreate}. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the queue; STATUS_INVALID_PARAMETER for a MANUAL queue with handlers, a SEQUENTIAL or MANUAL queue with
     *     a presented-requests limit, or a second default queue; STATUS_INVALID_DEVICE_REQUEST for a power-managed
     *     queue on a control device; STATUS_INSUFFICIENT_RESOURCES; STATUS_DELETE_PENDING
     */
    static NtResult<WdfQueue> create(WdfDevice device, WdfIoQueueConfig config, WdfObjectAttributes attributes) {
        return WdfFunctions.get().ioQueueCreate(device, config, attributes);
    }

    /** {@code WdfIoQueueGetDevice}. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfDevice device();

    /** {@code WdfIoQueueGetState}: a snapshot. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfIoQueueState queueState();

    /**
     * {@code WdfIoQueueStart}: the queue accepts and presents requests again (after a stop, drain or purge).
     * IRQL {@code <= DISPATCH_LEVEL}.
     */
    void start();

    /**
     * {@code WdfIoQueueStop}: the queue stops presenting requests (it still accepts them); {@code stopComplete},
     * when given, is called once every request presented to the driver has been completed or acknowledged.
     * IRQL {@code <= DISPATCH_LEVEL}.
     */
    void stop(EvtIoQueueState stopComplete);

    /** {@code WdfIoQueueStopSynchronously}: {@link #stop} and wait for it. IRQL PASSIVE_LEVEL. */
    void stopSynchronously();

    /**
     * {@code WdfIoQueueDrain}: the queue accepts no new requests (they fail with STATUS_INVALID_DEVICE_STATE) and
     * presents those it holds; {@code drainComplete} is called when none is left, queued or with the driver.
     * IRQL {@code <= DISPATCH_LEVEL}.
     */
    void drain(EvtIoQueueState drainComplete);

    /** {@code WdfIoQueueDrainSynchronously}. IRQL PASSIVE_LEVEL. */
    void drainSynchronously();

    /**
     * {@code WdfIoQueuePurge}: the queue accepts no new requests, cancels those it holds (STATUS_CANCELLED, or
     * {@link EvtIoCanceledOnQueue} for requests the driver had put there), cancels those with the driver that are
     * marked cancelable, and calls {@code purgeComplete} when none is left. IRQL {@code <= DISPATCH_LEVEL}.
     */
    void purge(EvtIoQueueState purgeComplete);

    /** {@code WdfIoQueuePurgeSynchronously}. IRQL PASSIVE_LEVEL. */
    void purgeSynchronously();

    /**
     * {@code WdfIoQueueRetrieveNextRequest}: takes the next request from a MANUAL queue (or any queue that is not
     * dispatching); the driver owns it then. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the request; STATUS_NO_MORE_ENTRIES when none waits; STATUS_WDF_PAUSED when a power-managed queue's
     *     device is not in D0; STATUS_INVALID_DEVICE_REQUEST for a queue that presents its requests itself
     */
    NtResult<WdfRequest> retrieveNextRequest();

    /**
     * {@code WdfIoQueueReadyNotify}: for a MANUAL queue, {@code callback} is called each time the queue goes from
     * empty to holding a request; null stops the notifications. IRQL {@code <= DISPATCH_LEVEL}.
     */
    void readyNotify(EvtIoQueueState callback);

    /**
     * {@code WdfObjectAcquireLock}: takes the lock under which the framework serializes this queue's callbacks (its
     * synchronization scope), to touch state those callbacks share from other code (a work item, a thread). A
     * DISPATCH-level queue's lock is taken at DISPATCH_LEVEL, as WDF's spin lock: the calling thread's level is raised
     * until {@link #releaseLock()}. Taking it again on the same thread (for example from one of the callbacks it
     * serializes) is a bug check (WDF_RECURSIVE_LOCK), as is releasing it without holding it. IRQL
     * {@code <= DISPATCH_LEVEL} (PASSIVE_LEVEL for a PASSIVE-level queue).
     */
    void acquireLock();

    /** {@code WdfObjectReleaseLock}: releases the lock {@link #acquireLock()} took and restores the level. */
    void releaseLock();
}
