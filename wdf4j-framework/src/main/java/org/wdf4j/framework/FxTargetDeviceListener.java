package org.wdf4j.framework;

/**
 * What a remote I/O target is told about the device it opened (the counterpart of a target device change
 * notification, {@code EventCategoryTargetDeviceChange}, ST9). The host calls these on its PnP thread, in this order:
 * {@link #queryRemove} before an orderly removal, then {@link #removeCanceled} (another target vetoed) or
 * {@link #removeComplete} after the removal; a surprise removal calls {@link #removeComplete} only. Each call waits
 * until the target's driver answered, bounded by its wait timeout.
 */
public interface FxTargetDeviceListener {

    /** Whether the target let go of its device (closed for the query-remove); false vetoes the removal. */
    boolean queryRemove();

    void removeCanceled();

    void removeComplete();

    /** Who holds the target, for a veto's message: {@code driver toastmon's WDFIOTARGET#12 (remote target of ...)}. */
    String describe();
}
