package org.wdf4j.host.fuse;

import static org.wdf4j.host.fuse.FuseProtocol.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One regular file served over FUSE, without libfuse: the kernel turns each open, read, write and
 * close a program makes on the file into a request on {@code /dev/fuse}, and this session answers
 * it by calling a {@link FuseFileHandler}.
 *
 * <p>How it works, and the kernel facts it relies on (measured on Linux 6.18, protocol 7.45):
 * <ul>
 *   <li>{@link #mount} opens {@code /dev/fuse} read-write and calls mount(2) with file system type
 *       {@code fuse.wdf4j}, flags {@code MS_NOSUID|MS_NODEV} and data
 *       {@code fd=N,rootmode=100000,user_id=U,group_id=G,allow_other}. {@code rootmode=100000}
 *       ({@code S_IFREG}) mounts a single regular file, which needs an existing regular file as
 *       mount point; it is created when absent. Mounting needs {@code CAP_SYS_ADMIN} (else
 *       {@code EPERM}).</li>
 *   <li>The kernel's first request is {@code FUSE_INIT}; {@link #mount} answers it before it
 *       returns, with major 7, the lower of the kernel's minor and 45, a max_write of 128 KiB and
 *       {@code FUSE_ATOMIC_O_TRUNC} (so {@code > FILE} in a shell sends no truncating SETATTR).</li>
 *   <li>Requests are read from the fd into a buffer of 1 MiB + 8 KiB; each starts with the 40-byte
 *       {@code fuse_in_header}, and one write of the 16-byte {@code fuse_out_header} plus the reply
 *       body answers it. FORGET, BATCH_FORGET and INTERRUPT are never answered.</li>
 *   <li>OPEN replies carry {@code FOPEN_DIRECT_IO|FOPEN_NONSEEKABLE|FOPEN_STREAM}: no page cache,
 *       no seeking, no file position, so every read and write reaches the handler (device
 *       semantics). GETATTR (and SETATTR, which changes nothing) answers a regular file with the
 *       mode given at mount, owned by the host's effective user and group, never cached. Every
 *       other opcode is answered with {@code -ENOSYS}.</li>
 *   <li>One platform thread reads and answers requests, one at a time. A native read cannot be
 *       interrupted from Java; {@link #close} therefore unmounts with {@code MNT_DETACH}, which
 *       makes the blocked read fail with {@code ENODEV}, and the thread then closes the fd and
 *       ends. If a program still holds the file open, the kernel keeps the connection until that
 *       program closes it, and only then does the thread end.</li>
 * </ul>
 */
public final class FuseSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FuseSession.class);

    /** Largest write the kernel may send in one request, announced in the INIT reply. */
    static final int MAX_WRITE = 128 * 1024;
    private static final String FS_TYPE = "fuse.wdf4j";
    private static final String SOURCE = "wdf4j";
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final Path file;
    private final int fd;
    private final int mode;
    private final int uid;
    private final int gid;
    private final long mountTime;
    private final FuseFileHandler handler;
    private final Arena arena;
    private final MemorySegment in;
    private final MemorySegment out;
    private final AtomicBoolean closed = new AtomicBoolean();
    private int protocolMinor;
    private Thread reader;

    private FuseSession(Path file, int fd, int mode, FuseFileHandler handler) {
        this.file = file;
        this.fd = fd;
        this.mode = mode;
        this.handler = handler;
        this.uid = LibC.geteuid();
        this.gid = LibC.getegid();
        this.mountTime = System.currentTimeMillis() / 1000;
        this.arena = Arena.ofShared();
        this.in = arena.allocate(MIN_READ_BUFFER, 8);
        this.out = arena.allocate(OUT_HEADER_SIZE + MIN_READ_BUFFER, 8);
    }

    /**
     * Mounts a file served by {@code handler} at {@code file}, completes the INIT handshake and
     * starts the reader thread.
     *
     * @param file    where the file appears; created as an empty regular file when absent, and must
     *                not be a directory
     * @param mode    the permission bits {@code stat(2)} reports, for example {@code 0600}
     * @param handler answers the programs' requests
     * @return the running session; {@link #close} it to unmount
     * @throws ErrnoException if {@code /dev/fuse} cannot be opened ({@code ENOENT} when it is
     *                        missing) or mount(2) fails ({@code EPERM} without the privilege)
     * @throws IOException    if the mount point cannot be created or the handshake fails
     */
    public static FuseSession mount(Path file, int mode, FuseFileHandler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("mode must be permission bits only: " + Integer.toOctalString(mode));
        }
        Path target = file.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            throw new IllegalArgumentException("mount point is a directory: " + target);
        }
        try {
            Files.createFile(target);
        } catch (FileAlreadyExistsException alreadyThere) {
            // An existing regular file is the normal mount point.
        }
        int fd = LibC.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC);
        FuseSession session;
        try {
            session = new FuseSession(target, fd, mode, handler);
        } catch (RuntimeException | Error e) {
            closeQuietly(fd);
            throw e;
        }
        try {
            String data = "fd=" + fd + ",rootmode=" + Integer.toOctalString(S_IFREG) + ",user_id="
                    + Integer.toUnsignedString(session.uid) + ",group_id="
                    + Integer.toUnsignedString(session.gid) + ",allow_other";
            LibC.mount(SOURCE, target.toString(), FS_TYPE, LibC.MS_NOSUID | LibC.MS_NODEV, data);
        } catch (IOException | RuntimeException | Error e) {
            session.release();
            throw e;
        }
        try {
            session.handshake();
        } catch (IOException | RuntimeException | Error e) {
            session.unmountQuietly();
            session.release();
            throw e;
        }
        Thread thread = Thread.ofPlatform().daemon().name("wdf4j-fuse " + target.getFileName())
                .unstarted(session::serve);
        session.reader = thread;
        thread.start();
        return session;
    }

    /** The mounted file. */
    public Path path() {
        return file;
    }

    /** The protocol minor version agreed with the kernel (the major is always 7). */
    public int protocolMinor() {
        return protocolMinor;
    }

    /** Whether the reader thread still answers requests. */
    public boolean isRunning() {
        return reader.isAlive();
    }

    /** The thread that reads and answers requests; for tests. */
    Thread readerThread() {
        return reader;
    }

    /**
     * Unmounts the file (lazily, {@code MNT_DETACH}) and waits up to five seconds for the reader
     * thread to end. The thread ends at once unless a program still holds the file open; it then
     * ends when that program closes it. Calling this again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        unmountQuietly();
        try {
            if (!reader.join(CLOSE_WAIT)) {
                LOG.warn("FUSE reader for {} still running {} after unmount;"
                        + " a program probably holds the file open", file, CLOSE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void unmountQuietly() {
        try {
            LibC.umount2(file.toString(), LibC.MNT_DETACH);
        } catch (ErrnoException e) {
            // EINVAL: no longer a mount point (unmounted from outside); nothing left to do.
            if (e.errno() != LibC.EINVAL) {
                LOG.warn("unmounting " + file + " failed", e);
            }
        }
    }

    /** Closes the fd and frees the buffers; only once no thread uses them any more. */
    private void release() {
        closeQuietly(fd);
        arena.close();
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (ErrnoException e) {
            LOG.warn("closing /dev/fuse fd failed", e);
        }
    }

    /** Reads the kernel's INIT request and answers it. */
    private void handshake() throws IOException {
        int n = readRequest();
        int opcode = in.get(ValueLayout.JAVA_INT_UNALIGNED, IN_OPCODE);
        long unique = in.get(ValueLayout.JAVA_LONG_UNALIGNED, IN_UNIQUE);
        if (n < 0 || opcode != INIT) {
            throw new IOException("expected FUSE_INIT as first request, got "
                    + (n < 0 ? "end of connection" : "opcode " + opcode));
        }
        MemorySegment init = in.asSlice(IN_HEADER_SIZE);
        int major = init.get(ValueLayout.JAVA_INT_UNALIGNED, INIT_IN_MAJOR);
        int minor = init.get(ValueLayout.JAVA_INT_UNALIGNED, INIT_IN_MINOR);
        int kernelFlags = init.get(ValueLayout.JAVA_INT_UNALIGNED, INIT_IN_FLAGS);
        if (major != KERNEL_VERSION || minor < MIN_MINOR_VERSION) {
            reply(unique, -LibC.EPROTO, 0);
            throw new IOException("kernel offers FUSE " + major + "." + minor + "; need 7."
                    + MIN_MINOR_VERSION + " or later");
        }
        protocolMinor = Math.min(minor, KERNEL_MINOR_VERSION);
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, INIT_OUT_SIZE).fill((byte) 0);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, INIT_OUT_MAJOR, KERNEL_VERSION);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, INIT_OUT_MINOR, protocolMinor);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, INIT_OUT_MAX_READAHEAD,
                init.get(ValueLayout.JAVA_INT_UNALIGNED, INIT_IN_MAX_READAHEAD));
        body.set(ValueLayout.JAVA_INT_UNALIGNED, INIT_OUT_FLAGS,
                kernelFlags & (FUSE_ATOMIC_O_TRUNC | FUSE_BIG_WRITES));
        body.set(ValueLayout.JAVA_SHORT_UNALIGNED, INIT_OUT_MAX_BACKGROUND, (short) 16);
        body.set(ValueLayout.JAVA_SHORT_UNALIGNED, INIT_OUT_CONGESTION_THRESHOLD, (short) 12);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, INIT_OUT_MAX_WRITE, MAX_WRITE);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, INIT_OUT_TIME_GRAN, 1);
        reply(unique, 0, INIT_OUT_SIZE);
    }

    /**
     * Reads one request into {@link #in}; returns its length, or -1 once the connection is gone
     * ({@code ENODEV}: unmounted or aborted).
     */
    private int readRequest() throws ErrnoException {
        while (true) {
            try {
                return LibC.read(fd, in);
            } catch (ErrnoException e) {
                switch (e.errno()) {
                    // ENOENT: the request was interrupted before we read it; EINTR/EAGAIN: retry.
                    case LibC.ENOENT, LibC.EINTR, LibC.EAGAIN -> { }
                    case LibC.ENODEV -> {
                        return -1;
                    }
                    default -> throw e;
                }
            }
        }
    }

    /** The reader thread: answers requests until the connection ends, then frees everything. */
    private void serve() {
        try {
            while (true) {
                int n = readRequest();
                if (n < 0) {
                    return;
                }
                if (n < IN_HEADER_SIZE) {
                    LOG.warn("short FUSE request of {} bytes ignored", n);
                    continue;
                }
                dispatch();
            }
        } catch (ErrnoException e) {
            LOG.error("FUSE reader for " + file + " stopped", e);
        } finally {
            release();
        }
    }

    private void dispatch() throws ErrnoException {
        int opcode = in.get(ValueLayout.JAVA_INT_UNALIGNED, IN_OPCODE);
        long unique = in.get(ValueLayout.JAVA_LONG_UNALIGNED, IN_UNIQUE);
        MemorySegment arg = in.asSlice(IN_HEADER_SIZE);
        switch (opcode) {
            case FORGET, BATCH_FORGET, INTERRUPT -> {
                // No reply. Requests are answered in order on this thread, so the one an
                // INTERRUPT names has already been answered.
            }
            case GETATTR, SETATTR -> reply(unique, 0, writeAttr());
            case OPEN -> open(unique, arg);
            case READ -> read(unique, arg);
            case WRITE -> write(unique, arg);
            case RELEASE -> {
                long fh = arg.get(ValueLayout.JAVA_LONG_UNALIGNED, RELEASE_IN_FH);
                try {
                    handler.release(fh);
                } catch (RuntimeException e) {
                    LOG.warn("FUSE handler failed in release", e);
                }
                reply(unique, 0, 0);
            }
            case FLUSH, DESTROY -> reply(unique, 0, 0);
            default -> reply(unique, -LibC.ENOSYS, 0);
        }
    }

    private int writeAttr() {
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, ATTR_OUT_SIZE).fill((byte) 0);
        // attr_valid stays 0: the size a device reports may change at any time.
        MemorySegment attr = body.asSlice(ATTR_OUT_ATTR);
        long size = Math.max(0, handler.size());
        attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_INO, 1);
        attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_SIZE, size);
        attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_BLOCKS, (size + 511) / 512);
        attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_ATIME, mountTime);
        attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_MTIME, mountTime);
        attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_CTIME, mountTime);
        attr.set(ValueLayout.JAVA_INT_UNALIGNED, ATTR_MODE, S_IFREG | mode);
        attr.set(ValueLayout.JAVA_INT_UNALIGNED, ATTR_NLINK, 1);
        attr.set(ValueLayout.JAVA_INT_UNALIGNED, ATTR_UID, uid);
        attr.set(ValueLayout.JAVA_INT_UNALIGNED, ATTR_GID, gid);
        attr.set(ValueLayout.JAVA_INT_UNALIGNED, ATTR_BLKSIZE, 4096);
        return ATTR_OUT_SIZE;
    }

    private void open(long unique, MemorySegment arg) throws ErrnoException {
        int flags = arg.get(ValueLayout.JAVA_INT_UNALIGNED, OPEN_IN_FLAGS);
        long fh;
        try {
            fh = handler.open(in.get(ValueLayout.JAVA_INT_UNALIGNED, IN_UID),
                    in.get(ValueLayout.JAVA_INT_UNALIGNED, IN_GID),
                    in.get(ValueLayout.JAVA_INT_UNALIGNED, IN_PID), flags);
        } catch (RuntimeException e) {
            LOG.warn("FUSE handler failed in open", e);
            fh = -LibC.EIO;
        }
        if (fh < 0) {
            reply(unique, (int) fh, 0);
            return;
        }
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, OPEN_OUT_SIZE).fill((byte) 0);
        body.set(ValueLayout.JAVA_LONG_UNALIGNED, OPEN_OUT_FH, fh);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, OPEN_OUT_FLAGS,
                FOPEN_DIRECT_IO | FOPEN_NONSEEKABLE | FOPEN_STREAM);
        reply(unique, 0, OPEN_OUT_SIZE);
    }

    private void read(long unique, MemorySegment arg) throws ErrnoException {
        long fh = arg.get(ValueLayout.JAVA_LONG_UNALIGNED, RW_IN_FH);
        long offset = arg.get(ValueLayout.JAVA_LONG_UNALIGNED, RW_IN_OFFSET);
        int size = Math.min(arg.get(ValueLayout.JAVA_INT_UNALIGNED, RW_IN_SIZE_FIELD),
                (int) out.byteSize() - OUT_HEADER_SIZE);
        ByteBuffer dst = out.asSlice(OUT_HEADER_SIZE, size).asByteBuffer();
        int result;
        try {
            result = handler.read(fh, dst, offset);
        } catch (RuntimeException e) {
            LOG.warn("FUSE handler failed in read", e);
            result = -LibC.EIO;
        }
        if (result > size) {
            LOG.warn("FUSE handler claims {} bytes read of {}", result, size);
            result = -LibC.EIO;
        }
        if (result < 0) {
            reply(unique, result, 0);
        } else {
            reply(unique, 0, result);
        }
    }

    private void write(long unique, MemorySegment arg) throws ErrnoException {
        long fh = arg.get(ValueLayout.JAVA_LONG_UNALIGNED, RW_IN_FH);
        long offset = arg.get(ValueLayout.JAVA_LONG_UNALIGNED, RW_IN_OFFSET);
        int size = arg.get(ValueLayout.JAVA_INT_UNALIGNED, RW_IN_SIZE_FIELD);
        ByteBuffer src = arg.asSlice(RW_IN_SIZE, size).asByteBuffer().asReadOnlyBuffer();
        int result;
        try {
            result = handler.write(fh, src, offset);
        } catch (RuntimeException e) {
            LOG.warn("FUSE handler failed in write", e);
            result = -LibC.EIO;
        }
        if (result > size) {
            result = -LibC.EIO;
        }
        if (result < 0) {
            reply(unique, result, 0);
            return;
        }
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, WRITE_OUT_SIZE).fill((byte) 0);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, 0, result);
        reply(unique, 0, WRITE_OUT_SIZE);
    }

    /**
     * Writes the header for a reply whose body already sits after it in {@link #out}. A reply to a
     * request the kernel no longer waits for ({@code ENOENT}, interrupted) or to a connection that
     * is gone ({@code ENODEV}) is dropped.
     */
    private void reply(long unique, int error, int bodyLength) throws ErrnoException {
        int length = OUT_HEADER_SIZE + (error == 0 ? bodyLength : 0);
        out.set(ValueLayout.JAVA_INT_UNALIGNED, OUT_LEN, length);
        out.set(ValueLayout.JAVA_INT_UNALIGNED, OUT_ERROR, error);
        out.set(ValueLayout.JAVA_LONG_UNALIGNED, OUT_UNIQUE, unique);
        try {
            LibC.write(fd, out, length);
        } catch (ErrnoException e) {
            if (e.errno() != LibC.ENOENT && e.errno() != LibC.ENODEV) {
                throw e;
            }
        }
    }
}
