package org.wdf4j.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Changes files so that a crash (kill -9, power loss) never leaves half of one: the bytes go to a temporary file in
 * the same directory and are forced to disk, the file is renamed over the target in one step, and the directory is
 * forced so that the rename itself is durable. A whole directory is made the same way (built under a temporary name,
 * then renamed into place) and removed the same way (renamed out of the way, then deleted).
 *
 * <p>Each durable step (a file forced, a rename, a directory forced) passes a {@link CrashPoints crash point}.
 */
final class AtomicFiles {

    /** Temporary files and directories start with this; {@link DriverStore} removes leftovers when it opens. */
    static final String TEMP_PREFIX = ".tmp-";

    private AtomicFiles() {
    }

    /** Writes {@code bytes} to {@code target}, replacing it atomically. */
    static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code target}, replacing it atomically. */
    static void write(Path target, Writer writer) throws IOException {
        Path temp = writeTemporary(target.toAbsolutePath().getParent(), target.getFileName().toString(), writer);
        try {
            rename(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Copies {@code in} to a new temporary file in {@code dir}, forced to disk; the caller renames it into place. */
    static Path copyToTemporary(InputStream in, Path dir, String what) throws IOException {
        return writeTemporary(dir, what, in::transferTo);
    }

    private static Path writeTemporary(Path dir, String what, Writer writer) throws IOException {
        Path temp = Files.createTempFile(dir, TEMP_PREFIX + what + "-", "");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream out = Channels.newOutputStream(channel);
                writer.writeTo(out);
                out.flush();
                channel.force(true);
            }
            CrashPoints.passed("forced " + temp);
            return temp;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * Renames a file over another (replacing it), or a directory to a name that does not exist, in one step, and
     * forces the directories involved. Both names are in the same file system (in the store: the same directory).
     */
    static void rename(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        CrashPoints.passed("renamed " + from + " to " + to);
        Path toDir = to.toAbsolutePath().getParent();
        syncDirectory(toDir);
        Path fromDir = from.toAbsolutePath().getParent();
        if (!fromDir.equals(toDir)) {
            syncDirectory(fromDir);
        }
    }

    /** Makes a creation, rename or deletion in {@code dir} durable where the platform allows it. */
    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can open or force a directory; the rename itself is still atomic
        }
        CrashPoints.passed("forced the directory " + dir);
    }

    /** Deletes a file or a directory with everything in it (nothing when it does not exist); symbolic links are not followed. */
    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
