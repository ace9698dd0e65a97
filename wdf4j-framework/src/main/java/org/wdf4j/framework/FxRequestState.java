package org.wdf4j.framework;

/**
 * Who owns a request, and so who may complete it; the transitions are in {@link FxRequestStateMachine}.
 *
 * <ul>
 *   <li>{@link #QUEUED}: waiting in a queue; the framework owns it and cancels it itself.</li>
 *   <li>{@link #DRIVER}: presented to (or retrieved by) the driver; not cancelable.</li>
 *   <li>{@link #CANCELABLE}: the driver owns it and marked it cancelable; a cancel moves it to
 *       {@link #CANCEL_ROUTINE}.</li>
 *   <li>{@link #CANCEL_ROUTINE}: the driver's cancel routine owns it (running, or about to).</li>
 *   <li>{@link #SENT}: the driver sent it to an I/O target; the driver below owns it until it completes it, and a
 *       cancel goes down to it. Its completion brings it back to {@link #DRIVER} (the completion routine owns it).</li>
 *   <li>{@link #FORWARDED}: sent with send-and-forget; the driver below completes the requestor's request directly
 *       and this one is gone; final.</li>
 *   <li>{@link #COMPLETED}: completed, exactly once; final.</li>
 *   <li>{@link #ABANDONED}: still owned by the driver when its device went away past the wait timeout; the client's
 *       I/O was ended by the framework (STATUS_NO_SUCH_DEVICE) and the leak reported; final.</li>
 * </ul>
 */
public enum FxRequestState {
    QUEUED, DRIVER, CANCELABLE, CANCEL_ROUTINE, SENT, FORWARDED, COMPLETED, ABANDONED;

    /** What can happen to a request. */
    public enum Event {
        /** Put in a queue (sent by a client, forwarded, requeued, acknowledged with requeue). */
        ENQUEUE,
        /** Presented to the driver by a queue, or retrieved from a manual queue. */
        PRESENT,
        MARK_CANCELABLE,
        UNMARK_CANCELABLE,
        /** A cancel reached a request marked cancelable: its routine owns it now. */
        CANCEL,
        COMPLETE,
        /** Sent to an I/O target (WdfRequestSend). */
        SEND,
        /** The target did not take it (closed, deleted): the driver owns it again, no completion routine runs. */
        SEND_FAILED,
        /** The driver below completed it (or the framework failed or cancelled it below): the sender owns it again. */
        LOWER_COMPLETE,
        /** Sent with send-and-forget: no longer the driver's, nor the framework's at this level. */
        FORGET,
        /** The framework gives up on a request the driver did not complete (device gone, driver unloaded). */
        ABANDON
    }
}
