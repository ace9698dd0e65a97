package org.wdf4j.host.fuse;

import java.nio.ByteBuffer;

/**
 * What one file of a {@link FuseSession} does when programs use it. The session's reader threads call these methods
 * as the kernel delivers the programs' calls, from several threads at once; each call gets a {@link FuseRequest} that
 * the handler answers exactly once, now or later, from any thread ({@link FuseRequest#replyOpen},
 * {@link FuseRequest#replyRead}, {@link FuseRequest#replyWrite}, {@link FuseRequest#replyIoctl} or
 * {@link FuseRequest#replyError}). A method must not block: a handler that waits for a device answers from the
 * device's completion. A method that throws fails the call with {@code EIO}.
 *
 * <p>A program's signal while it waits reaches the handler through {@link FuseRequest#onInterrupt}; the session
 * answers {@code EINTR} itself if the handler has not answered within its grace time, because a program killed
 * mid-call waits for that answer.
 *
 * <p>The file has device semantics: no page cache, so every read and write of a program arrives here with the size
 * it asked for. A stream device ({@link #size()} -1) has no seeking and no file position; a disk ({@link #size()} at
 * least 0) is seekable, reports its size, and its reads and writes arrive with their offsets.
 */
public interface FuseFileHandler {

    /**
     * A program opens the file. Answer with {@link FuseRequest#replyOpen} and a handle that later calls receive, or
     * {@link FuseRequest#replyError}. The caller's identity is {@link FuseRequest#uid()}, {@link FuseRequest#gid()}
     * and {@link FuseRequest#pid()}.
     *
     * @param flags the {@code open(2)} flags, for example {@code O_RDONLY} or {@code O_WRONLY|O_NONBLOCK}
     */
    void open(FuseRequest request, int flags);

    /** A program reads up to {@code size} bytes; answer with {@link FuseRequest#replyRead}. */
    void read(FuseRequest request, long fh, int size);

    /**
     * A program reads up to {@code size} bytes at {@code offset} of a seekable file ({@link #size()} at least 0); the
     * default ignores the offset (a stream device).
     */
    default void read(FuseRequest request, long fh, long offset, int size) {
        read(request, fh, size);
    }

    /** A program writes at {@code offset} of a seekable file; the default ignores the offset (a stream device). */
    default void write(FuseRequest request, long fh, long offset, ByteBuffer data) {
        write(request, fh, data);
    }

    /**
     * A program calls {@code fsync} or {@code fdatasync} (or a loop device over the file flushes); answer with
     * {@link FuseRequest#replyOk} or an error. The default answers {@code ENOSYS}, after which the kernel no longer
     * asks and treats {@code fsync} as done.
     */
    default void fsync(FuseRequest request, long fh) {
        request.replyError(LibC.ENOSYS);
    }

    /**
     * The file's size in bytes, which makes it seekable: -1 (the default) for a stream device (size 0 in
     * {@code stat(2)}, not seekable, offsets ignored); 0 or more for a disk (its size in {@code stat(2)}, a file
     * position, offsets passed to {@link #read(FuseRequest, long, long, int)} and
     * {@link #write(FuseRequest, long, long, ByteBuffer)}). Fixed for the file's life.
     */
    default long size() {
        return -1;
    }

    /**
     * A program writes; answer with {@link FuseRequest#replyWrite}.
     *
     * @param data the bytes; valid only during this call (copy what is kept)
     */
    void write(FuseRequest request, long fh, ByteBuffer data);

    /**
     * A program calls {@code ioctl(fd, command, arg)}. The kernel has copied in the bytes the command's number encodes
     * for the direction {@code _IOC_WRITE} and will copy back up to {@code outputSize} bytes for {@code _IOC_READ};
     * answer with {@link FuseRequest#replyIoctl}. The default answers {@code ENOTTY} (no such ioctl).
     *
     * @param input the input bytes; valid only during this call
     */
    default void ioctl(FuseRequest request, long fh, int command, ByteBuffer input, int outputSize) {
        request.replyError(LibC.ENOTTY);
    }

    /**
     * A program polls the open file: answers its readiness now, as {@code poll(2)} event bits ({@code POLLIN},
     * {@code POLLOUT}, ...). When {@code wakeup} is not null, the handler calls {@link Runnable#run} on it whenever
     * the readiness may have grown, and the kernel polls again. Must not block. The default: always ready both ways.
     */
    default int poll(long fh, Runnable wakeup) {
        return FuseProtocol.POLLIN | FuseProtocol.POLLRDNORM | FuseProtocol.POLLOUT | FuseProtocol.POLLWRNORM;
    }

    /** The last descriptor of an open file was closed; the handle is gone. No answer is needed. */
    void release(long fh);

    /** The file left the session (removed, or the session closed): release whatever is left. */
    default void detached() {
    }
}
