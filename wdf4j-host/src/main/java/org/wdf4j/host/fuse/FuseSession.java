package org.wdf4j.host.fuse;

import static org.wdf4j.host.fuse.FuseProtocol.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.host.isolation.BufferPool;

/**
 * A directory of device files served over FUSE, without libfuse: the kernel turns each open, read, write, ioctl, poll
 * and close a program makes on a file into a request on {@code /dev/fuse}, and this session hands it to the file's
 * {@link FuseFileHandler}, which answers it now or later through its {@link FuseRequest}.
 *
 * <p>How it works, and the kernel facts it relies on (measured on Linux 6.18, protocol 7.45):
 * <ul>
 *   <li>{@link #mount} opens {@code /dev/fuse} read-write and calls mount(2) with file system type {@code fuse.wdf4j},
 *       flags {@code MS_NOSUID|MS_NODEV|MS_NOEXEC} and data {@code fd=N,rootmode=40000,user_id=U,group_id=G,
 *       allow_other,default_permissions}: a directory, open to every user, where the kernel checks each file's owner,
 *       group and mode itself. Mounting needs {@code CAP_SYS_ADMIN} (else {@code EPERM}).</li>
 *   <li>The kernel's first request is {@code FUSE_INIT}; {@link #mount} answers it before it returns (major 7, the
 *       lower of the kernel's minor and 45, 128 KiB max_write, {@code FUSE_ATOMIC_O_TRUNC} so {@code > FILE} sends
 *       no truncating SETATTR).</li>
 *   <li>Several reader threads: the first reads the mount's fd, each other one a fd attached to the same connection
 *       with the clone ioctl ({@code FUSE_DEV_IOC_CLONE}), so requests of parallel programs are read in parallel. A
 *       request is answered on the fd it was read from (the kernel finds it only there); one write of the 16-byte
 *       {@code fuse_out_header} and the body answers it.</li>
 *   <li>OPEN replies carry {@code FOPEN_DIRECT_IO|FOPEN_NONSEEKABLE|FOPEN_STREAM|FOPEN_PARALLEL_DIRECT_WRITES}: no
 *       page cache, no seeking, no file position, parallel writes: every read and write reaches the handler (device
 *       semantics). A disk's file ({@link FuseFileHandler#size()} at least 0) is opened with
 *       {@code FOPEN_DIRECT_IO|FOPEN_PARALLEL_DIRECT_WRITES} only: seekable, its size in {@code stat(2)}, each read and
 *       write with its offset, {@code FUSE_FSYNC} to the handler.</li>
 *   <li>A handler that does not return (a driver's callback that blocks or spins on the reader thread) holds only its
 *       reader: when every reader has been inside a request for longer than {@link #STUCK_AFTER}, a watchdog attaches
 *       another reader (a clone of the fd), up to {@link #MAX_READERS}, so that other files, and the interrupt of the
 *       stuck program's own call, are still read and answered (H10).</li>
 *   <li>{@code FUSE_INTERRUPT} (a signal to a program waiting in a call) names the request; the session runs the
 *       request's {@link FuseRequest#onInterrupt} action and, if the handler has not answered within the grace time,
 *       answers {@code EINTR} itself. An interrupt for a request not yet seen is answered {@code EAGAIN}, which makes
 *       the kernel send it again later.</li>
 *   <li>{@code FUSE_POLL} asks the handler for the readiness now; with {@code FUSE_POLL_SCHEDULE_NOTIFY} the handler
 *       gets a wake-up that sends {@code FUSE_NOTIFY_POLL} with the kernel's poll handle, and the kernel polls
 *       again.</li>
 *   <li>A removed file is dropped from the kernel's name cache at once ({@code FUSE_NOTIFY_INVAL_ENTRY}); programs
 *       that still have it open keep reaching its handler, which fails their calls.</li>
 *   <li>{@link #close} unmounts with {@code MNT_DETACH}: the mount is gone from the file system at once; the reads of
 *       the reader threads fail with {@code ENODEV} as soon as no program holds a file open, and the threads end.
 *       While a program still holds one, its calls keep being answered (by the detached handler: failures) until it
 *       closes it. A native read cannot be interrupted from Java, which is why this is the way threads end.</li>
 * </ul>
 */
public final class FuseSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FuseSession.class);

    /** Largest write the kernel may send in one request, announced in the INIT reply. */
    static final int MAX_WRITE = 128 * 1024;
    /** The open flags that give device semantics. */
    static final int DEVICE_OPEN_FLAGS = FOPEN_DIRECT_IO | FOPEN_NONSEEKABLE | FOPEN_STREAM | (1 << 6);
    /** The open flags of a disk's file: no page cache, parallel writes, but seekable with a file position. */
    static final int DISK_OPEN_FLAGS = FOPEN_DIRECT_IO | (1 << 6);
    /** File system type in {@code /proc/self/mountinfo}; how stale mounts of a dead host are recognised. */
    public static final String FS_TYPE = "fuse.wdf4j";
    private static final String SOURCE = "wdf4j";
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    /** How long names and attributes may be cached by the kernel; removals are pushed at once anyway. */
    private static final long CACHE_SECONDS = 1;
    /** How long every reader may be inside a request before the watchdog adds one. */
    static final Duration STUCK_AFTER = Duration.ofMillis(100);
    /** The most reader threads a session grows to. */
    static final int MAX_READERS = 64;
    /** Checks the sessions' readers every {@code STUCK_AFTER / 2}; one daemon thread for every session. */
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "wdf4j-fuse-watchdog");
                t.setDaemon(true);
                return t;
            });
    private static final int EISDIR = 21;
    private static final int ENOTDIR = 20;
    private static final int ELOOP = 40;

    /**
     * How a session runs.
     *
     * @param readers reader threads (1..64); more let parallel programs' requests reach the handlers in parallel
     * @param interruptGrace how long a handler has to answer an interrupted request before the session answers
     *     {@code EINTR} itself
     */
    public record Options(int readers, Duration interruptGrace) {

        public Options {
            if (readers < 1 || readers > 64) {
                throw new IllegalArgumentException("readers must be 1..64, not " + readers);
            }
            Objects.requireNonNull(interruptGrace, "interruptGrace");
            if (interruptGrace.isNegative()) {
                throw new IllegalArgumentException("interruptGrace must not be negative: " + interruptGrace);
            }
        }

        /** As many readers as processors, at least 2 and at most 8; 200 ms for interrupts. */
        public static Options defaults() {
            return new Options(Math.clamp(Runtime.getRuntime().availableProcessors(), 2, 8), Duration.ofMillis(200));
        }
    }

    /** A file of the directory. */
    private static final class Node {
        final long id;
        final String name;
        /** What the file serves, or null for a symbolic link. */
        final FuseFileHandler handler;
        /** Where a symbolic link points, or null for a file. */
        final String linkTarget;
        final int uid;
        final int gid;
        final int mode;
        final long created = System.currentTimeMillis() / 1000;
        final AtomicLong lookups = new AtomicLong();
        volatile boolean gone;

        Node(long id, String name, FuseFileHandler handler, String linkTarget, int uid, int gid, int mode) {
            this.id = id;
            this.name = name;
            this.handler = handler;
            this.linkTarget = linkTarget;
            this.uid = uid;
            this.gid = gid;
            this.mode = mode;
        }
    }

    private final Path directory;
    private final int masterFd;
    private final Options options;
    private final int uid;
    private final int gid;
    private final long mountTime = System.currentTimeMillis() / 1000;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong nextNodeId = new AtomicLong(ROOT_ID + 1);
    /** Files by node id, removed ones included until the kernel forgets them. */
    private final Map<Long, Node> nodes = new ConcurrentHashMap<>();
    private final Map<String, Node> byName = new ConcurrentHashMap<>();
    /** Requests a handler answers later, by unique: what an INTERRUPT can name. */
    private final Map<Long, FuseRequest> inFlight = new ConcurrentHashMap<>();
    private final Object notifyLock = new Object();
    /** The reader threads, the first ones and those the watchdog added; guarded by itself. */
    private final List<Thread> readers = new ArrayList<>();
    /** Readers inside a request now, with since when (nanoTime); what the watchdog reads. */
    private final Map<Thread, Long> busySince = new ConcurrentHashMap<>();
    /** The buffers lent to requests: messages (a write's data) and read replies. */
    /**
     * How many message buffers the session lends to device requests at once at most ({@link FuseRequest#lendData});
     * past it a write's data is copied into a buffer of its size.
     */
    static final int LENT_MESSAGES = 16;
    /** Message buffers lent now; see {@link #LENT_MESSAGES}. */
    private final java.util.concurrent.atomic.AtomicInteger lentMessages = new java.util.concurrent.atomic.AtomicInteger();
    private final BufferPool<MemorySegment> buffers =
            new BufferPool<>(n -> Arena.ofAuto().allocate(n, 8), MemorySegment::byteSize, 16);
    /** The watchdog's periodic check of this session; set once the readers run. */
    private volatile java.util.concurrent.ScheduledFuture<?> watch;
    private int protocolMinor;

    private FuseSession(Path directory, int masterFd, Options options) {
        this.directory = directory;
        this.masterFd = masterFd;
        this.options = options;
        this.uid = LibC.geteuid();
        this.gid = LibC.getegid();
    }

    /**
     * Mounts an empty directory at {@code directory} (created when absent), completes the INIT handshake and starts
     * the reader threads.
     *
     * @throws ErrnoException if {@code /dev/fuse} cannot be opened ({@code ENOENT} when it is missing) or mount(2)
     *     fails ({@code EPERM} without the privilege)
     * @throws IOException if the mount point cannot be made or the handshake fails
     */
    public static FuseSession mount(Path directory, Options options) throws IOException {
        Objects.requireNonNull(options, "options");
        Path target = directory.toAbsolutePath().normalize();
        Files.createDirectories(target);
        int fd = LibC.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC);
        FuseSession session = new FuseSession(target, fd, options);
        try {
            String data = "fd=" + fd + ",rootmode=" + Integer.toOctalString(S_IFDIR) + ",user_id="
                    + Integer.toUnsignedString(session.uid) + ",group_id=" + Integer.toUnsignedString(session.gid)
                    + ",allow_other,default_permissions";
            LibC.mount(SOURCE, target.toString(), FS_TYPE, LibC.MS_NOSUID | LibC.MS_NODEV | LibC.MS_NOEXEC, data);
        } catch (IOException | RuntimeException | Error e) {
            closeQuietly(fd);
            throw e;
        }
        List<Integer> fds = new ArrayList<>();
        fds.add(fd);
        try {
            session.handshake();
            for (int i = 1; i < options.readers(); i++) {
                fds.add(cloneFd(fd));
            }
        } catch (IOException | RuntimeException | Error e) {
            session.unmountQuietly();
            fds.forEach(FuseSession::closeQuietly);
            throw e;
        }
        for (int fdOfReader : fds) {
            session.startReader(fdOfReader);
        }
        long period = STUCK_AFTER.toMillis() / 2;
        session.watch = WATCHDOG.scheduleWithFixedDelay(session::checkReaders, period, period,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        LOG.debug("mounted {} with {} reader threads, FUSE 7.{}", target, fds.size(), session.protocolMinor);
        return session;
    }

    /** Starts a reader thread on {@code fd}. */
    private void startReader(int fd) {
        synchronized (readers) {
            Thread thread = Thread.ofPlatform().daemon()
                    .name("wdf4j-fuse-" + readers.size() + " " + directory.getFileName()).unstarted(() -> serve(fd));
            readers.add(thread);
            thread.start();
        }
    }

    /**
     * The watchdog: when every live reader has been inside a request for longer than {@link #STUCK_AFTER} (a handler
     * that does not return holds its reader), attaches one more, up to {@link #MAX_READERS}.
     */
    private void checkReaders() {
        if (closed.get()) {
            return;
        }
        long now = System.nanoTime();
        int live;
        synchronized (readers) {
            live = (int) readers.stream().filter(Thread::isAlive).count();
            if (live == 0 || readers.size() >= MAX_READERS) {
                return;
            }
        }
        long stuck = busySince.values().stream().filter(since -> now - since > STUCK_AFTER.toNanos()).count();
        if (stuck < live) {
            return;
        }
        try {
            int fd = cloneFd(masterFd);
            startReader(fd);
            LOG.warn("FUSE readers of {}: all {} are inside requests that have not returned for {} ms (a driver's "
                    + "callback that blocks?); attached another", directory, live, STUCK_AFTER.toMillis());
        } catch (ErrnoException e) {
            LOG.warn("FUSE readers of {}: cannot attach another: {}", directory, e.getMessage());
        }
    }

    /** A new {@code /dev/fuse} fd on the same connection as {@code masterFd} (FUSE_DEV_IOC_CLONE). */
    private static int cloneFd(int masterFd) throws ErrnoException {
        int fd = LibC.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(ValueLayout.JAVA_INT);
            arg.set(ValueLayout.JAVA_INT, 0, masterFd);
            LibC.ioctl(fd, DEV_IOC_CLONE, arg);
            return fd;
        } catch (ErrnoException | RuntimeException e) {
            closeQuietly(fd);
            throw e;
        }
    }

    /** The host's effective user id: the owner files get by default. */
    public static int effectiveUid() {
        return LibC.geteuid();
    }

    /** The host's effective group id. */
    public static int effectiveGid() {
        return LibC.getegid();
    }

    /** Unmounts {@code mountPoint} lazily ({@code MNT_DETACH}); for stale mounts a dead host left. */
    public static void unmount(Path mountPoint) throws ErrnoException {
        LibC.umount2(mountPoint.toString(), LibC.MNT_DETACH);
    }

    /** The mounted directory. */
    public Path path() {
        return directory;
    }

    /** The protocol minor version agreed with the kernel (the major is always 7). */
    public int protocolMinor() {
        return protocolMinor;
    }

    /** Whether any reader thread still answers requests. */
    public boolean isRunning() {
        synchronized (readers) {
            return readers.stream().anyMatch(Thread::isAlive);
        }
    }

    /** The reader threads; for tests. */
    List<Thread> readerThreads() {
        synchronized (readers) {
            return List.copyOf(readers);
        }
    }

    /** The names of the files now in the directory. */
    public List<String> fileNames() {
        return byName.keySet().stream().sorted().toList();
    }

    /**
     * Adds a file to the directory.
     *
     * @param name its name: not empty, no {@code /} or NUL, not {@code .} or {@code ..}, at most 255 bytes
     * @param uid its owner, as {@code stat(2)} reports it and the kernel checks it
     * @param gid its group
     * @param mode its permission bits, for example {@code 0600}
     * @throws IllegalArgumentException for a bad name or mode, or a name already there
     * @throws IllegalStateException when the session is closed
     */
    public void addFile(String name, FuseFileHandler handler, int uid, int gid, int mode) {
        Objects.requireNonNull(handler, "handler");
        checkName(name);
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("mode must be permission bits only: " + Integer.toOctalString(mode));
        }
        add(new Node(nextNodeId.getAndIncrement(), name, handler, null, uid, gid, mode));
    }

    /**
     * Adds a symbolic link to the directory (what a serial device is: a link to its pseudo-terminal). The kernel
     * follows it itself; opens reach the target, never this session.
     *
     * @param name its name, as for {@link #addFile}
     * @param target where it points, for example {@code /dev/pts/3}: not empty, no NUL
     * @param uid its owner (a link's mode is always {@code 0777})
     * @param gid its group
     * @throws IllegalArgumentException for a bad name or target, or a name already there
     * @throws IllegalStateException when the session is closed
     */
    public void addLink(String name, String target, int uid, int gid) {
        checkName(name);
        Objects.requireNonNull(target, "target");
        if (target.isEmpty() || target.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a link's target must be a path without NUL, not \"" + target + "\"");
        }
        add(new Node(nextNodeId.getAndIncrement(), name, null, target, uid, gid, 0777));
    }

    private void add(Node node) {
        if (closed.get()) {
            throw new IllegalStateException("the FUSE session at " + directory + " is closed");
        }
        if (byName.putIfAbsent(node.name, node) != null) {
            throw new IllegalArgumentException("a file named " + node.name + " is already in " + directory);
        }
        nodes.put(node.id, node);
    }

    /**
     * Removes a file: it leaves the directory at once; programs that have it open keep reaching its handler until
     * they close it, and the handler is told ({@link FuseFileHandler#detached}).
     *
     * @return false when no such file was there
     */
    public boolean removeFile(String name) {
        Node node = byName.remove(name);
        if (node == null) {
            return false;
        }
        node.gone = true;
        invalidateEntry(name);
        forgetIfUnused(node);
        if (node.handler == null) {
            return true;
        }
        try {
            node.handler.detached();
        } catch (RuntimeException e) {
            LOG.warn("FUSE handler of " + name + " failed when detached", e);
        }
        return true;
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0 || name.getBytes(StandardCharsets.UTF_8).length > 255) {
            throw new IllegalArgumentException("not a valid file name: \"" + name
                    + "\" (it must be 1..255 bytes, without / or NUL, and not . or ..)");
        }
    }

    /**
     * Removes every file, unmounts (lazily, {@code MNT_DETACH}) and waits up to five seconds for the reader threads
     * to end. They end at once unless a program still holds a file open; they then end when it closes it. Calling
     * this again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        java.util.concurrent.ScheduledFuture<?> w = watch;
        if (w != null) {
            w.cancel(false);
        }
        for (String name : List.copyOf(byName.keySet())) {
            removeFile(name);
        }
        unmountQuietly();
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Thread reader : readerThreads()) {
            try {
                if (!reader.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    LOG.warn("FUSE reader {} for {} still running {} after unmount; a program probably holds a"
                            + " file open, its calls fail until it closes it", reader.getName(), directory,
                            CLOSE_WAIT);
                    break;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void unmountQuietly() {
        try {
            LibC.umount2(directory.toString(), LibC.MNT_DETACH);
        } catch (ErrnoException e) {
            // EINVAL: no longer a mount point (unmounted from outside); nothing left to do.
            if (e.errno() != LibC.EINVAL) {
                LOG.warn("unmounting " + directory + " failed", e);
            }
        }
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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment in = arena.allocate(MIN_READ_BUFFER, 8);
            int n = readRequest(masterFd, in);
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
            MemorySegment out = FuseRequest.buffer(INIT_OUT_SIZE);
            if (major != KERNEL_VERSION || minor < MIN_MINOR_VERSION) {
                send(masterFd, out, unique, -LibC.EPROTO, 0);
                throw new IOException("kernel offers FUSE " + major + "." + minor + "; need 7." + MIN_MINOR_VERSION
                        + " or later");
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
            send(masterFd, out, unique, 0, INIT_OUT_SIZE);
        }
    }

    /**
     * Reads one request into {@code in}; returns its length, or -1 once the connection is gone ({@code ENODEV}:
     * unmounted and no file open any more, or aborted).
     */
    private static int readRequest(int fd, MemorySegment in) throws ErrnoException {
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

    /** A reader thread: answers requests until the connection ends, then closes its fd. */
    private void serve(int fd) {
        // The message buffer comes from the pool and may be lent to a write whose driver keeps it (FuseRequest
        // keepMessage): then this reader takes another and the write's completion gives the old one back.
        MemorySegment in = buffers.take(MIN_READ_BUFFER);
        try {
            while (true) {
                int n = readRequest(fd, in);
                if (n < 0) {
                    return;
                }
                if (n < IN_HEADER_SIZE) {
                    LOG.warn("short FUSE request of {} bytes ignored", n);
                    continue;
                }
                Thread self = Thread.currentThread();
                busySince.put(self, System.nanoTime());
                try {
                    if (dispatch(fd, in)) {
                        in = buffers.take(MIN_READ_BUFFER);
                    }
                } finally {
                    busySince.remove(self);
                }
            }
        } catch (ErrnoException e) {
            LOG.error("FUSE reader for " + directory + " stopped", e);
        } finally {
            closeQuietly(fd);
        }
    }

    /** Answers whether a handler kept {@code in} (a write's data): then the caller reads into another buffer. */
    private boolean dispatch(int fd, MemorySegment in) {
        int opcode = in.get(ValueLayout.JAVA_INT_UNALIGNED, IN_OPCODE);
        long unique = in.get(ValueLayout.JAVA_LONG_UNALIGNED, IN_UNIQUE);
        long nodeId = in.get(ValueLayout.JAVA_LONG_UNALIGNED, IN_NODEID);
        MemorySegment arg = in.asSlice(IN_HEADER_SIZE);
        FuseRequest request = new FuseRequest(this, fd, unique, in.get(ValueLayout.JAVA_INT_UNALIGNED, IN_UID),
                in.get(ValueLayout.JAVA_INT_UNALIGNED, IN_GID), in.get(ValueLayout.JAVA_INT_UNALIGNED, IN_PID));
        request.message(in);
        try {
            switch (opcode) {
                case FORGET -> forget(nodeId, arg.get(ValueLayout.JAVA_LONG_UNALIGNED, FORGET_IN_NLOOKUP));
                case BATCH_FORGET -> {
                    int count = arg.get(ValueLayout.JAVA_INT_UNALIGNED, 0);
                    for (int i = 0; i < count; i++) {
                        long at = BATCH_FORGET_IN_SIZE + (long) i * FORGET_ONE_SIZE;
                        forget(arg.get(ValueLayout.JAVA_LONG_UNALIGNED, at),
                                arg.get(ValueLayout.JAVA_LONG_UNALIGNED, at + 8));
                    }
                }
                case INTERRUPT -> interrupt(request, arg.get(ValueLayout.JAVA_LONG_UNALIGNED, INTERRUPT_IN_UNIQUE));
                case LOOKUP -> lookup(request, nodeId, arg);
                case GETATTR -> attr(request, nodeId);
                case READLINK -> readLink(request, nodeId);
                case SETATTR -> {
                    int valid = arg.get(ValueLayout.JAVA_INT_UNALIGNED, SETATTR_IN_VALID);
                    if ((valid & (FATTR_MODE | FATTR_UID | FATTR_GID)) != 0) {
                        request.replyError(LibC.EPERM); // owner and mode are the driver's to set
                    } else {
                        attr(request, nodeId); // truncation and times: nothing to change on a device
                    }
                }
                case OPENDIR -> {
                    if (nodeId != ROOT_ID) {
                        request.replyError(ENOTDIR);
                    } else {
                        MemorySegment out = FuseRequest.buffer(OPEN_OUT_SIZE);
                        out.asSlice(OUT_HEADER_SIZE, OPEN_OUT_SIZE).fill((byte) 0);
                        request.replyBody(out, OPEN_OUT_SIZE);
                    }
                }
                case READDIR -> readDirectory(request, arg);
                case RELEASEDIR, FLUSH, DESTROY -> request.replyBody(FuseRequest.buffer(0), 0);
                case STATFS -> {
                    MemorySegment out = FuseRequest.buffer(STATFS_OUT_SIZE);
                    MemorySegment body = out.asSlice(OUT_HEADER_SIZE, STATFS_OUT_SIZE).fill((byte) 0);
                    body.set(ValueLayout.JAVA_INT_UNALIGNED, STATFS_BSIZE, 4096);
                    body.set(ValueLayout.JAVA_INT_UNALIGNED, STATFS_NAMELEN, 255);
                    body.set(ValueLayout.JAVA_INT_UNALIGNED, STATFS_FRSIZE, 4096);
                    request.replyBody(out, STATFS_OUT_SIZE);
                }
                case OPEN -> open(request, nodeId, arg.get(ValueLayout.JAVA_INT_UNALIGNED, OPEN_IN_FLAGS));
                case READ -> {
                    Node node = fileNode(request, nodeId);
                    if (node != null) {
                        track(request);
                        node.handler.read(request, arg.get(ValueLayout.JAVA_LONG_UNALIGNED, RW_IN_FH),
                                arg.get(ValueLayout.JAVA_LONG_UNALIGNED, RW_IN_OFFSET),
                                arg.get(ValueLayout.JAVA_INT_UNALIGNED, RW_IN_SIZE_FIELD));
                    }
                }
                case WRITE -> {
                    Node node = fileNode(request, nodeId);
                    if (node != null) {
                        int size = arg.get(ValueLayout.JAVA_INT_UNALIGNED, RW_IN_SIZE_FIELD);
                        track(request);
                        node.handler.write(request, arg.get(ValueLayout.JAVA_LONG_UNALIGNED, RW_IN_FH),
                                arg.get(ValueLayout.JAVA_LONG_UNALIGNED, RW_IN_OFFSET),
                                arg.asSlice(RW_IN_SIZE, size).asByteBuffer());
                    }
                }
                case FSYNC -> {
                    Node node = fileNode(request, nodeId);
                    if (node != null) {
                        track(request);
                        node.handler.fsync(request, arg.get(ValueLayout.JAVA_LONG_UNALIGNED, FSYNC_IN_FH));
                    }
                }
                case IOCTL -> ioctl(request, nodeId, arg);
                case POLL -> poll(request, nodeId, arg);
                case RELEASE -> {
                    Node node = nodes.get(nodeId);
                    if (node != null && node.handler != null) {
                        node.handler.release(arg.get(ValueLayout.JAVA_LONG_UNALIGNED, RELEASE_IN_FH));
                    }
                    request.replyBody(FuseRequest.buffer(0), 0);
                }
                case MKNOD, MKDIR, UNLINK, RMDIR, RENAME, RENAME2, LINK, SYMLINK, CREATE, SETXATTR, REMOVEXATTR ->
                        request.replyError(LibC.EPERM); // the directory holds the host's devices only
                default -> request.replyError(LibC.ENOSYS);
            }
        } catch (RuntimeException e) {
            LOG.warn("FUSE request " + unique + " (opcode " + opcode + ") failed", e);
            request.replyError(LibC.EIO);
        }
        return request.messageKept();
    }

    /** Remembers a request a handler may answer later, so that an INTERRUPT finds it. */
    private void track(FuseRequest request) {
        inFlight.put(request.unique(), request);
    }

    /** A request was answered (called once, by {@link FuseRequest}). */
    void answered(FuseRequest request) {
        inFlight.remove(request.unique());
    }

    private void interrupt(FuseRequest interrupt, long target) {
        FuseRequest request = inFlight.get(target);
        if (request == null) {
            // Answered already (the kernel then drops this), or not seen yet: EAGAIN makes the kernel send it again.
            interrupt.replyError(LibC.EAGAIN);
            return;
        }
        request.interrupt();
        if (!request.isAnswered()) {
            CompletableFuture.delayedExecutor(options.interruptGrace().toNanos(), TimeUnit.NANOSECONDS)
                    .execute(() -> {
                        if (!request.isAnswered()) {
                            LOG.debug("{} not answered {} after its interrupt; answering EINTR", request,
                                    options.interruptGrace());
                            request.replyError(LibC.EINTR);
                        }
                    });
        }
    }

    /** The file a request is for; answers ENOENT (and null) when there is none. */
    private Node fileNode(FuseRequest request, long nodeId) {
        Node node = nodes.get(nodeId);
        if (node == null) {
            request.replyError(nodeId == ROOT_ID ? EISDIR : LibC.ENOENT);
        } else if (node.handler == null) {
            request.replyError(ELOOP); // a link: the kernel follows it and never opens it here
            return null;
        }
        return node;
    }

    /** READLINK: a link's target. */
    private void readLink(FuseRequest request, long nodeId) {
        Node node = nodes.get(nodeId);
        if (node == null || node.linkTarget == null) {
            request.replyError(LibC.EINVAL);
            return;
        }
        byte[] target = node.linkTarget.getBytes(StandardCharsets.UTF_8);
        MemorySegment out = FuseRequest.buffer(target.length);
        MemorySegment.copy(target, 0, out, ValueLayout.JAVA_BYTE, OUT_HEADER_SIZE, target.length);
        request.replyBody(out, target.length);
    }

    private void lookup(FuseRequest request, long parent, MemorySegment arg) {
        String name = arg.getString(0, StandardCharsets.UTF_8);
        Node node = parent == ROOT_ID ? byName.get(name) : null;
        if (node == null || node.gone) {
            request.replyError(LibC.ENOENT);
            return;
        }
        node.lookups.incrementAndGet();
        MemorySegment out = FuseRequest.buffer(ENTRY_OUT_SIZE);
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, ENTRY_OUT_SIZE).fill((byte) 0);
        body.set(ValueLayout.JAVA_LONG_UNALIGNED, ENTRY_OUT_NODEID, node.id);
        body.set(ValueLayout.JAVA_LONG_UNALIGNED, ENTRY_OUT_ENTRY_VALID, CACHE_SECONDS);
        body.set(ValueLayout.JAVA_LONG_UNALIGNED, ENTRY_OUT_ATTR_VALID, CACHE_SECONDS);
        writeAttr(body.asSlice(ENTRY_OUT_ATTR), node);
        request.replyBody(out, ENTRY_OUT_SIZE);
    }

    private void forget(long nodeId, long count) {
        Node node = nodes.get(nodeId);
        if (node != null) {
            node.lookups.addAndGet(-count);
            forgetIfUnused(node);
        }
    }

    /** A removed file the kernel no longer knows is dropped for good. */
    private void forgetIfUnused(Node node) {
        if (node.gone && node.lookups.get() <= 0) {
            nodes.remove(node.id, node);
        }
    }

    private void attr(FuseRequest request, long nodeId) {
        Node node = nodeId == ROOT_ID ? null : nodes.get(nodeId);
        if (nodeId != ROOT_ID && node == null) {
            request.replyError(LibC.ENOENT);
            return;
        }
        MemorySegment out = FuseRequest.buffer(ATTR_OUT_SIZE);
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, ATTR_OUT_SIZE).fill((byte) 0);
        body.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_OUT_VALID, CACHE_SECONDS);
        writeAttr(body.asSlice(ATTR_OUT_ATTR), node);
        request.replyBody(out, ATTR_OUT_SIZE);
    }

    /** A file's attributes, or the root directory's for a null node. */
    private void writeAttr(MemorySegment attr, Node node) {
        long time = node == null ? mountTime : node.created;
        attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_INO, node == null ? ROOT_ID : node.id);
        attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_ATIME, time);
        attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_MTIME, time);
        attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_CTIME, time);
        attr.set(ValueLayout.JAVA_INT_UNALIGNED, ATTR_MODE, node == null ? S_IFDIR | 0755
                : (node.linkTarget != null ? S_IFLNK : S_IFREG) | node.mode);
        if (node != null && node.linkTarget != null) {
            attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_SIZE, node.linkTarget.getBytes(StandardCharsets.UTF_8).length);
        } else if (node != null && node.handler.size() > 0) {
            long size = node.handler.size();
            attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_SIZE, size);
            attr.set(ValueLayout.JAVA_LONG_UNALIGNED, ATTR_BLOCKS, (size + 511) / 512);
        }
        attr.set(ValueLayout.JAVA_INT_UNALIGNED, ATTR_NLINK, node == null ? 2 : 1);
        attr.set(ValueLayout.JAVA_INT_UNALIGNED, ATTR_UID, node == null ? uid : node.uid);
        attr.set(ValueLayout.JAVA_INT_UNALIGNED, ATTR_GID, node == null ? gid : node.gid);
        attr.set(ValueLayout.JAVA_INT_UNALIGNED, ATTR_BLKSIZE, 4096);
    }

    private void readDirectory(FuseRequest request, MemorySegment arg) {
        long offset = arg.get(ValueLayout.JAVA_LONG_UNALIGNED, RW_IN_OFFSET);
        int size = arg.get(ValueLayout.JAVA_INT_UNALIGNED, RW_IN_SIZE_FIELD);
        // Offsets: "." 1, ".." 2, a file with node id n: n + 1 (n >= 2), so a listing resumes at the right place
        // however files come and go between calls.
        List<Node> files = byName.values().stream().sorted(Comparator.comparingLong(n -> n.id)).toList();
        MemorySegment out = FuseRequest.buffer(size);
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, size);
        int used = 0;
        if (offset < 1) {
            used = dirent(body, used, ROOT_ID, 1, DT_DIR, ".");
        }
        if (offset < 2 && used >= 0) {
            used = dirent(body, used, ROOT_ID, 2, DT_DIR, "..");
        }
        for (Node node : files) {
            if (used < 0) {
                break;
            }
            if (node.id + 1 > offset) {
                int next = dirent(body, used, node.id, node.id + 1, node.linkTarget != null ? DT_LNK : DT_REG,
                        node.name);
                if (next < 0) {
                    break;
                }
                used = next;
            }
        }
        request.replyBody(out, Math.max(used, 0));
    }

    /** Appends a directory entry at {@code at}; returns the new length, or -1 when it does not fit. */
    private static int dirent(MemorySegment body, int at, long ino, long off, int type, String name) {
        if (at < 0) {
            return -1;
        }
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int length = (DIRENT_HEADER_SIZE + bytes.length + 7) & ~7;
        if (at + length > body.byteSize()) {
            return -1;
        }
        MemorySegment entry = body.asSlice(at, length).fill((byte) 0);
        entry.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, ino);
        entry.set(ValueLayout.JAVA_LONG_UNALIGNED, 8, off);
        entry.set(ValueLayout.JAVA_INT_UNALIGNED, 16, bytes.length);
        entry.set(ValueLayout.JAVA_INT_UNALIGNED, 20, type);
        MemorySegment.copy(bytes, 0, entry, ValueLayout.JAVA_BYTE, DIRENT_HEADER_SIZE, bytes.length);
        return at + length;
    }

    private void open(FuseRequest request, long nodeId, int flags) {
        Node node = fileNode(request, nodeId);
        if (node == null) {
            return;
        }
        if (node.gone) {
            request.replyError(LibC.ENODEV);
            return;
        }
        track(request);
        request.openFlags(node.handler.size() >= 0 ? DISK_OPEN_FLAGS : DEVICE_OPEN_FLAGS);
        node.handler.open(request, flags);
    }

    private void ioctl(FuseRequest request, long nodeId, MemorySegment arg) {
        int flags = arg.get(ValueLayout.JAVA_INT_UNALIGNED, IOCTL_IN_FLAGS);
        if ((flags & IOCTL_UNRESTRICTED) != 0) {
            request.replyError(LibC.ENOSYS);
            return;
        }
        if ((flags & IOCTL_DIR) != 0 || nodeId == ROOT_ID) {
            request.replyError(LibC.ENOTTY);
            return;
        }
        Node node = fileNode(request, nodeId);
        if (node == null) {
            return;
        }
        int inSize = arg.get(ValueLayout.JAVA_INT_UNALIGNED, IOCTL_IN_IN_SIZE);
        int outSize = arg.get(ValueLayout.JAVA_INT_UNALIGNED, IOCTL_IN_OUT_SIZE);
        track(request);
        node.handler.ioctl(request, arg.get(ValueLayout.JAVA_LONG_UNALIGNED, IOCTL_IN_FH),
                arg.get(ValueLayout.JAVA_INT_UNALIGNED, IOCTL_IN_CMD),
                arg.asSlice(IOCTL_IN_SIZE, inSize).asByteBuffer().asReadOnlyBuffer(), outSize);
    }

    private void poll(FuseRequest request, long nodeId, MemorySegment arg) {
        Node node = fileNode(request, nodeId);
        if (node == null) {
            return;
        }
        long kh = arg.get(ValueLayout.JAVA_LONG_UNALIGNED, POLL_IN_KH);
        boolean notify = (arg.get(ValueLayout.JAVA_INT_UNALIGNED, POLL_IN_FLAGS) & POLL_SCHEDULE_NOTIFY) != 0;
        int revents = node.handler.poll(arg.get(ValueLayout.JAVA_LONG_UNALIGNED, POLL_IN_FH),
                notify ? () -> notifyPoll(kh) : null);
        MemorySegment out = FuseRequest.buffer(POLL_OUT_SIZE);
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, POLL_OUT_SIZE).fill((byte) 0);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, 0, revents);
        request.replyBody(out, POLL_OUT_SIZE);
    }

    /** FUSE_NOTIFY_POLL: the kernel polls the file of poll handle {@code kh} again. */
    private void notifyPoll(long kh) {
        if (closed.get()) {
            return;
        }
        MemorySegment out = FuseRequest.buffer(8);
        out.set(ValueLayout.JAVA_LONG_UNALIGNED, OUT_HEADER_SIZE, kh);
        notification(out, NOTIFY_POLL, 8);
    }

    /** FUSE_NOTIFY_INVAL_ENTRY: the kernel drops its cached name of a removed file. */
    private void invalidateEntry(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int length = 16 + bytes.length + 1;
        MemorySegment out = FuseRequest.buffer(length);
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, length).fill((byte) 0);
        body.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, ROOT_ID);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, 8, bytes.length);
        MemorySegment.copy(bytes, 0, body, ValueLayout.JAVA_BYTE, 16, bytes.length);
        notification(out, NOTIFY_INVAL_ENTRY, length);
    }

    private void notification(MemorySegment out, int code, int bodyLength) {
        synchronized (notifyLock) {
            try {
                writeMessage(masterFd, out, 0, code, bodyLength);
            } catch (ErrnoException e) {
                // ENOENT: nothing cached or nobody polls any more; ENODEV/EBADF: the connection is gone.
                if (e.errno() != LibC.ENOENT && e.errno() != LibC.ENODEV && e.errno() != LibC.EBADF) {
                    LOG.warn("FUSE notification " + code + " failed", e);
                }
            }
        }
    }

    /**
     * Writes a reply whose body already sits after the header in {@code out}. A reply to a request the kernel no
     * longer waits for ({@code ENOENT}: interrupted and answered, or the program gone) or on a connection that is
     * gone ({@code ENODEV}) is dropped.
     */
    /** Takes one of the {@link #LENT_MESSAGES}; false (nothing taken) when they are all lent. */
    boolean lendMessage() {
        if (lentMessages.incrementAndGet() <= LENT_MESSAGES) {
            return true;
        }
        lentMessages.decrementAndGet();
        return false;
    }

    /** A message lent with {@link #lendMessage} is back. */
    void messageReturned() {
        lentMessages.decrementAndGet();
    }

    /** Message buffers lent now, for the tests. */
    int lentMessages() {
        return lentMessages.get();
    }

    BufferPool<MemorySegment> buffers() {
        return buffers;
    }

    void send(int fd, MemorySegment out, long unique, int error, int bodyLength) {
        try {
            writeMessage(fd, out, unique, error, bodyLength);
        } catch (ErrnoException e) {
            if (e.errno() != LibC.ENOENT && e.errno() != LibC.ENODEV && e.errno() != LibC.EBADF) {
                LOG.warn("FUSE reply to request " + unique + " failed", e);
            }
        }
    }

    private static void writeMessage(int fd, MemorySegment out, long unique, int error, int bodyLength)
            throws ErrnoException {
        int length = OUT_HEADER_SIZE + bodyLength;
        out.set(ValueLayout.JAVA_INT_UNALIGNED, OUT_LEN, length);
        out.set(ValueLayout.JAVA_INT_UNALIGNED, OUT_ERROR, error);
        out.set(ValueLayout.JAVA_LONG_UNALIGNED, OUT_UNIQUE, unique);
        LibC.write(fd, out, length);
    }

    @Override
    public String toString() {
        return "FUSE session at " + directory + " (" + byName.size() + " files)";
    }
}
