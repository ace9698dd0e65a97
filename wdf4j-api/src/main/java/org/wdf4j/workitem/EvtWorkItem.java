package org.wdf4j.workitem;

/** {@code EVT_WDF_WORKITEM}: a work item's callback, called at PASSIVE_LEVEL on the driver's passive framework thread. */
@FunctionalInterface
public interface EvtWorkItem {
    void workItem(WdfWorkItem workItem);
}
