package org.wdf4j.io;

/**
 * {@code EvtIoTargetRemoveComplete}: the device the target opened is gone, after an orderly removal or a surprise
 * removal (then without a query-remove first); the driver closes the target ({@link WdfIoTarget#close()}), which
 * cancels what it sent and waits for it (ST9). Called at PASSIVE_LEVEL on the driver's passive thread. Without this
 * callback, or when the driver leaves the target open, the framework closes it.
 */
@FunctionalInterface
public interface EvtIoTargetRemoveComplete {

    void removeComplete(WdfIoTarget target);
}
