package org.wdf4j.host;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The unload reports kept in the driver store, {@link #KEPT} per driver: {@code reports/NAME/SEQUENCE.json}, one file a
 * report ({@link StoredReport}), each written atomically; the oldest beyond {@link #KEPT} are deleted. Every report a
 * host makes is kept, those of stops the framework made on its own included. Reports outlive an uninstall: they are
 * what happened.
 */
public final class ReportHistory {

    /** The store's directory of reports. */
    static final String DIRECTORY = "reports";
    /** How many reports are kept per driver. */
    public static final int KEPT = 20;

    private static final Pattern FILE = Pattern.compile("(\\d{10})\\.json");

    private final Path directory;

    ReportHistory(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    /** Keeps {@code report}, made at {@code time}; forgets the driver's oldest beyond {@link #KEPT}. */
    public synchronized void add(UnloadReport report, Instant time) throws IOException {
        if (!DriverStore.isDriverName(report.driver())) {
            throw new IOException("the report of driver '" + report.driver() + "' is not kept: that is not a name the "
                    + "store keeps reports under");
        }
        Path dir = directory.resolve(report.driver());
        Files.createDirectories(dir);
        List<Path> files = files(dir);
        long next = files.isEmpty() ? 1 : sequence(files.getLast()) + 1;
        AtomicFiles.write(dir.resolve(String.format("%010d.json", next)), StoredReport.toJson(report, time));
        for (Path old : files.subList(0, Math.max(0, files.size() + 1 - KEPT))) {
            Files.deleteIfExists(old);
        }
    }

    /** The driver's kept reports, oldest first; a file that cannot be read is one with its problem. */
    public synchronized List<StoredReport> of(String driver) throws IOException {
        if (!DriverStore.isDriverName(driver)) {
            return List.of();
        }
        Path dir = directory.resolve(driver);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<StoredReport> reports = new ArrayList<>();
        for (Path file : files(dir)) {
            reports.add(StoredReport.read(file, driver));
        }
        return reports;
    }

    /** The newest report kept for the driver, if any. */
    public synchronized Optional<StoredReport> latest(String driver) throws IOException {
        List<StoredReport> all = of(driver);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    /** The names of the drivers with reports kept, sorted. */
    public synchronized List<String> drivers() throws IOException {
        try (Stream<Path> dirs = Files.list(directory)) {
            return dirs.filter(d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS))
                    .map(d -> d.getFileName().toString())
                    .filter(n -> !n.startsWith(AtomicFiles.TEMP_PREFIX)).sorted().toList();
        }
    }

    /** The report files of a driver's directory, oldest first. */
    private static List<Path> files(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : all) {
                if (FILE.matcher(f.getFileName().toString()).matches()) {
                    files.add(f);
                }
            }
        }
        files.sort(null);
        return files;
    }

    private static long sequence(Path file) {
        Matcher m = FILE.matcher(file.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(file + " is not a report file");
        }
        return Long.parseLong(m.group(1));
    }
}
