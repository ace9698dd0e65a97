package org.wdf4j.host.fuse;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loop device attached to a file: Linux's block device over a regular file, made with the loop driver's ioctls
 * (what {@code losetup} does), without the tool:
 * <ul>
 *   <li>{@code LOOP_CTL_GET_FREE} on {@code /dev/loop-control} names a free device {@code /dev/loopN} (devtmpfs
 *       makes its node);</li>
 *   <li>{@code LOOP_CONFIGURE} attaches the file in one call, with the logical block size (the disk's sector size),
 *       {@code LO_FLAGS_AUTOCLEAR} (the device detaches itself when its last opener closes it, so a host that dies
 *       leaves no loop device behind once nothing else holds it) and {@code LO_FLAGS_READ_ONLY} for a read-only disk.
 *       Another process that takes the same device first makes it fail with {@code EBUSY}: then the next free one is
 *       tried;</li>
 *   <li>{@link #close} is {@code LOOP_CLR_FD} and the close of the host's descriptor: the device is detached at once,
 *       or, while something else holds it (a mounted file system), as soon as that lets go.</li>
 * </ul>
 * Attaching opens the file, and detaching may write back the block device's cached pages: when the file is served by
 * this process's own FUSE session, both must run on a thread that is not one of the session's readers (they would
 * wait for themselves).
 */
public final class LoopDevice implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoopDevice.class);

    static final long LOOP_CTL_GET_FREE = 0x4C82;
    static final long LOOP_CONFIGURE = 0x4C0A;
    static final long LOOP_CLR_FD = 0x4C01;
    static final int LO_FLAGS_READ_ONLY = 1;
    static final int LO_FLAGS_AUTOCLEAR = 4;
    /** {@code struct loop_config}: fd u32, block_size u32, struct loop_info64 (232 bytes), __reserved u64[8]. */
    static final int LOOP_CONFIG_SIZE = 4 + 4 + 232 + 64;
    static final long LOOP_CONFIG_FD = 0;
    static final long LOOP_CONFIG_BLOCK_SIZE = 4;
    /** loop_info64 at 8: lo_device, lo_inode, lo_rdevice, lo_offset, lo_sizelimit (u64), lo_number, lo_encrypt_type,
     * lo_encrypt_key_size, lo_flags (u32), lo_file_name[64], ... */
    static final long LOOP_CONFIG_FLAGS = 8 + 40 + 12;
    static final long LOOP_CONFIG_FILE_NAME = 8 + 56;
    private static final int FILE_NAME_SIZE = 64;
    private static final int ATTEMPTS = 16;

    private final int number;
    private final int fd;
    private final Path file;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LoopDevice(int number, int fd, Path file) {
        this.number = number;
        this.fd = fd;
        this.file = file;
    }

    /** Whether this machine has loop devices this process may attach ({@code /dev/loop-control} opens). */
    public static String unavailableReason() {
        try {
            LibC.close(LibC.open("/dev/loop-control", LibC.O_RDWR | LibC.O_CLOEXEC));
            return null;
        } catch (ErrnoException e) {
            return "/dev/loop-control cannot be opened (" + e.getMessage() + "): no loop devices here, or no"
                    + " CAP_SYS_ADMIN";
        }
    }

    /**
     * Attaches {@code file} to a free loop device.
     *
     * @param blockSize the logical block size (512..4096, a power of two)
     * @throws ErrnoException when there is no loop-control, no free device, or the kernel refuses the file
     */
    public static LoopDevice attach(Path file, int blockSize, boolean readOnly) throws ErrnoException {
        int control = LibC.open("/dev/loop-control", LibC.O_RDWR | LibC.O_CLOEXEC);
        int backing = LibC.open(file.toString(), (readOnly ? LibC.O_RDONLY : LibC.O_RDWR) | LibC.O_CLOEXEC);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment config = arena.allocate(LOOP_CONFIG_SIZE, 8).fill((byte) 0);
            config.set(ValueLayout.JAVA_INT, LOOP_CONFIG_FD, backing);
            config.set(ValueLayout.JAVA_INT, LOOP_CONFIG_BLOCK_SIZE, blockSize);
            config.set(ValueLayout.JAVA_INT, LOOP_CONFIG_FLAGS,
                    LO_FLAGS_AUTOCLEAR | (readOnly ? LO_FLAGS_READ_ONLY : 0));
            byte[] name = file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            MemorySegment.copy(name, 0, config, ValueLayout.JAVA_BYTE, LOOP_CONFIG_FILE_NAME,
                    Math.min(name.length, FILE_NAME_SIZE - 1));
            for (int attempt = 1; ; attempt++) {
                int number = LibC.ioctl(control, LOOP_CTL_GET_FREE, MemorySegment.NULL);
                int loop = LibC.open("/dev/loop" + number, (readOnly ? LibC.O_RDONLY : LibC.O_RDWR) | LibC.O_CLOEXEC);
                try {
                    LibC.ioctl(loop, LOOP_CONFIGURE, config);
                    return new LoopDevice(number, loop, file);
                } catch (ErrnoException e) {
                    closeQuietly(loop);
                    if (e.errno() != LibC.EBUSY || attempt == ATTEMPTS) {
                        throw e;
                    }
                    // another process took /dev/loopN between GET_FREE and CONFIGURE: ask again
                }
            }
        } finally {
            closeQuietly(backing); // the loop device holds the file itself
            closeQuietly(control);
        }
    }

    /** {@code /dev/loopN}. */
    public Path path() {
        return Path.of("/dev/loop" + number);
    }

    /** The file it was attached to. */
    public Path file() {
        return file;
    }

    /**
     * Detaches: {@code LOOP_CLR_FD}, then the host's descriptor is closed. A device something else still holds (a
     * mounted file system) detaches when that lets go (the kernel's autoclear). Calling this again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            LibC.ioctl(fd, LOOP_CLR_FD, MemorySegment.NULL);
        } catch (ErrnoException e) {
            // ENXIO: already detached (autoclear); anything else: the close below still lets autoclear act
            if (e.errno() != LibC.ENXIO) {
                LOG.warn("LOOP_CLR_FD on {} failed: {}; it detaches when its last user closes it", path(),
                        e.getMessage());
            }
        }
        closeQuietly(fd);
    }

    /**
     * The loop devices attached to a file at or under {@code root} (from {@code /sys/block/loop*}/loop/backing_file):
     * what a host that died left over its mount root.
     */
    public static List<Path> attachedUnder(Path root) {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> blocks = Files.list(Path.of("/sys/block"))) {
            for (Path block : blocks.filter(b -> b.getFileName().toString().startsWith("loop")).toList()) {
                Path backing = block.resolve("loop/backing_file");
                if (Files.isReadable(backing)) {
                    String target = Files.readString(backing).strip().replaceFirst(" \\(deleted\\)$", "");
                    if (Path.of(target).startsWith(root)) {
                        found.add(Path.of("/dev").resolve(block.getFileName()));
                    }
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list loop devices: {}", e.getMessage());
        }
        return found;
    }

    /** Detaches a loop device by path ({@code LOOP_CLR_FD}); for devices a dead host left. */
    public static void detach(Path device) throws ErrnoException {
        int loop = LibC.open(device.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        try {
            LibC.ioctl(loop, LOOP_CLR_FD, MemorySegment.NULL);
        } finally {
            closeQuietly(loop);
        }
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (ErrnoException e) {
            LOG.debug("close of fd {} failed: {}", fd, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return path() + " over " + file + (closed.get() ? " (detached)" : "");
    }
}
