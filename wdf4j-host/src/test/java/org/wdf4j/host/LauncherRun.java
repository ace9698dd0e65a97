package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.wdf4j.host.cli.Wdf4jCommand;

/**
 * The {@code wdf4j} command run in a JVM of its own as the {@code wdf4j} launcher runs it (H9): the launcher's JVM
 * flags, read from its last line, and the host's code as modules on the module path ({@link HostCode}: here the
 * {@code target/classes} directories of the host and, as the reactor resolves them, of the framework and the API, and
 * the libraries' JARs). The test JVM itself runs on the class path, where every package is open; this one does not.
 */
final class LauncherRun {

    /** How the command ended: its exit status and its output (standard output and error, interleaved). */
    record Ran(int exit, String output) {

        /** Each driver's unload report, by driver name, in the order printed. */
        Map<String, String> reports() {
            Map<String, String> reports = new LinkedHashMap<>();
            String[] parts = output.split("Unload report for driver ");
            for (int i = 1; i < parts.length; i++) {
                String part = parts[i];
                int end = part.indexOf('\n');
                reports.put(part.substring(0, end).strip(), part);
            }
            return reports;
        }
    }

    private LauncherRun() {
    }

    /** The launcher's last line, split into words: {@code exec "$jdk/bin/java" ... "$@"}. */
    static List<String> launcherLine() throws IOException {
        Path launcher = Path.of(System.getProperty("wdf4j.home", ".."), "wdf4j");
        List<String> lines = Files.readAllLines(launcher);
        List<String> words = Arrays.asList(lines.getLast().trim().split("\\s+"));
        assertThat(words.subList(0, 2)).as("the launcher ends with exec java").containsExactly("exec", "\"$jdk/bin/java\"");
        return words;
    }

    /** The JVM options of the wdf4j launcher: the options on its java command line (its last line) before -D. */
    static List<String> launcherJvmFlags() throws IOException {
        return launcherLine().stream().skip(2).takeWhile(w -> w.startsWith("--") || w.startsWith("-XX")).toList();
    }

    /**
     * The launcher's class-data sharing options (its {@code cds} array): the host's archive, made by the first JVM that
     * exits, and the JVM's own log on standard error without CDS's (see the launcher).
     */
    static List<String> launcherClassData() {
        List<String> options = new ArrayList<>(ClassDataArchive.options("host", HostCode.launch(Wdf4jCommand.class)));
        if (!options.isEmpty()) {
            options.addAll(List.of("-Xlog:disable", "-Xlog:all=warning,cds*=off,aot*=off:stderr"));
        }
        return options;
    }

    /** Runs {@code wdf4j ARGS} as the launcher does, with nothing on its standard input; waits at most 90 s. */
    static Ran run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), null, args);
    }

    /** As {@link #run(String...)}, with more environment variables and in directory {@code cwd} (null: this one's). */
    static Ran run(Map<String, String> env, Path cwd, String... args) throws IOException, InterruptedException {
        assertThat(HostCode.modular()).as("the host's code must be modules here: %s", HostCode.locations()).isTrue();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launcherJvmFlags());
        command.addAll(launcherClassData());
        command.add("-Dwdf4j.home=" + Path.of(System.getProperty("wdf4j.home", "..")).toAbsolutePath().normalize());
        command.addAll(HostCode.launch(Wdf4jCommand.class));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("wdf4j-launcher-run", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            if (cwd != null) {
                builder.directory(cwd.toFile());
            }
            Process process = builder.start();
            process.getOutputStream().close();
            boolean ended = process.waitFor(90, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (!ended) {
                throw new AssertionError("wdf4j " + String.join(" ", args) + " did not end within 90 s; output:\n" + output);
            }
            return new Ran(process.exitValue(), output);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * The test drivers' JAR as a package of its own, whose manifest names {@code entryClass} and {@code name} and asks
     * for {@code hosting} (null: none), for the command line.
     */
    static Path repackage(Path target, String entryClass, String name, HostingModel hosting) throws IOException {
        return repackage(target, entryClass, name, hosting, out -> { });
    }

    /** More entries of a package made by {@link #repackage(Path, String, String, HostingModel, MoreEntries)}. */
    interface MoreEntries {
        void writeTo(JarOutputStream out) throws IOException;
    }

    /** The same, with more entries after the test drivers'. */
    static Path repackage(Path target, String entryClass, String name, HostingModel hosting, MoreEntries more)
            throws IOException {
        return repackage(target, entryClass, name, hosting, List.of(), more);
    }

    /** The same, binding to {@code hardwareIds} (its Wdf4j-Hardware-Ids; none when empty). */
    static Path repackage(Path target, String entryClass, String name, HostingModel hosting, List<String> hardwareIds,
                          MoreEntries more) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(DriverPackage.ENTRY_ATTRIBUTE, entryClass);
        main.putValue(DriverPackage.NAME_ATTRIBUTE, name);
        main.putValue(DriverPackage.VERSION_ATTRIBUTE, DriverPackage.FRAMEWORK_VERSION);
        if (!hardwareIds.isEmpty()) {
            main.putValue(DriverPackage.HARDWARE_IDS_ATTRIBUTE, String.join(",", hardwareIds));
        }
        if (hosting != null) {
            main.putValue(DriverPackage.HOSTING_ATTRIBUTE, hosting.label());
        }
        try (JarFile source = new JarFile(TestDrivers.JAR.toFile());
             OutputStream file = Files.newOutputStream(target);
             JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (JarEntry entry : source.stream().toList()) {
                if (entry.getName().equals(JarFile.MANIFEST_NAME) || entry.getName().equals("META-INF/")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(entry.getName()));
                try (InputStream in = source.getInputStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
            more.writeTo(out);
        }
        return target;
    }
}
