package org.wdf4j.host;

import java.nio.ByteBuffer;
import java.util.concurrent.Future;
import java.util.function.LongFunction;
import org.wdf4j.host.isolation.Message;

/**
 * What carries the requests of a {@link RemoteFile} over a driver-host channel: the host's side of a driver host (a
 * client's open of a device there, {@link DriverHostProcess}), or a driver host's side of the host (a remote target's
 * open of a device of another process, {@link DriverHostMain}). Both send the same messages ({@code Read},
 * {@code Write}, {@code Flush}, {@code Ioctl}, {@code Cancel}, {@code CancelAll}, {@code CloseFile}) and complete the
 * request on its {@code IoDone}.
 */
interface RemoteFileCarrier {

    /**
     * Sends the request {@code message} makes from its I/O number; its {@code IoDone} completes the answer, its output
     * copied into {@code into} when not null (see {@link RemoteIrp}).
     */
    RemoteIrp submit(RemoteFile file, LongFunction<Message> message, ByteBuffer into);

    default RemoteIrp submit(RemoteFile file, LongFunction<Message> message) {
        return submit(file, message, null);
    }

    default RemoteIrp read(RemoteFile file, int length, long offset) {
        return submit(file, io -> new Message.Read(io, file.id, length, offset));
    }

    /** A read whose output goes into {@code into}, the caller's until the request completes. */
    default RemoteIrp readInto(RemoteFile file, ByteBuffer into, long offset) {
        return submit(file, io -> new Message.Read(io, file.id, into.remaining(), offset), into);
    }

    /** Sends {@code data}'s remaining bytes, which the caller does not touch until the request completes. */
    default RemoteIrp write(RemoteFile file, ByteBuffer data, long offset) {
        return submit(file, io -> new Message.Write(io, file.id, data, offset));
    }

    default RemoteIrp flushBuffers(RemoteFile file) {
        return submit(file, io -> new Message.Flush(io, file.id));
    }

    default RemoteIrp ioctl(RemoteFile file, int code, byte[] input, int outputLength) {
        return submit(file, io -> new Message.Ioctl(io, file.id, code, input, outputLength));
    }

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
