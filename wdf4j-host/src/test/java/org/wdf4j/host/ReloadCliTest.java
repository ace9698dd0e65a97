package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code wdf4j driver reload} (issue 13's edit-reload loop) against a real {@code wdf4j host} process, one for the
 * class: a rebuilt package replaces the running driver's and the driver comes back where it ran with its devices, in
 * both hosting models; a bad package is refused before anything stops; an unclean unload report ends the reload unless
 * --force; without a host the package is replaced only. Each "build" of a package is the test drivers' JAR with a
 * different {@code build.txt}, so its SHA-256 tells the builds apart.
 */
class ReloadCliTest {

    private static Path tmp;
    private static HostProcess host;

    @BeforeAll
    static void startHost() throws Exception {
        tmp = Files.createTempDirectory("wdf4j-reload");
        host = HostProcess.start(tmp.resolve("s"));
    }

    @AfterAll
    static void stopHost() throws Exception {
        if (host != null) {
            host.shutdown(tmp.resolve("s"));
            host.close();
        }
        try (var files = Files.walk(tmp)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static CliRun cli(Path state, String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--state-dir";
        all[args.length + 1] = state.toString();
        return CliRun.of(all);
    }

    private static CliRun cli(String... args) {
        return cli(tmp.resolve("s"), args);
    }

    /** The test drivers' JAR as driver {@code name} of {@code entry} binding to {@code hardwareId}, build {@code build}. */
    private static Path build(Path jar, String entry, String name, String hardwareId, int build) throws IOException {
        return LauncherRun.repackage(jar, entry, name, null, hardwareId == null ? List.of() : List.of(hardwareId),
                out -> {
                    out.putNextEntry(new JarEntry("build.txt"));
                    out.write(("build " + build).getBytes(StandardCharsets.UTF_8));
                    out.closeEntry();
                });
    }

    /** The installed package's SHA-256 as {@code wdf4j status} shows it. */
    private static String sha256(Path state, String name) {
        CliRun status = cli(state, "status", name);
        Matcher m = Pattern.compile("sha256 ([0-9a-f]{64})").matcher(status.out());
        assertThat(m.find()).as("%s", status).isTrue();
        return m.group(1);
    }

    @ParameterizedTest
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
    void reloadReplacesARunningDriversPackageAndBringsItBackWithItsDevices(HostingModel hosting) throws Exception {
        String name = "reload-" + hosting.label();
        String hardwareId = "ROOT\\RELOAD" + (hosting.isIsolated() ? "ISO" : "LOCAL");
        Path work = build(tmp.resolve(name + ".jar"), "org.wdf4j.testdrivers.PnpTestDriver", name, hardwareId, 1);
        assertThat(cli("install", "--hosting", hosting.label(), work.toString()).exit()).isZero();
        CliRun start = cli("driver", "start", name);
        assertThat(start.exit()).as("%s", start).isZero();
        CliRun add = cli("device", "add", hardwareId);
        assertThat(add.exit()).as("%s", add).isZero();
        String device = hardwareId + "\\0000";
        String first = sha256(tmp.resolve("s"), name);

        // the loop: rebuild in place (mvn package), then reload from the file it was installed from
        build(work, "org.wdf4j.testdrivers.PnpTestDriver", name, hardwareId, 2);
        CliRun reload = cli("driver", "reload", name);
        assertThat(reload.exit()).as("%s", reload).isZero();
        assertThat(reload.out()).containsSubsequence("Verdict: clean", "replaced driver " + name + " from " + work,
                "driver " + name + " started again (STARTED, " + hosting, "device " + device + ": STARTED");
        String second = sha256(tmp.resolve("s"), name);
        assertThat(second).isNotEqualTo(first);
        CliRun status = cli("status", name);
        assertThat(status.out()).contains("runs:       " + hosting);
        assertThat(cli("devices").out()).containsPattern("\\Q" + device + "\\E .*" + name + " +STARTED");

        // a JAR given: its build replaces the installed one
        Path other = build(tmp.resolve(name + "-3.jar"), "org.wdf4j.testdrivers.PnpTestDriver", name, hardwareId, 3);
        CliRun given = cli("driver", "reload", name, other.toString());
        assertThat(given.exit()).as("%s", given).isZero();
        assertThat(given.out()).contains("replaced driver " + name + " from " + other, "device " + device + ": STARTED");
        assertThat(sha256(tmp.resolve("s"), name)).isNotEqualTo(second);

        // a bad package is refused before anything stops: the driver, its device and its package are as they were
        String third = sha256(tmp.resolve("s"), name);
        Path bad = build(tmp.resolve(name + "-bad.jar"), "org.wdf4j.testdrivers.NoSuchDriver", name, hardwareId, 4);
        CliRun refused = cli("driver", "reload", name, bad.toString());
        assertThat(refused.exit()).as("%s", refused).isEqualTo(2);
        assertThat(refused.err()).contains("org.wdf4j.testdrivers.NoSuchDriver");
        assertThat(refused.out()).doesNotContain("Verdict");
        assertThat(cli("status", name).out()).contains("runs:       " + hosting);
        assertThat(sha256(tmp.resolve("s"), name)).isEqualTo(third);
        assertThat(cli("devices").out()).containsPattern("\\Q" + device + "\\E .*" + name + " +STARTED");

        CliRun stop = cli("driver", "stop", name);
        assertThat(stop.exit()).as("%s", stop).isZero();
    }

    // Issue #13: wdf4j driver restart stops a running driver and starts it again with its installed package, where it
    // ran; its device comes back; the package is not touched; a driver that is not running is refused.
    @ParameterizedTest
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
    void restartStopsAndStartsARunningDriverWithItsDevicesAndKeepsItsPackage(HostingModel hosting) throws Exception {
        String name = "restart-" + hosting.label();
        String hardwareId = "ROOT\\RESTART" + (hosting.isIsolated() ? "ISO" : "LOCAL");
        Path work = build(tmp.resolve(name + ".jar"), "org.wdf4j.testdrivers.PnpTestDriver", name, hardwareId, 1);
        assertThat(cli("install", "--hosting", hosting.label(), work.toString()).exit()).isZero();
        CliRun notRunning = cli("driver", "restart", name);
        assertThat(notRunning.exit()).as("%s", notRunning).isEqualTo(1);
        assertThat(notRunning.err()).contains("driver " + name + " is not running; start it with wdf4j driver start");
        assertThat(cli("driver", "start", name).exit()).isZero();
        assertThat(cli("device", "add", hardwareId).exit()).isZero();
        String device = hardwareId + "\\0000";
        String installed = sha256(tmp.resolve("s"), name);
        build(work, "org.wdf4j.testdrivers.PnpTestDriver", name, hardwareId, 2); // rebuilt: a restart does not take it

        CliRun restart = cli("driver", "restart", name);
        assertThat(restart.exit()).as("%s", restart).isZero();
        assertThat(restart.out()).containsSubsequence("Unload report for driver " + name, "Verdict: clean",
                "driver " + name + " started again (STARTED, " + hosting, "device " + device + ": STARTED")
                .doesNotContain("replaced driver");
        assertThat(sha256(tmp.resolve("s"), name)).isEqualTo(installed);
        assertThat(cli("devices").out()).containsPattern("\\Q" + device + "\\E .*" + name + " +STARTED");
        assertThat(cli("driver", "stop", name).exit()).isZero();
    }

    @Test
    void anUncleanUnloadReportEndsTheReloadUnlessForced() throws Exception {
        String name = "reload-leaky";
        Path v1 = build(tmp.resolve("leaky-1.jar"), "org.wdf4j.testdrivers.LeakingDriver", name, null, 1);
        assertThat(cli("install", v1.toString()).exit()).isZero();
        assertThat(cli("driver", "start", name).exit()).isZero();
        String first = sha256(tmp.resolve("s"), name);
        Path v2 = build(tmp.resolve("leaky-2.jar"), "org.wdf4j.testdrivers.LeakingDriver", name, null, 2);

        CliRun reload = cli("driver", "reload", name, v2.toString());
        assertThat(reload.exit()).as("%s", reload).isEqualTo(3);
        assertThat(reload.out()).contains("Verdict: NOT clean").doesNotContain("replaced driver");
        assertThat(reload.err()).contains("the unload report of driver " + name + " is not clean",
                "reload anyway with --force");
        assertThat(sha256(tmp.resolve("s"), name)).isEqualTo(first);
        assertThat(cli("status", name).out()).doesNotContain("runs:");

        assertThat(cli("driver", "start", name).exit()).isZero();
        CliRun forced = cli("driver", "reload", "--force", name, v2.toString());
        assertThat(forced.exit()).as("%s", forced).isZero();
        assertThat(forced.out()).containsSubsequence("Verdict: NOT clean", "replaced driver " + name,
                "driver " + name + " started again");
        assertThat(sha256(tmp.resolve("s"), name)).isNotEqualTo(first);
        assertThat(cli("driver", "stop", name).exit()).isEqualTo(3);
    }

    @Test
    void withoutAHostTheReloadReplacesThePackageOnly(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("s");
        String name = "reload-nohost";
        Path v1 = build(dir.resolve("v1.jar"), "org.wdf4j.testdrivers.CleanDriver", name, null, 1);
        assertThat(cli(state, "install", v1.toString()).exit()).isZero();
        String first = sha256(state, name);
        Path v2 = build(dir.resolve("v2.jar"), "org.wdf4j.testdrivers.CleanDriver", name, null, 2);
        CliRun reload = cli(state, "driver", "reload", name, v2.toString());
        assertThat(reload.exit()).as("%s", reload).isZero();
        assertThat(reload.out()).contains("replaced driver " + name + " from " + v2 + "; it is not running");
        assertThat(sha256(state, name)).isNotEqualTo(first);

        CliRun missing = cli(state, "driver", "reload", "no-such-driver");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("no driver named no-such-driver is installed");
    }
}
