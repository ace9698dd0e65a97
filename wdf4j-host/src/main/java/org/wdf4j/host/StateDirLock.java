package org.wdf4j.host;

import java.io.IOException;
import java.nio.file.Path;
import org.wdf4j.host.fuse.ErrnoException;
import org.wdf4j.host.fuse.LibC;

/**
 * One host per state directory, enforced by the kernel: an exclusive {@code flock(2)} on the state directory itself,
 * held on an open descriptor of it for as long as the host uses it, and released by the kernel when the descriptor is
 * closed or the process dies (a {@code kill -9} included).
 *
 * <p>Why the directory and not a lock file: a lock on a file is a lock on its inode, and a user who deletes the file
 * (or a cleanup that does) lets the next process create a new file and lock that one while the first still runs. The
 * directory cannot be deleted while it holds the store, and a {@code flock} is per open file description, so a second
 * open in the same process is refused too (unlike {@code fcntl} locks, which any close in the process releases).
 * {@code host.lock} stays as the place where the holder writes its pid, for the message a refused process prints.
 *
 * <p>Where native calls are not allowed (an embedder's JVM without {@code --enable-native-access} for the host), the
 * lock is {@linkplain #isHeld() not held} and {@link DriverStore}'s lock on {@code host.lock} is the only one.
 */
final class StateDirLock implements AutoCloseable {

    /** The open descriptor of the directory, or -1 when no lock could be taken natively; guarded by {@code this}. */
    private int fd;

    private StateDirLock(int fd) {
        this.fd = fd;
    }

    /**
     * Takes the lock of {@code dir}, which must exist.
     *
     * @throws StateDirLockedException when another process (or another host in this one) holds it
     */
    static StateDirLock acquire(Path dir) throws IOException {
        int fd;
        try {
            fd = LibC.open(dir.toString(), LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC);
        } catch (IllegalCallerException | LinkageError e) {
            return new StateDirLock(-1); // no native access here: the host.lock file lock alone
        }
        try {
            LibC.flock(fd, LibC.LOCK_EX | LibC.LOCK_NB);
            return new StateDirLock(fd);
        } catch (ErrnoException e) {
            LibC.close(fd);
            if (e.errno() == LibC.EWOULDBLOCK) {
                String holder = DriverStore.lockHolder(dir.resolve(DriverStore.LOCK_FILE));
                throw new StateDirLockedException(dir, "the state directory " + dir + " is in use by another wdf4j "
                        + "host" + (holder.isEmpty() ? "" : " (pid " + holder + ")") + ": one host per state directory. "
                        + "Talk to that host, stop it (wdf4j host shutdown), or use another --state-dir");
            }
            throw new IOException("cannot lock the state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether the kernel holds the lock for this process (false where native calls are not allowed). */
    synchronized boolean isHeld() {
        return fd >= 0;
    }

    /** Releases the lock (closes the descriptor); idempotent. */
    @Override
    public synchronized void close() throws IOException {
        if (fd >= 0) {
            int closing = fd;
            fd = -1;
            LibC.close(closing);
        }
    }
}
