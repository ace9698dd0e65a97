package org.wdf4j.io;

/**
 * {@code EVT_WDF_REQUEST_CANCEL}: the request, marked cancelable, was cancelled; this callback owns it now and must complete it
 * (normally with STATUS_CANCELLED).
 */
@FunctionalInterface
public interface EvtRequestCancel {
    void requestCancel(WdfRequest request);
}
