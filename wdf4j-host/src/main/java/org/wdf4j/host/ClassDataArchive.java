package org.wdf4j.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The class-data archive of driver hosts (dynamic AppCDS): the first driver host writes the classes it loaded to a
 * file when it exits, and every later one maps them instead of loading and linking them again, which takes about a
 * third off a driver host's start (BENCHMARKS.md, section 8). The file's name depends on the JDK, the code's paths and
 * the size and time of each of its JARs ({@link #codeFingerprint}): the JVM refuses an archive made from other JARs but
 * does not write it again (found at 451ec8b: a rebuilt installation's driver hosts ran without one), and hosts of
 * different installations do not rewrite each other's. Of each kind the {@value #KEPT} newest archives are kept, older
 * ones (of older builds) deleted. The {@code wdf4j} launcher keeps one of its own for the host's and the commands' JVMs
 * (kind {@code host}, named alike; the tests' hosts use {@link #options(String, List)}).
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

    /** The archives of each kind kept in the directory, the newest by time; older ones are deleted. */
    static final int KEPT = 4;

    /** The JVM options that make and use the driver hosts' archive for {@code launch}; none when it is off. */
    static List<String> options(List<String> launch) {
        return options("driver-host", launch);
    }

    /**
     * The JVM options that make and use the archive of kind {@code kind} ({@code driver-host}, or {@code host} for a
     * host launched by a test as the {@code wdf4j} launcher launches it) for a JVM launched with {@code launch}; none
     * when it is off. Deletes the kind's archives beyond the {@value #KEPT} newest (those of older builds).
     */
    static List<String> options(String kind, List<String> launch) {
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
        String key = Runtime.version() + "\n" + System.getProperty("java.home") + "\n" + String.join("\n", launch)
                + "\n" + codeFingerprint(launch);
        Path file = dir.resolve(kind + "-" + digest(key) + ".jsa");
        prune(dir, kind, file);
        return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + file);
    }

    /**
     * Deletes the archives of {@code kind} beyond the {@value #KEPT} newest, never {@code keep}. A JVM that maps a
     * deleted archive keeps its pages; one that would have used it makes it again when it exits.
     */
    private static void prune(Path dir, String kind, Path keep) {
        Pattern name = Pattern.compile(
                Pattern.quote(kind) + "-[0-9a-f]{16}\\.jsa");
        try (var files = Files.list(dir)) {
            List<Path> archives = files.filter(f -> name.matcher(f.getFileName().toString()).matches())
                    .filter(f -> !f.equals(keep))
                    .sorted(Comparator.comparing(ClassDataArchive::modified).reversed()).toList();
            for (Path old : archives.subList(Math.min(archives.size(), KEPT - 1), archives.size())) {
                Files.deleteIfExists(old);
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("class-data archives in {} not pruned: {}", dir, e.toString());
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    /**
     * The size and modification time of every JAR of the code's path in {@code launch}: a JVM that finds its archive
     * made from JARs that changed since (a rebuilt or updated installation at the same paths) refuses it, and does
     * not write it again, so each build of the code gets an archive of its own name.
     */
    static String codeFingerprint(List<String> launch) {
        StringBuilder fingerprint = new StringBuilder();
        for (int i = 0; i + 1 < launch.size(); i++) {
            if (!launch.get(i).equals("--module-path") && !launch.get(i).equals("-cp")) {
                continue;
            }
            for (String entry : launch.get(i + 1).split(java.io.File.pathSeparator)) {
                try {
                    Path jar = Path.of(entry);
                    if (Files.isRegularFile(jar)) {
                        fingerprint.append(entry).append(' ').append(Files.size(jar)).append(' ')
                                .append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
                    }
                } catch (IOException | java.nio.file.InvalidPathException e) {
                    fingerprint.append(entry).append(" ?\n"); // the JVM will say what is wrong with it
                }
            }
        }
        return fingerprint.toString();
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
