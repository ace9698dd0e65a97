package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.host.cli.Wdf4jCommand;
import org.wdf4j.host.control.HostClient;
import org.wdf4j.host.control.Output;
import org.wdf4j.host.control.Request;

/**
 * One host per state directory and its control socket, met as a user meets them: real {@code wdf4j host} processes
 * ({@link HostProcess}) and {@code wdf4j} commands in processes of their own ({@link LauncherRun}).
 */
class HostProcessTest {

    @TempDir
    Path tmp;

    private Path state() {
        return tmp.resolve("state");
    }

    /** The pid the host on {@link #state()} answers to a ping, or empty when none answers. */
    private OptionalInt pingedPid() throws IOException {
        List<String> out = new ArrayList<>();
        OptionalInt exit = HostClient.request(state(), Request.parse("ping"), Output.of(out::add, out::add));
        if (exit.isEmpty()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(out.getFirst().split(" ")[3])); // wdf4j host pid N state DIR
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }

    // Issue #11: deleting host.lock let a second host start on the same store; its exit then deleted host.sock and
    // left the first host unreachable. The lock is the kernel's, on the directory: the file's existence does not matter.
    @Test
    void deletingTheLockFileDoesNotLetASecondHostStartAndTheRefusedOneLeavesTheSocketAlone() throws Exception {
        try (HostProcess first = HostProcess.start(state())) {
            Path socket = state().resolve("host.sock");
            Object socketKey = fileKey(socket);
            Files.delete(state().resolve("host.lock"));

            LauncherRun.Ran second = LauncherRun.run("host", "--state-dir", state().toString(), "--no-device-files");
            assertThat(second.exit()).as(second.output()).isEqualTo(1);
            assertThat(second.output()).contains("is in use by another wdf4j host", "one host per state directory");

            assertThat(fileKey(socket)).as("the refused host left the first one's socket as it was").isEqualTo(socketKey);
            assertThat(pingedPid()).as("the first host still answers").hasValue((int) first.pid());

            LauncherRun.Ran shutdown = LauncherRun.run("host", "shutdown", "--state-dir", state().toString());
            assertThat(shutdown.exit()).as(shutdown.output()).isZero();
            assertThat(first.awaitExit()).isZero();
            assertThat(socket).doesNotExist();
        }
    }

    // A host killed with SIGKILL leaves its lock to the kernel, which releases it: the next host starts at once.
    @Test
    void aKilledHostsLockIsReleasedByItsDeath() throws Exception {
        try (HostProcess killed = HostProcess.start(state())) {
            killed.kill();
        }
        try (HostProcess next = HostProcess.start(state())) {
            assertThat(next.output()).contains("removed the stale socket");
            assertThat(pingedPid()).hasValue((int) next.pid());
        }
    }

    // Issue #11: deleting host.sock while a host ran left it unreachable. The host that holds the lock makes a new one.
    @Test
    void aDeletedSocketIsRecreatedByTheHostThatHoldsTheLock() throws Exception {
        try (HostProcess host = HostProcess.start(state())) {
            Path socket = state().resolve("host.sock");
            Files.delete(socket);
            host.awaitLine(l -> l.contains("was deleted or replaced; listening on a new one"));
            assertThat(pingedPid()).hasValue((int) host.pid());

            // Replaced by something else (here a plain file): the host takes its path back.
            Path other = Files.writeString(tmp.resolve("not-a-socket"), "x");
            Files.move(other, socket, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(30)).until(() -> pingedPid().orElse(-1) == host.pid());

            CliRun list = CliRun.of("list", "--state-dir", state().toString());
            assertThat(list.exit()).as(list.err()).isZero();
            assertThat(CliRun.of("host", "shutdown", "--state-dir", state().toString()).exit()).isZero();
            assertThat(host.awaitExit()).isZero();
        }
    }

    // Issue #11: device add kept any hardware ID. The CLI and the host refuse one that breaks the rules, name the rule,
    // and keep no node.
    @Test
    void deviceAddRefusesHardwareIdsThatBreakTheRulesAndKeepsNoNode() throws Exception {
        try (HostProcess host = HostProcess.start(state())) {
            LauncherRun.Ran dotDot = LauncherRun.run("device", "add", "ROOT\\..\\..\\tmp\\x", "--state-dir",
                    state().toString());
            assertThat(dotDot.exit()).as(dotDot.output()).isEqualTo(1);
            assertThat(dotDot.output().strip()).isEqualTo("wdf4j device add: 'ROOT\\..\\..\\tmp\\x' is not a valid "
                    + "hardware ID: it has a '..' component; no component may be '.' or '..'");
            LauncherRun.Ran huge = LauncherRun.run("device", "add", "ROOT\\" + "X".repeat(8000), "--state-dir",
                    state().toString());
            assertThat(huge.exit()).as(huge.output()).isEqualTo(1);
            assertThat(huge.output()).contains("is not a valid hardware ID: it is 8005 characters long; a hardware ID "
                    + "has at most 200");

            // A client other than the CLI meets the same rule in the host.
            List<String> err = new ArrayList<>();
            OptionalInt exit = HostClient.request(state(), Request.parse("device-add ROOT\\.\\X"),
                    Output.of(line -> { }, err::add));
            assertThat(exit).hasValue(1);
            assertThat(err).containsExactly("'ROOT\\.\\X' is not a valid hardware ID: it has a '.' component; no "
                    + "component may be '.' or '..'");

            CliRun devices = CliRun.of("devices", "--state-dir", state().toString());
            assertThat(devices.out()).contains("(no devices)");
        }
    }

    private CliRun wdf4j(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", state().toString()));
        return CliRun.of(all.toArray(String[]::new));
    }

    private CliRun ok(String... args) {
        CliRun run = wdf4j(args);
        assertThat(run.exit()).as("wdf4j %s: %s%s", String.join(" ", args), run.out(), run.err()).isZero();
        return run;
    }

    // The record of where threads start (JFR, for the leak reports of in-process drivers) costs a host's start about
    // a second of CPU and its flight recorder's memory: a host starts it with its first in-process driver, not before.
    @Test
    void aHostRecordsThreadStartsOnlyOnceAnInProcessDriverIsLoaded() throws Exception {
        try (HostProcess host = HostProcess.start(state())) {
            ok("install", TestDrivers.HELLO.toString());
            ok("driver", "start", "--hosting", "isolated", "hello");
            assertThat(recordings(host.pid())).as("only isolated drivers").contains("No available recordings");
            ok("driver", "stop", "hello");
            ok("driver", "start", "--hosting", "in-process", "hello");
            assertThat(recordings(host.pid())).as("an in-process driver").doesNotContain("No available recordings")
                    .contains("Recording");
            ok("driver", "stop", "hello");
            assertThat(host.shutdown(state())).isZero();
        }
    }

    /** What {@code jcmd PID JFR.check} says of the process's flight recordings. */
    private static String recordings(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "JFR.check").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("jcmd ended: %s", out).isTrue();
        assertThat(jcmd.exitValue()).as("jcmd: %s", out).isZero();
        return out;
    }

    // Issue #11: after a host was killed and started again, the devices added and the drivers started were gone, and
    // instance numbers started again at 0000. Now they come back, in order, with their instance IDs; device remove
    // and driver stop forget, device add --once is not remembered, and --clean-start brings nothing back.
    @Test
    void devicesAndDriverStartsComeBackAfterAKillAndInstanceIdsStayStable() throws Exception {
        try (HostProcess first = HostProcess.start(state())) {
            ok("install", TestDrivers.ECHO.toString());
            ok("install", TestDrivers.HELLO.toString());
            ok("driver", "start", "hello");
            assertThat(ok("device", "add", "ROOT\\ECHO").out()).contains("device ROOT\\ECHO\\0000 added: STARTED");
            ok("device", "add", "ROOT\\ECHO");
            assertThat(ok("device", "add", "--once", "ROOT\\ECHO").out()).contains("ROOT\\ECHO\\0002 added");
            ok("device", "add", "ROOT\\ECHO");
            ok("device", "remove", "ROOT\\ECHO\\0000");
            ok("device", "disable", "ROOT\\ECHO\\0003");
            first.kill();
        }
        try (HostProcess second = HostProcess.start(state())) {
            assertThat(second.output()).contains("wdf4j host: started driver hello again",
                    "wdf4j host: added device ROOT\\ECHO\\0001 (ROOT\\ECHO) back: STARTED (driver echo)",
                    "wdf4j host: added device ROOT\\ECHO\\0003 (ROOT\\ECHO) back: DISABLED");
            assertThat(second.output().indexOf("started driver hello again"))
                    .as("drivers first, then their devices").isLessThan(second.output().indexOf("added device"));
            String devices = ok("devices").out();
            assertThat(devices).containsPattern("ROOT\\\\ECHO\\\\0001\\s+ROOT\\\\ECHO\\s+echo\\s+STARTED")
                    .containsPattern("ROOT\\\\ECHO\\\\0003\\s+ROOT\\\\ECHO\\s+\\S+\\s+DISABLED")
                    .doesNotContain("ROOT\\ECHO\\0000", "ROOT\\ECHO\\0002");
            assertThat(ok("list").out()).containsPattern("hello\\s+STARTED");
            assertThat(ok("device", "add", "ROOT\\ECHO").out()).as("no number is given twice")
                    .contains("device ROOT\\ECHO\\0004 added: STARTED");

            assertThat(ok("driver", "stop", "hello").out()).contains("Unload report for driver hello");
            ok("host", "shutdown");
            assertThat(second.awaitExit()).isZero();
        }
        try (HostProcess clean = HostProcess.start(state(), "--clean-start")) {
            assertThat(clean.output()).contains("wdf4j host: clean start: 0 driver start(s) and 3 device(s) not brought "
                    + "back").doesNotContain("added device");
            assertThat(ok("devices").out()).contains("(no devices)");
            assertThat(ok("device", "add", "ROOT\\ECHO").out()).as("the remembered numbers are kept")
                    .contains("device ROOT\\ECHO\\0005 added");
            ok("host", "shutdown");
            assertThat(clean.awaitExit()).isZero();
        }
        try (HostProcess third = HostProcess.start(state())) {
            assertThat(third.output()).doesNotContain("driver hello again");
            String devices = ok("devices").out();
            for (String id : List.of("0001", "0003", "0004", "0005")) {
                assertThat(devices).contains("ROOT\\ECHO\\" + id);
            }
            assertThat(ok("list").out()).as("not started again: stopped, as its last kept report says")
                    .containsPattern("hello\\s+stopped");
            ok("host", "shutdown");
            assertThat(third.awaitExit()).isZero();
        }
    }

    // A user who may not use the socket is told so in one line, with whose it is and its mode, not with an exception.
    @Test
    void aUserWithoutAccessToTheSocketIsToldWhoseItIsAndItsMode() throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root") && Files.isExecutable(setpriv),
                "needs root and setpriv to run the command as another user");
        Path code = worldReadableCopyOfTheCode();
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (HostProcess host = HostProcess.start(state())) {
            // The state directory is 0700: the socket cannot even be seen.
            Ran closedDir = asNobody(code, "list", "--state-dir", state().toString());
            assertThat(closedDir.exit()).as(closedDir.output()).isEqualTo(1);
            assertThat(closedDir.output().strip()).doesNotContain("Exception").hasLineCount(1)
                    .startsWith("wdf4j list: permission denied on the control socket " + state().resolve("host.sock"))
                    .contains("in " + state() + ", owner root, mode rwx------; you are nobody");

            // The directory open, the socket 0600: connect(2) is refused.
            Files.setPosixFilePermissions(state(), PosixFilePermissions.fromString("rwxr-xr-x"));
            Ran closedSocket = asNobody(code, "devices", "--state-dir", state().toString());
            assertThat(closedSocket.exit()).as(closedSocket.output()).isEqualTo(1);
            assertThat(closedSocket.output().strip()).doesNotContain("Exception").hasLineCount(1)
                    .isEqualTo("wdf4j devices: permission denied on the control socket " + state().resolve("host.sock")
                            + " (owner root, mode rw-------; you are nobody): run the command as root, or use a state "
                            + "directory of your own (--state-dir)");
            assertThat(pingedPid()).hasValue((int) host.pid());
        }
    }

    record Ran(int exit, String output) {
    }

    /** Runs {@code wdf4j ARGS} as the user nobody, with the launcher's flags and the copied code. */
    private Ran asNobody(Path code, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(LauncherRun.launcherJvmFlags());
        try (Stream<Path> modules = Files.list(code)) {
            command.addAll(List.of("--module-path", String.join(java.io.File.pathSeparator,
                    modules.sorted().map(Path::toString).toList()), "-m",
                    HostCode.MODULE + "/" + Wdf4jCommand.class.getName()));
        }
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Ran(process.exitValue(), output);
    }

    /** The host's code (its module path) copied where the user nobody can read it (~/.m2 is root's alone). */
    private Path worldReadableCopyOfTheCode() throws IOException {
        Path code = Files.createDirectories(tmp.resolve("code"));
        int i = 0;
        for (Path location : HostCode.locations()) {
            Path target = code.resolve(Files.isDirectory(location) // target/classes, several: numbered
                    ? String.format("%02d-%s", i++, location.getFileName()) : location.getFileName().toString());
            try (Stream<Path> files = Files.walk(location)) {
                for (Path f : files.toList()) {
                    Path copy = target.resolve(location.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(f, copy);
                    }
                }
            }
        }
        try (Stream<Path> all = Files.walk(tmp)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p)
                        ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return code;
    }
}
