package org.wdf4j.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data archive of driver hosts (dynamic AppCDS): the first driver host writes the classes it loaded to a
 * file when it exits, and every later one maps them instead of loading and linking them again, which takes about a
 * third off a driver host's start (BENCHMARKS.md, section 8). The JVM checks the archive against its own build and the
 * code's paths and writes it again when they changed; the file's name also depends on both, so hosts of different
 * installations do not rewrite each other's.
 *
 * <p>The directory is the user's cache ({@code $XDG_CACHE_HOME/wdf4j}, else {@code ~/.cache/wdf4j}), or the system
 * property {@value #DIR}; {@code -D}{@value #DIR}{@code =off} turns the archive off. When the directory cannot be made
 * the driver hosts start without one.
 */
final class ClassDataArchive {

    private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);
    /** The system property naming the archive's directory, or {@code off}. */
    static final String DIR = "wdf4j.driverHost.classDataDir";

    private ClassDataArchive() {
    }

    /** The JVM options that make and use the archive for a JVM launched with {@code launch}; none when it is off. */
    static List<String> options(List<String> launch) {
        Path dir = directory();
        if (dir == null) {
            return List.of();
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("no class-data archive for driver hosts: cannot make {}: {}", dir, e.toString());
            return List.of();
        }
        if (!Files.isWritable(dir)) {
            LOG.debug("no class-data archive for driver hosts: {} is not writable", dir);
            return List.of();
        }
        String key = Runtime.version() + "\n" + System.getProperty("java.home") + "\n" + String.join("\n", launch);
        Path file = dir.resolve("driver-host-" + digest(key) + ".jsa");
        return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + file);
    }

    private static Path directory() {
        String set = System.getProperty(DIR);
        if (set != null && !set.isBlank()) {
            return set.strip().equals("off") ? null : Path.of(set.strip());
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "wdf4j");
        }
        String home = System.getProperty("user.home");
        return home == null || home.isBlank() ? null : Path.of(home, ".cache", "wdf4j");
    }

    private static String digest(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
