package org.wdf4j.timer;

import java.time.Duration;
import org.wdf4j.NtResult;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.spi.WdfFunctions;

/**
 * {@code WDFTIMER}: calls its {@link EvtTimerFunc} once after a due time, or periodically.
 *
 * <p>The callback runs at DISPATCH_LEVEL on the driver's dispatch framework thread
 * ({@code wdf4j-<driver>-dispatch}), or at PASSIVE_LEVEL on its passive framework thread when the
 * timer's effective execution level is PASSIVE (set in the attributes or inherited from the parent).
 * Deleting the timer, or its parent, stops it, and at PASSIVE_LEVEL waits for a running callback.
 */
public interface WdfTimer extends WdfObject {

    /**
     * {@code WdfTimerCreate}. The attributes must name a parent ({@code withParent}): the timer is
     * deleted, and so stopped, with it. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the timer; STATUS_WDF_PARENT_NOT_SPECIFIED without a parent;
     *     STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL when automatic serialization would take a lock of a
     *     parent whose execution level differs from the timer's; STATUS_INSUFFICIENT_RESOURCES;
     *     STATUS_DELETE_PENDING (the parent is being deleted)
     */
    static NtResult<WdfTimer> create(WdfTimerConfig config, WdfObjectAttributes attributes) {
        return WdfFunctions.get().timerCreate(config, attributes);
    }

    /**
     * {@code WdfTimerStart}: (re)starts the timer to expire {@code dueTime} from now (a relative due
     * time, WDF's negative {@code DueTime}); a periodic timer then expires every period. A timer being
     * deleted is not started. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return true when the timer was already in the timer queue (it is restarted), false otherwise
     */
    boolean start(Duration dueTime);

    /**
     * {@code WdfTimerStop}: takes the timer out of the timer queue. With {@code wait}, also waits
     * for a running callback to return; a wait from the timer's own callback would never end and
     * is a verifier violation instead (the timer is then stopped without waiting).
     * IRQL: PASSIVE_LEVEL with {@code wait}, else {@code <= DISPATCH_LEVEL}.
     *
     * @return true when the timer was in the timer queue
     */
    boolean stop(boolean wait);

    /** {@code WdfTimerGetParentObject}. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfObject parentObject();
}
