package org.wdf4j.host.isolation;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.BooleanSupplier;

/**
 * The memory a host and one driver host share for their {@link Channel}: a file (in {@code /dev/shm} where there is
 * one, so its pages never reach a disk) holding two {@link SharedRing}s, the host's messages to the driver host and the
 * driver host's to the host. The host creates it, readable by its own user only, and names it to the driver host,
 * which maps it at start; the host deletes the file once the driver host is ready (both keep their mappings), so no
 * process's end leaves it behind.
 */
public final class SharedChannelFile implements AutoCloseable {

    /** Each direction's ring: 256 KiB (a 64 KiB read's answer and more; larger messages stream through). */
    public static final int CAPACITY = 256 * 1024;

    private final Arena arena;
    private final SharedRing toDriverHost;
    private final SharedRing toHost;

    private SharedChannelFile(Arena arena, MemorySegment memory, long spinNanos, BooleanSupplier peerAlive) {
        this.arena = arena;
        long ring = SharedRing.size(CAPACITY);
        this.toDriverHost = new SharedRing(memory.asSlice(0, ring), CAPACITY, spinNanos, peerAlive);
        this.toHost = new SharedRing(memory.asSlice(ring, ring), CAPACITY, spinNanos, peerAlive);
    }

    /** Whether this machine can share a channel's memory (else the channel stays on the pipes). */
    public static boolean available() {
        return Futex.available();
    }

    /** Creates a new file of zeros for a driver host's channel. */
    public static Path create() throws IOException {
        Path shm = Path.of("/dev/shm");
        Path dir = Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
        Path file = Files.createTempFile(dir, "wdf4j-driver-host-", ".channel",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(0);
            channel.position(2 * SharedRing.size(CAPACITY) - 1);
            channel.write(java.nio.ByteBuffer.wrap(new byte[1])); // sized; the pages are zero until written
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        return file;
    }

    /**
     * Maps the file.
     *
     * @param spinNanos how long a side spins for a message before it sleeps
     * @param peerAlive whether the other process still lives
     */
    public static SharedChannelFile map(Path file, long spinNanos, BooleanSupplier peerAlive) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment memory = channel.map(FileChannel.MapMode.READ_WRITE, 0, 2 * SharedRing.size(CAPACITY), arena);
            return new SharedChannelFile(arena, memory, spinNanos, peerAlive);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The host's end: it writes to the driver host and reads what the driver host writes. */
    public Channel hostEnd() {
        return new Channel(toHost.reader(), toDriverHost.writer());
    }

    /** The driver host's end. */
    public Channel driverHostEnd() {
        return new Channel(toDriverHost.reader(), toHost.writer());
    }

    /**
     * Closes both directions (the memory stays mapped while the process lives: a thread may still be in a copy): the
     * readers read what was written, then the end; writers fail.
     */
    @Override
    public void close() {
        toDriverHost.close();
        toHost.close();
    }
}
