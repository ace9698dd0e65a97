package org.wdf4j.host;

import java.util.concurrent.Future;

/**
 * What carries the requests of a {@link RemoteFile} over a driver-host channel: the host's side of a driver host (a
 * client's open of a device there, {@link DriverHostProcess}), or a driver host's side of the host (a remote target's
 * open of a device of another process, {@link DriverHostMain}). Both send the same messages ({@code Read},
 * {@code Write}, {@code Flush}, {@code Ioctl}, {@code Cancel}, {@code CancelAll}, {@code CloseFile}) and complete the
 * request on its {@code IoDone}.
 */
interface RemoteFileCarrier {

    RemoteIrp read(RemoteFile file, int length, long offset);

    /** Sends {@code data}, which the caller no longer touches. */
    RemoteIrp write(RemoteFile file, byte[] data, long offset);

    RemoteIrp flushBuffers(RemoteFile file);

    RemoteIrp ioctl(RemoteFile file, int code, byte[] input, int outputLength);

    /** Asks the other end to cancel {@code irp}, if it is still in flight. */
    void cancel(RemoteIrp irp);

    /** {@code CancelIoEx(handle, NULL)}: answers how many requests were in flight. */
    int cancelAll(RemoteFile file);

    /** {@code CloseHandle}. */
    void closeFile(RemoteFile file);

    /** Waits briefly on the calling thread for {@code future}, where the channel allows; answers whether it is done. */
    default boolean awaitDirect(Future<?> future) {
        return future.isDone();
    }
}
