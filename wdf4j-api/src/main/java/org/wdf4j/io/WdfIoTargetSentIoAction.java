package org.wdf4j.io;

/** {@code WDF_IO_TARGET_SENT_IO_ACTION}: what {@link WdfIoTarget#stop} does with the requests already delivered. */
public enum WdfIoTargetSentIoAction {
    /** {@code WdfIoTargetCancelSentIo}: cancels them and waits until each is completed. */
    CANCEL_SENT_IO,
    /** {@code WdfIoTargetWaitForSentIoToComplete}: waits until each is completed. */
    WAIT_FOR_SENT_IO_TO_COMPLETE,
    /** {@code WdfIoTargetLeaveSentIoPending}: leaves them to complete when the lower driver completes them. */
    LEAVE_SENT_IO_PENDING
}
