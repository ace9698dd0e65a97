package org.wdf4j.io;

import org.wdf4j.NtStatus;

/**
 * {@code EvtIoTargetQueryRemove}: the device a remote I/O target opened is about to be removed (ST9). The driver lets
 * go of it with {@link WdfIoTarget#closeForQueryRemove()} and answers STATUS_SUCCESS, or keeps it open and answers a
 * failure status, which vetoes the removal: the device stays. A target still open after a success vetoes too (a
 * kept handle). Called at PASSIVE_LEVEL on the driver's passive thread. Without this callback the framework closes
 * the target for the query-remove and lets the removal go on.
 */
@FunctionalInterface
public interface EvtIoTargetQueryRemove {

    NtStatus queryRemove(WdfIoTarget target);
}
