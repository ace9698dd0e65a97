package org.wdf4j.io;

/** {@code WDF_REQUEST_STOP_ACTION_FLAGS}: why {@link EvtIoStop} is called. */
public enum WdfRequestStopAction {
    /** The device is leaving D0 (sleep, removal); the queue will restart when it comes back. */
    SUSPEND,
    /** The queue is being purged (or the device removed): the request must be completed. */
    PURGE
}
