package org.wdf4j.host.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Map;

/**
 * The handful of Linux C library calls the FUSE transport needs, bound with the JDK's foreign
 * function API (no JNI, no JNA): {@code open}, {@code close}, {@code read}, {@code write},
 * {@code mount}, {@code umount2}, {@code geteuid} and {@code getegid}; for the doors of device classes
 * {@code ioctl}, {@code poll}, {@code eventfd}, the pseudo-terminal calls, {@code socket} and {@code setns}; and {@code flock}, with
 * {@code open} and {@code close}, for the state directory's lock ({@code org.wdf4j.host.StateDirLock}),
 * which is why the class and those three are public (the package is not exported).
 *
 * <p>Every call that can fail captures {@code errno} in the same downcall
 * ({@link Linker.Option#captureCallState(String...)}), because the JVM may itself make system calls
 * between a native call and a later read of {@code errno}. A failing call throws an
 * {@link ErrnoException} naming the call and the error. The symbols come from the C library the
 * JVM is linked with ({@link Linker#defaultLookup()}). Constants are the Linux x86-64/aarch64
 * values.
 */
public final class LibC {

    /** {@code O_RDONLY} for {@link #open}. */
    public static final int O_RDONLY = 0x0;
    /** {@code O_DIRECTORY} for {@link #open}: fails unless the path is a directory. */
    public static final int O_DIRECTORY = 0x10000;
    /** {@code O_RDWR} for {@link #open}. */
    static final int O_RDWR = 0x2;
    /** {@code O_NOCTTY} for {@link #open}: a terminal opened does not become the host's controlling terminal. */
    static final int O_NOCTTY = 0x100;
    /** {@code O_NONBLOCK} for {@link #open}: reads and writes that would wait fail with {@link #EAGAIN}. */
    static final int O_NONBLOCK = 0x800;
    /** {@code POLLIN}, {@code POLLOUT} for {@link #poll}. */
    static final short POLL_IN = 0x1;
    static final short POLL_OUT = 0x4;
    /** {@code O_CLOEXEC} for {@link #open}: the fd must not leak into programs the host starts. */
    public static final int O_CLOEXEC = 0x80000;
    /** flock(2) operation {@code LOCK_EX}: an exclusive lock. */
    public static final int LOCK_EX = 2;
    /** flock(2) flag {@code LOCK_NB}: fail with {@link #EWOULDBLOCK} instead of waiting. */
    public static final int LOCK_NB = 4;
    /** mount(2) flag {@code MS_NOSUID}. */
    static final long MS_NOSUID = 0x2;
    /** mount(2) flag {@code MS_NODEV}. */
    static final long MS_NODEV = 0x4;
    /** umount2(2) flag {@code MNT_DETACH}: lazy unmount, works while the file is busy. */
    static final int MNT_DETACH = 0x2;
    /** mount(2) flag {@code MS_NOEXEC}. */
    static final long MS_NOEXEC = 0x8;

    public static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    /** The same value as {@code EAGAIN} on Linux: flock(2) with LOCK_NB on a lock someone else holds. */
    public static final int EWOULDBLOCK = EAGAIN;
    public static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENOTTY = 25;
    static final int ENOSYS = 38;
    static final int EPROTO = 71;
    static final int ENOTCONN = 107;
    static final int EROFS = 30;
    static final int ENXIO = 6;
    static final int ENOSPC = 28;
    static final int EOPNOTSUPP = 95;
    static final int EADDRNOTAVAIL = 99;
    static final int ENOBUFS = 105;

    private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(EINTR, "EINTR"),
            Map.entry(EIO, "EIO"), Map.entry(EBADF, "EBADF"), Map.entry(EAGAIN, "EAGAIN"),
            Map.entry(EACCES, "EACCES"), Map.entry(EBUSY, "EBUSY"), Map.entry(EEXIST, "EEXIST"),
            Map.entry(ENODEV, "ENODEV"), Map.entry(EINVAL, "EINVAL"), Map.entry(ENOTTY, "ENOTTY"),
            Map.entry(ENOSYS, "ENOSYS"), Map.entry(EPROTO, "EPROTO"),
            Map.entry(ENOTCONN, "ENOTCONN"), Map.entry(EROFS, "EROFS"), Map.entry(ENXIO, "ENXIO"),
            Map.entry(ENOSPC, "ENOSPC"),
            Map.entry(EOPNOTSUPP, "EOPNOTSUPP"), Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL"),
            Map.entry(ENOBUFS, "ENOBUFS"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT
            .varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG),
            CAPTURE_ERRNO);
    private static final MethodHandle MOUNT = downcall("mount",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS,
                    ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            CAPTURE_ERRNO);
    private static final MethodHandle UMOUNT2 = downcall("umount2",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO);
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.ADDRESS),
            CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FLOCK = downcall("flock",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO);
    private static final MethodHandle GRANTPT = downcall("grantpt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle UNLOCKPT = downcall("unlockpt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle PTSNAME_R = downcall("ptsname_r",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO);
    private static final MethodHandle EVENTFD = downcall("eventfd",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle FCHOWN = downcall("fchown",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO);
    private static final MethodHandle FCHMOD = downcall("fchmod",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle SOCKET = downcall("socket",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            CAPTURE_ERRNO);
    private static final MethodHandle SETNS = downcall("setns",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), CAPTURE_ERRNO);
    private static final MethodHandle GETEUID = downcall("geteuid",
            FunctionDescriptor.of(ValueLayout.JAVA_INT));
    private static final MethodHandle GETEGID = downcall("getegid",
            FunctionDescriptor.of(ValueLayout.JAVA_INT));

    /** Per-thread buffer the downcalls store {@code errno} into; threads call concurrently. */
    private static final ThreadLocal<MemorySegment> CAPTURE = ThreadLocal
            .withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private LibC() {
    }

    // The one place the host binds native code (restricted by the JDK: the launcher and the tests enable it).
    @SuppressWarnings("restricted")
    private static MethodHandle downcall(String name, FunctionDescriptor descriptor,
            Linker.Option... options) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** The symbolic name of an errno value, for example {@code "ENODEV"}, or {@code "errno N"}. */
    static String errnoName(int errno) {
        return ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
    }

    /** open(2); returns the new file descriptor. */
    public static int open(String path, int flags) throws ErrnoException {
        MemorySegment capture = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(capture, arena.allocateFrom(path), flags, 0);
            if (fd < 0) {
                throw failure("open", path, capture);
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** close(2). */
    public static void close(int fd) throws ErrnoException {
        call("close", "fd " + fd, c -> (int) CLOSE.invokeExact(c, fd));
    }

    /** read(2) of at most {@code buffer.byteSize()} bytes; returns the number read. */
    static int read(int fd, MemorySegment buffer) throws ErrnoException {
        MemorySegment capture = CAPTURE.get();
        long n;
        try {
            n = (long) READ.invokeExact(capture, fd, buffer, buffer.byteSize());
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (n < 0) {
            throw failure("read", "fd " + fd, capture);
        }
        return (int) n;
    }

    /** write(2) of the first {@code length} bytes of {@code buffer}; returns the number written. */
    static int write(int fd, MemorySegment buffer, long length) throws ErrnoException {
        MemorySegment capture = CAPTURE.get();
        long n;
        try {
            n = (long) WRITE.invokeExact(capture, fd, buffer, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (n < 0) {
            throw failure("write", "fd " + fd, capture);
        }
        return (int) n;
    }

    /**
     * flock(2): a lock on the open file description, held by the kernel until it is released or the last descriptor
     * of that description is closed (at the latest, when the process dies).
     */
    public static void flock(int fd, int operation) throws ErrnoException {
        call("flock", "fd " + fd, c -> (int) FLOCK.invokeExact(c, fd, operation));
    }

    /** mount(2). */
    static void mount(String source, String target, String fsType, long flags, String data)
            throws ErrnoException {
        MemorySegment capture = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) MOUNT.invokeExact(capture, arena.allocateFrom(source),
                    arena.allocateFrom(target), arena.allocateFrom(fsType), flags,
                    arena.allocateFrom(data));
            if (rc < 0) {
                throw failure("mount", target, capture);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** umount2(2). */
    static void umount2(String target, int flags) throws ErrnoException {
        MemorySegment capture = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) UMOUNT2.invokeExact(capture, arena.allocateFrom(target), flags);
            if (rc < 0) {
                throw failure("umount2", target, capture);
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** ioctl(2) with a pointer argument; returns the call's result. */
    static int ioctl(int fd, long request, MemorySegment arg) throws ErrnoException {
        return call("ioctl", String.format("fd %d, request 0x%X", fd, request),
                c -> (int) IOCTL.invokeExact(c, fd, request, arg));
    }

    /** grantpt(3): on devpts it only checks that {@code fd} is a pseudo-terminal master. */
    static void grantpt(int fd) throws ErrnoException {
        call("grantpt", "fd " + fd, c -> (int) GRANTPT.invokeExact(c, fd));
    }

    /** unlockpt(3): lets the slave side be opened. */
    static void unlockpt(int fd) throws ErrnoException {
        call("unlockpt", "fd " + fd, c -> (int) UNLOCKPT.invokeExact(c, fd));
    }

    /** eventfd(2) with {@code EFD_CLOEXEC}; returns the new file descriptor. */
    static int eventfd() throws ErrnoException {
        return call("eventfd", "", c -> (int) EVENTFD.invokeExact(c, 0, O_CLOEXEC));
    }

    /** fchown(2). */
    static void fchown(int fd, int uid, int gid) throws ErrnoException {
        call("fchown", "fd " + fd, c -> (int) FCHOWN.invokeExact(c, fd, uid, gid));
    }

    /** fchmod(2). */
    static void fchmod(int fd, int mode) throws ErrnoException {
        call("fchmod", "fd " + fd, c -> (int) FCHMOD.invokeExact(c, fd, mode));
    }

    /** socket(2); returns the new file descriptor. */
    static int socket(int domain, int type, int protocol) throws ErrnoException {
        return call("socket", "domain " + domain, c -> (int) SOCKET.invokeExact(c, domain, type, protocol));
    }

    /**
     * setns(2): moves the calling thread (only it: Linux keeps namespaces per thread) into the namespace of
     * {@code fd}, e.g. an {@code ip netns} file with {@code nstype} {@code CLONE_NEWNET}.
     */
    static void setns(int fd, int nstype) throws ErrnoException {
        call("setns", "fd " + fd, c -> (int) SETNS.invokeExact(c, fd, nstype));
    }

    /** ptsname_r(3): the path of the slave of the master {@code fd}, for example {@code /dev/pts/3}. */
    static String ptsname(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(128);
            int rc = (int) PTSNAME_R.invokeExact(fd, name, name.byteSize());
            if (rc != 0) {
                throw new ErrnoException("ptsname_r", "fd " + fd, rc);
            }
            return name.getString(0);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * poll(2) on {@code fds} (a {@code struct pollfd} array, 8 bytes each: fd, events, revents), waiting up to
     * {@code timeoutMillis} (-1: no limit); returns how many have events. EINTR answers 0.
     */
    static int poll(MemorySegment fds, int count, int timeoutMillis) throws ErrnoException {
        MemorySegment capture = CAPTURE.get();
        int rc;
        try {
            rc = (int) POLL.invokeExact(capture, fds, (long) count, timeoutMillis);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (rc < 0) {
            ErrnoException e = failure("poll", count + " fds", capture);
            if (e.errno() == EINTR) {
                return 0;
            }
            throw e;
        }
        return rc;
    }

    /** A downcall that answers an int, given the errno capture segment. */
    @FunctionalInterface
    private interface IntDowncall {
        int invoke(MemorySegment capture) throws Throwable;
    }

    /** Makes a downcall that answers -1 and sets errno on failure; answers its result. */
    private static int call(String name, String detail, IntDowncall downcall) throws ErrnoException {
        MemorySegment capture = CAPTURE.get();
        int rc;
        try {
            rc = downcall.invoke(capture);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (rc < 0) {
            throw failure(name, detail, capture);
        }
        return rc;
    }

    /** geteuid(2); cannot fail. */
    static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getegid(2); cannot fail. */
    static int getegid() {
        try {
            return (int) GETEGID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    private static ErrnoException failure(String call, String detail, MemorySegment capture) {
        return new ErrnoException(call, detail, (int) ERRNO.get(capture, 0L));
    }

    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed unexpectedly", t);
    }
}
