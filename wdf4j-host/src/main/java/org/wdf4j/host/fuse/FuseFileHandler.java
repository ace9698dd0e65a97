package org.wdf4j.host.fuse;

import java.nio.ByteBuffer;

/**
 * What a single file mounted by {@link FuseSession} does when programs use it. The session calls
 * these methods on its one reader thread, one request at a time, in the order the kernel delivers
 * them, so an implementation needs no locking against itself (but a blocking method stalls every
 * other request on the file).
 *
 * <p>Errors are reported the way the kernel expects them: a negative {@code errno}, for example
 * {@code -5} for {@code EIO}; the calling program sees that errno. A method that throws makes the
 * request fail with {@code EIO}.
 *
 * <p>The file has device semantics: no page cache, no seeking, no file position, so every read and
 * write of a program arrives here with the size it asked for and an offset that is meaningless
 * (always 0 for a stream file).
 */
public interface FuseFileHandler {

    /**
     * A program opened the file.
     *
     * @param uid   the effective user id of the opening process
     * @param gid   its effective group id
     * @param pid   its process id (thread group id)
     * @param flags the {@code open(2)} flags, for example {@code O_RDONLY} or {@code O_WRONLY}
     * @return a non-negative file handle that later calls receive, or {@code -errno} to refuse
     */
    long open(int uid, int gid, int pid, int flags);

    /**
     * A program reads from an open file.
     *
     * @param fh     the handle {@link #open} returned
     * @param dst    where the data goes; its remaining space is the size the program asked for
     * @param offset the offset the kernel passed (not meaningful for a stream file)
     * @return the number of bytes put into {@code dst} (0 is end of file), or {@code -errno}
     */
    int read(long fh, ByteBuffer dst, long offset);

    /**
     * A program writes to an open file.
     *
     * @param fh     the handle {@link #open} returned
     * @param src    the bytes the program wrote; valid only during the call
     * @param offset the offset the kernel passed (not meaningful for a stream file)
     * @return the number of bytes accepted, or {@code -errno}
     */
    int write(long fh, ByteBuffer src, long offset);

    /** The last reference to an open file is gone (every descriptor closed); no answer is needed. */
    void release(long fh);

    /** The size {@code stat(2)} reports for the file; a device usually reports 0. */
    default long size() {
        return 0;
    }
}
