package org.wdf4j.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.host.JvmFlags;

/**
 * The two commands of a new driver project, end to end: {@code wdf4j new driver} (run in a JVM of its own as the
 * launcher runs it), then the project's own Maven wrapper, offline, runs {@code verify wdf4j:run}: it compiles the
 * driver, runs its test with the test kit, packages and checks the driver JAR with the plugin, and runs the driver
 * with its device; then {@code wdf4j verify} runs its battery on the package the build made (issue #13's proof).
 *
 * <p>The nested build must not write into the shared {@code ~/.m2}: it gets a local repository of its own in a
 * temporary directory, holding this reactor's wdf4j artifacts (each module's POM, and a JAR of its
 * {@code target/classes}), and a settings file whose only repository is a mirror of everything to
 * {@code file://~/.m2/repository}, from which the third-party artifacts are copied (read, never written).
 */
class NewDriverProjectTest {

    private static final Path ROOT = Path.of(System.getProperty("wdf4j.root", "..")).toAbsolutePath().normalize();
    private static final String VERSION = System.getProperty("wdf4j.version", "0.1.0-SNAPSHOT");
    private static final Path M2 = Path.of(System.getProperty("user.home"), ".m2");

    @TempDir
    Path tmp;

    /** The wdf4j modules a driver project uses, by artifactId: their directories in the reactor. */
    private static final Map<String, String> MODULES = Map.of("wdf4j-api", "wdf4j-api",
            "wdf4j-framework", "wdf4j-framework", "wdf4j-host", "wdf4j-host", "wdf4j-test", "wdf4j-test",
            "wdf4j-maven-plugin", "wdf4j-maven-plugin");

    @Test
    void aNewDriverProjectBuildsOfflineRunsItsTestAndRunsTheDriverAndPassesWdf4jVerify() throws Exception {
        Path wrapper = M2.resolve("wrapper/dists");
        assumeTrue(Files.isDirectory(M2.resolve("repository")), "no ~/.m2/repository to take the third-party artifacts from");
        assumeTrue(Files.isDirectory(wrapper) && hasMavenDistribution(wrapper),
                "no Maven distribution in ~/.m2/wrapper/dists for the project's ./mvnw to use offline");

        Path project = tmp.resolve("mydrv");
        Ran made = run(JvmFlags.hostCommand(List.of("new", "driver", "mydrv", "--directory", project.toString())),
                tmp, Map.of(), 60);
        assertThat(made.exit()).as(made.output()).isZero();
        assertThat(made.output()).contains("./mvnw verify");
        assertThat(project.resolve("src/main/java/com/example/mydrv/MydrvDriver.java")).exists();
        assertThat(project.resolve("src/test/java/com/example/mydrv/MydrvDriverTest.java")).exists();
        assertThat(Files.readString(project.resolve("pom.xml"))).doesNotContain("<parent>").contains("<wdf4j.version>" + VERSION);
        assertThat(Files.isExecutable(project.resolve("mvnw"))).isTrue();

        Path repo = tmp.resolve("repo");
        installReactorArtifacts(repo);
        Path settings = tmp.resolve("settings.xml");
        Files.writeString(settings, """
                <settings>
                  <mirrors>
                    <mirror><id>local-m2</id><mirrorOf>*</mirrorOf><url>%s</url></mirror>
                  </mirrors>
                </settings>
                """.formatted(M2.resolve("repository").toUri()));
        Ran built = run(List.of("./mvnw", "-B", "-o", "-Daether.offline.protocols=file", "-s", settings.toString(),
                        "-Dmaven.repo.local=" + repo, "verify", "wdf4j:run"), project,
                Map.of("JAVA_HOME", System.getProperty("java.home")), 240);
        assertThat(built.exit()).as(built.output()).isZero();
        assertThat(built.output())
                .contains("Tests run: 1, Failures: 0, Errors: 0, Skipped: 0")
                .contains("Driver package mydrv.jar: mydrv (entry com.example.mydrv.MydrvDriver, framework")
                .contains("passes the host's install check")
                .contains("ROOT\\MYDRV\\0000")
                .contains("Unload report for driver mydrv")
                .contains("Verdict: clean")
                .contains("BUILD SUCCESS");
        // the shared repository was only read: nothing of this build was installed there
        assertThat(M2.resolve("repository/com/example/mydrv")).doesNotExist();

        // wdf4j verify on the package the build made: the whole battery passes, with JUnit XML written
        Path xml = tmp.resolve("verify.xml");
        Ran verified = run(JvmFlags.hostCommand(List.of("verify", project.resolve("target/mydrv.jar").toString(),
                "--device", "ROOT\\MYDRV", "--junit-xml", xml.toString())), tmp, Map.of(), 240);
        assertThat(verified.exit()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("PASS  disable-enable", "PASS  allocate-fail", "cases passed")
                .doesNotContain("FAIL ");
        assertThat(Files.readString(xml)).contains("<testsuite", "failures=\"0\"");
    }

    private static boolean hasMavenDistribution(Path dists) throws IOException {
        try (Stream<Path> found = Files.find(dists, 4, (p, a) -> p.endsWith("bin/mvn"))) {
            return found.findAny().isPresent();
        }
    }

    /** Puts the reactor's wdf4j artifacts into {@code repo} as {@code mvn install} would lay them out. */
    private static void installReactorArtifacts(Path repo) throws IOException {
        install(repo, "wdf4j-parent", ROOT.resolve("pom.xml"), null);
        install(repo, "wdf4j-bom", ROOT.resolve("wdf4j-bom/pom.xml"), null);
        for (var module : MODULES.entrySet()) {
            Path dir = ROOT.resolve(module.getValue());
            Path classes = dir.resolve("target/classes");
            assertThat(classes).as("run through Maven, which builds %s first", module.getKey()).isDirectory();
            install(repo, module.getKey(), dir.resolve("pom.xml"), classes);
        }
    }

    private static void install(Path repo, String artifactId, Path pom, Path classes) throws IOException {
        Path dir = repo.resolve("org/wdf4j").resolve(artifactId).resolve(VERSION);
        Files.createDirectories(dir);
        Files.copy(pom, dir.resolve(artifactId + "-" + VERSION + ".pom"));
        if (classes != null) {
            jar(classes, dir.resolve(artifactId + "-" + VERSION + ".jar"));
        }
    }

    private static void jar(Path classes, Path jar) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out)) {
            for (Path file : files) {
                jos.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, jos);
                jos.closeEntry();
            }
        }
    }

    private record Ran(int exit, String output) {
    }

    private static Ran run(List<String> command, Path dir, Map<String, String> env, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir.getParent() == null ? dir : dir.getParent(), "run-", ".log");
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().remove("MAVEN_OPTS");
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not end within " + timeoutSeconds + " s:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Ran(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
