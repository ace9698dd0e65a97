package org.wdf4j.io;

/**
 * {@code EvtIoTargetRemoveCanceled}: the removal a query-remove announced did not happen (another driver vetoed it);
 * the driver opens its target again with {@link WdfIoTargetOpenParams#reopen()} (ST9). Called at PASSIVE_LEVEL on the
 * driver's passive thread. Without this callback the framework reopens a target closed for the query-remove.
 */
@FunctionalInterface
public interface EvtIoTargetRemoveCanceled {

    void removeCanceled(WdfIoTarget target);
}
