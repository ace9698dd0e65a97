package org.wdf4j.io;

/**
 * {@code EVT_WDF_REQUEST_COMPLETION_ROUTINE}: a request this driver sent to an I/O target was completed by the driver
 * below (or cancelled, or failed by the framework). It runs once per send, after the lower driver completed the
 * request, on the thread that completed it and possibly at DISPATCH_LEVEL (it must not block); it may run before
 * {@link WdfRequest#send} returns when the lower driver completes the request at once. The driver owns the request
 * again: it completes a request it received (with {@code params.ioStatus()} or another status), or reuses or deletes
 * one it created.
 *
 * <p>Completion routines of one stack run in the reverse order of the sends: the lowest sender's first. The routine is
 * cleared when it is called; a request sent again needs it set again ({@link WdfRequest#setCompletionRoutine}). The
 * WDF context pointer is whatever the lambda captures.
 */
@FunctionalInterface
public interface EvtRequestCompletionRoutine {
    void requestCompletion(WdfRequest request, WdfIoTarget target, WdfRequestCompletionParams params);
}
