package org.wdf4j.host;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which driver a driver host was calling when it died: a small file that the driver host maps and the host reads
 * after the process ended, however it ended (the pages belong to the kernel, so a crash loses nothing written).
 *
 * <p>Slots, each the number of a driver of the process (0: none): {@link #READER}, set while the driver host's reader
 * thread submits a request or a cancel to a driver (its I/O callbacks may run inline there); {@link #CONTROL}, set while
 * its control thread waits for a driver's lifecycle callback (DriverEntry, unload, device add, PnP, create, cleanup);
 * {@link #CULPRIT}, set by a driver that ended the process itself (System.exit in its code). The host blames the
 * culprit, else the drivers of the other slots, else (a driver's own thread, or the JVM itself) every driver of the
 * process (H6).
 */
final class Blackbox implements AutoCloseable {

    static final int READER = 0;
    static final int CONTROL = 1;
    static final int CULPRIT = 2;
    private static final int SLOTS = 3;
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private final Path file;
    private final FileChannel channel;
    private final MappedByteBuffer slots;

    private Blackbox(Path file, FileChannel channel, MappedByteBuffer slots) {
        this.file = file;
        this.channel = channel;
        this.slots = slots;
    }

    /** Creates the file (zeros) for a new driver host, in a directory only this user can read. */
    static Path create() throws IOException {
        Path file = Files.createTempFile("wdf4j-driver-host-", ".blackbox");
        file.toFile().deleteOnExit(); // the host deletes it when the process ends; this is for a host that ends first
        Files.write(file, new byte[SLOTS * Integer.BYTES]);
        return file;
    }

    /** Maps the file read-write (the driver host) or read-only (the host, after the process ended). */
    static Blackbox map(Path file, boolean write) throws IOException {
        FileChannel channel = write ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.READ);
        MappedByteBuffer slots = channel.map(write ? FileChannel.MapMode.READ_WRITE : FileChannel.MapMode.READ_ONLY, 0,
                SLOTS * Integer.BYTES);
        return new Blackbox(file, channel, slots);
    }

    /** Sets a slot (the driver host); 0 clears it. */
    void set(int slot, int driver) {
        INT.setVolatile(slots, slot * Integer.BYTES, driver);
    }

    int get(int slot) {
        return (int) INT.getVolatile(slots, slot * Integer.BYTES);
    }

    /** The drivers to blame: the culprit alone when one named itself, else those of the reader and control slots. */
    Set<Integer> suspects() {
        Set<Integer> suspects = new LinkedHashSet<>();
        int culprit = get(CULPRIT);
        if (culprit != 0) {
            suspects.add(culprit);
            return suspects;
        }
        for (int slot : new int[] {READER, CONTROL}) {
            if (get(slot) != 0) {
                suspects.add(get(slot));
            }
        }
        return suspects;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to keep
        }
    }
}
