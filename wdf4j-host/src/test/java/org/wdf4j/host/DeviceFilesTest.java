package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.fuse.FuseSession;
import org.wdf4j.host.fuse.FuseTests;
import org.wdf4j.io.CtlCode;

/**
 * The FUSE reflector end to end ({@link DeviceFiles}): drivers' devices as files under a mount root, used by real
 * programs ({@code sh}, {@code dd}, {@code ls}, the Python client {@code devclient.py}): stable names, owner and mode
 * from the SDDL, reads and writes, ioctls, poll woken by the driver, a signal cancelling the driver's request (EINTR),
 * a program killed mid-read, device removal and driver unload with the file open (ENODEV, nothing hangs), and the
 * stale mounts of a killed host removed by the next. Skipped, saying why, where {@code /dev/fuse} is missing or the
 * process may not mount.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeviceFilesTest {

    // FusePipeDriver's codes (its classes are not on the test class path): Linux _IOR/_IOWR numbers.
    static final int IOCTL_FUSEPIPE_CANCEL_COUNT = CtlCode.ioctlIor('P', 1, 8);
    static final int IOCTL_FUSEPIPE_REVERSE = CtlCode.ioctlIowr('P', 2, 16);
    static final int IOCTL_FUSEPIPE_OPENER_PID = CtlCode.ioctlIor('P', 3, 8);
    static final int IOCTL_FUSEPIPE_PENDING_READS = CtlCode.ioctlIor('P', 4, 4);
    static final int IOCTL_FUSEPIPE_INTERNAL_COUNT = CtlCode.ioctlIor('P', 5, 8);

    @TempDir
    Path dir;

    private final DriverHost host = DriverHost.create();
    private Path root;

    @BeforeEach
    void mount() throws IOException {
        FuseTests.assumeFuse();
        // Let other users reach the mount root, for the permission checks.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        root = host.mountDevices(dir.resolve("dev")).root();
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    private HostedDriver startPipe() throws Exception {
        return startPipe(HostingModel.IN_PROCESS);
    }

    private HostedDriver startPipe(HostingModel hosting) throws Exception {
        HostedDriver pipe = host.start(DriverPackage.of(TestDrivers.JAR, "org.wdf4j.testdrivers.FusePipeDriver",
                "fusepipe", DriverPackage.FRAMEWORK_VERSION, List.of("ROOT\\FUSEPIPE")), VerifierSettings.on(), hosting);
        assertThat(pipe.isRunning()).as("%s", pipe.report()).isTrue();
        assertThat(host.pnp().addDevice("ROOT\\FUSEPIPE").status()).isEqualTo(PnpManager.Status.STARTED);
        return pipe;
    }

    private static long ioctlLong(Path file, int code, int size) throws Exception {
        String[] answer = FuseTests.client("ioctl", file.toString(), Integer.toUnsignedString(code), "-",
                Integer.toString(size)).split(" ");
        assertThat(answer[0]).as(String.join(" ", answer)).isEqualTo("ok");
        ByteBuffer b = ByteBuffer.wrap(HexFormat.of().parseHex(answer[2])).order(ByteOrder.LITTLE_ENDIAN);
        return size == 8 ? b.getLong(0) : b.getInt(0);
    }

    private List<String> ls() throws Exception {
        return FuseTests.ok("ls", root.toString()).lines().toList();
    }

    @Test
    void theEchoDeviceIsAFileThatShAndDdUseAndItGoesWithTheDevice() throws Exception {
        HostedDriver echo = host.start(TestDrivers.sample(TestDrivers.ECHO), VerifierSettings.on());
        assertThat(ls()).isEmpty();
        PnpManager.DevNode node = host.pnp().addDevice("ROOT\\ECHO");
        Path file = root.resolve("echo0");
        assertThat(ls()).containsExactly("echo0");
        DeviceFiles.DeviceFile entry = host.deviceFiles().orElseThrow().files().getFirst();
        assertThat(entry.name()).isEqualTo("echo0");
        assertThat(entry.instanceId()).isEqualTo(node.instanceId());
        assertThat(entry.driver()).isEqualTo(echo.name());
        // The echo device has no security descriptor: only the host's user may open it.
        assertThat(FuseTests.ok("stat", "-c", "%a", file.toString()).trim()).isEqualTo("600");
        assertThat(PnpManager.render(host.pnp().devices(), host.deviceFiles().orElseThrow().pathsToFiles()))
                .contains("-> " + file);

        assertThat(FuseTests.ok("sh", "-c", "printf hello > \"$1\"", "sh", file.toString())).isEmpty();
        // The echo device answers every read with what was written last; dd reads once.
        assertThat(FuseTests.ok("dd", "if=" + file, "bs=5", "count=1", "status=none")).isEqualTo("hello");
        // Writes over 40 KiB fail in the driver with STATUS_BUFFER_OVERFLOW: the program sees EOVERFLOW.
        FuseTests.Ran tooLong = FuseTests.run("dd", "if=/dev/zero", "of=" + file, "bs=41000", "count=1", "status=none");
        assertThat(tooLong.exit()).isNotZero();
        assertThat(tooLong.output()).contains("Value too large");
        // Not for other users.
        assertThat(FuseTests.run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "cat", file.toString())
                .output()).contains("Permission denied");

        host.pnp().removeDevice(node.instanceId());
        assertThat(ls()).isEmpty();
        assertThat(FuseTests.run("cat", file.toString()).output()).contains("No such file");
        UnloadReport report = host.stop(echo);
        assertThat(report.clean()).as(report.render()).isTrue();
    }

    @Test
    void h5_h6_aProgramReadingAnIsolatedDeviceGetsEioWhenItsDriverHostIsKilledAndReadsAgainAfterTheRestart()
            throws Exception {
        HostedDriver echo = host.start(TestDrivers.sample(TestDrivers.ECHO), VerifierSettings.on(),
                HostingModel.ISOLATED);
        PnpManager.DevNode node = host.pnp().addDevice("ROOT\\ECHO");
        Path file = root.resolve("echo0");
        assertThat(ls()).containsExactly("echo0");
        assertThat(FuseTests.ok("sh", "-c", "printf before > \"$1\"", "sh", file.toString())).isEmpty();
        assertThat(FuseTests.ok("dd", "if=" + file, "bs=6", "count=1", "status=none")).isEqualTo("before");

        long firstPid = echo.pid();
        host.pnp().sleep(); // the echo queue holds the program's read while the system sleeps
        try (FuseTests.Program reader = FuseTests.Program.client("read-block", file.toString())) {
            assertThat(reader.nextLine()).isEqualTo("reading");
            ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
            assertThat(reader.nextLine()).as("the documented errno of STATUS_DRIVER_PROCESS_TERMINATED")
                    .isEqualTo("error EIO");
            assertThat(reader.awaitExit()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> echo.restarts() == 1
                && host.pnp().device(node.instanceId()).orElseThrow().status() == PnpManager.Status.SUSPENDED);
        host.pnp().wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> ls().contains("echo0"));
        assertThat(FuseTests.ok("sh", "-c", "printf after > \"$1\"", "sh", file.toString())).isEmpty();
        assertThat(FuseTests.ok("dd", "if=" + file, "bs=5", "count=1", "status=none")).isEqualTo("after");
        assertThat(echo.pid()).isNotEqualTo(firstPid);
    }

    @Test
    void h10_aBlockedInProcessCallbackHoldsOnlyItsReaderAndASignalStillInterruptsItsProgram() throws Exception {
        // One reader thread, so that the stuck callback holds every reader there is.
        host.unmountDevices();
        Path single = host.mountDevices(dir.resolve("dev1"), new FuseSession.Options(1, Duration.ofMillis(200))).root();
        host.start(TestDrivers.sample(TestDrivers.ECHO), VerifierSettings.on());
        host.start(DriverHostProcessTest.hostile("hang", "read"),
                VerifierSettings.on().withWaitTimeout(Duration.ofSeconds(2)), HostingModel.IN_PROCESS);
        host.pnp().addDevice("ROOT\\ECHO");
        host.pnp().addDevice("ROOT\\HOSTILE");
        Path stuck = single.resolve("hostile0");
        Path echo = single.resolve("echo0");
        try (FuseTests.Program blocked = FuseTests.Program.client("read-interrupted", stuck.toString(), "1500")) {
            assertThat(blocked.nextLine()).isEqualTo("reading");
            // The hostile driver's EvtIoRead parks on the only reader; the other driver's file is served all the same.
            assertThat(FuseTests.ok("sh", "-c", "printf served > \"$1\"", "sh", echo.toString())).isEmpty();
            assertThat(FuseTests.ok("dd", "if=" + echo, "bs=6", "count=1", "status=none")).isEqualTo("served");
            // The program's signal interrupts its own call within the grace, though the callback never returns.
            assertThat(blocked.nextLine()).isEqualTo("errno EINTR");
            assertThat(blocked.awaitExit()).isZero();
        }
    }

    @Test
    void namesAreStableAndSayWhichDeviceAndInterface() throws Exception {
        host.start(TestDrivers.sample(TestDrivers.ECHO), VerifierSettings.on());
        host.start(TestDrivers.pnpTestDriver("pnptest"), VerifierSettings.on());
        PnpManager.DevNode first = host.pnp().addDevice("ROOT\\ECHO");
        host.pnp().addDevice("ROOT\\ECHO");
        host.pnp().addDevice("ROOT\\PNPEXCLUSIVE");
        // The instance number, and an interface's reference string.
        assertThat(ls()).containsExactly("echo0", "echo1", "pnpexclusive0-ref");
        // A device that comes back gets its name back.
        host.pnp().disable(first.instanceId());
        assertThat(ls()).containsExactly("echo1", "pnpexclusive0-ref");
        host.pnp().enable(first.instanceId());
        assertThat(ls()).containsExactly("echo0", "echo1", "pnpexclusive0-ref");
        assertThat(host.deviceFiles().orElseThrow().files()).extracting(DeviceFiles.DeviceFile::instanceId)
                .contains("ROOT\\ECHO\\0000", "ROOT\\ECHO\\0001", "ROOT\\PNPEXCLUSIVE\\0000");
        assertThat(host.deviceFiles().orElseThrow().problems()).isEmpty();
    }

    @Test
    void aDeviceWhoseSddlIsNoFileModeGetsNoFileAndTheTreeSaysWhy() throws Exception {
        host.start(TestDrivers.pnpTestDriver("pnptest"), VerifierSettings.on());
        PnpManager.DevNode node = host.pnp().addDevice("ROOT\\PNPBADSDDL");
        assertThat(node.status()).as("the device itself works").isEqualTo(PnpManager.Status.STARTED);
        assertThat(ls()).isEmpty();
        DeviceFiles files = host.deviceFiles().orElseThrow();
        String path = node.interfaces().getFirst();
        assertThat(files.problems()).containsOnlyKeys(path);
        assertThat(files.problems().get(path)).contains("S-1-22-1-4242", "not the file's owner", "O:S-1-22-1-4242");
        assertThat(PnpManager.render(host.pnp().devices(), files.pathsToFiles(), files.problems()))
                .contains("interface " + path + " (no device file: its security descriptor cannot be");
        assertThat(PnpManager.toJson(host.pnp().devices(), files.pathsToFiles(), files.problems()))
                .contains("\"noDeviceFile\":{\"" + path.replace("\\", "\\\\") + "\":\"its security descriptor")
                .doesNotContain("\"files\"");
        // Still reachable through the client API.
        try (var handle = host.client().open(path).value()) {
            assertThat(handle.read(16).isSuccess()).isTrue();
        }
    }

    @Test
    void aControlDeviceIsAFileNamedAfterItWithTheModeItsSddlGives() throws Exception {
        HostedDriver nonpnp = host.start(TestDrivers.sample(TestDrivers.NONPNP), VerifierSettings.on());
        assertThat(ls()).containsExactly("nonpnp");
        // SDDL_DEVOBJ_SYS_ALL_ADM_ALL: system and administrators only.
        assertThat(FuseTests.ok("stat", "-c", "%a %u", root.resolve("nonpnp").toString()).trim()).isEqualTo("600 0");
        assertThat(FuseTests.client("open", root.resolve("nonpnp").toString())).isEqualTo("ok");
        UnloadReport report = host.stop(nonpnp);
        assertThat(report.clean()).as(report.render()).isTrue();
        assertThat(ls()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
    void h1_h3_ioctlsReachTheDriverWithTheProgramsBuffersAndIdentity(HostingModel hosting) throws Exception {
        startPipe(hosting);
        Path file = root.resolve("fusepipe0");
        assertThat(FuseTests.ok("stat", "-c", "%a", file.toString()).trim()).as("D:P(A;;GA;;;SY)(A;;GRGW;;;WD)")
                .isEqualTo("666");
        assertThat(FuseTests.client("ioctl", file.toString(), Integer.toUnsignedString(IOCTL_FUSEPIPE_REVERSE),
                "000102030405060708090a0b0c0d0e0f", "16")).isEqualTo("ok 0 0f0e0d0c0b0a09080706050403020100");
        // An unknown code fails in the driver with STATUS_INVALID_DEVICE_REQUEST: ENOTTY.
        assertThat(FuseTests.client("ioctl", file.toString(), Integer.toUnsignedString(CtlCode.ioctlIor('P', 99, 4)),
                "-", "4")).isEqualTo("errno ENOTTY");
        // EvtDeviceFileCreate saw the program's own pid.
        try (FuseTests.Program client = FuseTests.Program.client("ioctl", file.toString(),
                Integer.toUnsignedString(IOCTL_FUSEPIPE_OPENER_PID), "-", "8")) {
            String[] answer = client.nextLine().split(" ");
            assertThat(ByteBuffer.wrap(HexFormat.of().parseHex(answer[2])).order(ByteOrder.LITTLE_ENDIAN).getLong())
                    .isEqualTo(client.pid());
        }
        // Another user may use it (mode 0666); the client is copied where that user can read it (the checkout may
        // be private).
        Path client = Files.copy(FuseTests.DEVCLIENT, dir.resolve("devclient.py"));
        Files.setPosixFilePermissions(client, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(FuseTests.ok("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", FuseTests.PYTHON,
                client.toString(), "open", file.toString()).trim()).isEqualTo("ok");
    }

    // ST8: a program's ioctl on a device file is a device control, never an internal one. The pipe's
    // EvtIoInternalDeviceControl would complete any code with success and count it; the program's ioctls reach
    // EvtIoDeviceControl instead (a code it knows answers, one it does not fails with ENOTTY), and the internal
    // handler never ran.
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
    void st8_aProgramsIoctlOnADeviceFileNeverArrivesAsAnInternalDeviceControl(HostingModel hosting) throws Exception {
        HostedDriver pipe = startPipe(hosting);
        Path file = root.resolve("fusepipe0");
        for (int code : new int[] {CtlCode.ioctlIor('P', 99, 4), CtlCode.ioctlIow('P', 98, 4), CtlCode.ioctlIo('P', 97)}) {
            assertThat(FuseTests.client("ioctl", file.toString(), Integer.toUnsignedString(code), "01020304",
                    code == CtlCode.ioctlIor('P', 99, 4) ? "4" : "0"))
                    .as("ioctl 0x%08x reaches EvtIoDeviceControl, which does not know it", code).isEqualTo("errno ENOTTY");
        }
        assertThat(FuseTests.client("ioctl", file.toString(), Integer.toUnsignedString(IOCTL_FUSEPIPE_REVERSE),
                "000102030405060708090a0b0c0d0e0f", "16")).isEqualTo("ok 0 0f0e0d0c0b0a09080706050403020100");
        assertThat(ioctlLong(file, IOCTL_FUSEPIPE_INTERNAL_COUNT, 8)).as("internal device controls received").isZero();
        assertThat(pipe.runtime().journal()).noneMatch(e -> e.detail().contains("EvtIoInternalDeviceControl"));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
    void h1_h3_pollWaitsUntilTheDriverHasDataToRead(HostingModel hosting) throws Exception {
        startPipe(hosting);
        Path file = root.resolve("fusepipe0");
        try (FuseTests.Program poller = FuseTests.Program.client("poll-then-read", file.toString(), "20000")) {
            assertThat(poller.nextLine()).isEqualTo("polling");
            // The driver said WRITABLE only: the poller waits. A write makes the driver say READABLE, which wakes it.
            assertThat(FuseTests.client("write", file.toString(), "ping")).isEqualTo("wrote 4");
            assertThat(poller.nextLine()).isEqualTo("events 1 data ping");
            assertThat(poller.awaitExit()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
    void h1_h3_aSignalCancelsTheDriversRequestAndTheProgramSeesEintr(HostingModel hosting) throws Exception {
        startPipe(hosting);
        Path file = root.resolve("fusepipe0");
        assertThat(FuseTests.client("read-interrupted", file.toString(), "300").lines().toList().getLast())
                .isEqualTo("errno EINTR");
        // Normally the cancel routine's completion is the EINTR; a driver slower than the grace is answered by the
        // reflector first, so wait for the driver's side rather than assume the order.
        await().atMost(Duration.ofSeconds(10)).until(() -> ioctlLong(file, IOCTL_FUSEPIPE_CANCEL_COUNT, 8) == 1);
        assertThat(ioctlLong(file, IOCTL_FUSEPIPE_PENDING_READS, 4)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
    void h1_h3_aProgramKilledInAReadEndsAndTheDriverSeesTheCancel(HostingModel hosting) throws Exception {
        HostedDriver pipe = startPipe(hosting);
        Path file = root.resolve("fusepipe0");
        try (FuseTests.Program reader = FuseTests.Program.client("read-block", file.toString())) {
            assertThat(reader.nextLine()).isEqualTo("reading");
            await().atMost(Duration.ofSeconds(10)).until(() -> ioctlLong(file, IOCTL_FUSEPIPE_PENDING_READS, 4) == 1);
            reader.kill();
            reader.awaitExit();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ioctlLong(file, IOCTL_FUSEPIPE_CANCEL_COUNT, 8) == 1);
        assertThat(ioctlLong(file, IOCTL_FUSEPIPE_PENDING_READS, 4)).isZero();
        UnloadReport report = host.stop(pipe);
        assertThat(report.clean()).as(report.render()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
    void h1_removingTheDeviceFailsPendingAndLaterCallsWithEnodevAndNothingHangs(HostingModel hosting) throws Exception {
        HostedDriver pipe = startPipe(hosting);
        Path file = root.resolve("fusepipe0");
        try (FuseTests.Program holder = FuseTests.Program.client("hold", file.toString());
                FuseTests.Program reader = FuseTests.Program.client("read-block", file.toString())) {
            assertThat(holder.nextLine()).isEqualTo("open");
            assertThat(reader.nextLine()).isEqualTo("reading");
            await().atMost(Duration.ofSeconds(10)).until(() -> ioctlLong(file, IOCTL_FUSEPIPE_PENDING_READS, 4) == 1);

            String instance = host.pnp().devices().stream().filter(n -> "ROOT\\FUSEPIPE".equals(n.hardwareId()))
                    .findFirst().orElseThrow().instanceId();
            host.pnp().removeDevice(instance);

            assertThat(reader.nextLine()).isEqualTo("error ENODEV");
            holder.closeInput();
            assertThat(holder.nextLine()).isEqualTo("after errno ENODEV");
            assertThat(holder.awaitExit()).isZero();
            reader.awaitExit();
        }
        assertThat(ls()).isEmpty();
        UnloadReport report = host.stop(pipe);
        assertThat(report.clean()).as(report.render()).isTrue();
    }

    @Test
    void unloadingTheDriverWithTheFileOpenFailsLaterCallsAndTheHostCloses() throws Exception {
        HostedDriver pipe = startPipe();
        Path file = root.resolve("fusepipe0");
        try (FuseTests.Program holder = FuseTests.Program.client("hold", file.toString())) {
            assertThat(holder.nextLine()).isEqualTo("open");
            UnloadReport report = host.stop(pipe);
            assertThat(report.clean()).as(report.render()).isTrue();
            assertThat(ls()).isEmpty();
            holder.closeInput();
            assertThat(holder.nextLine()).isEqualTo("after errno ENODEV");
            assertThat(holder.awaitExit()).isZero();
        }
        host.close();
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).noneMatch(l -> l.contains(root.toString()));
    }

    @Test
    void theNextHostRemovesTheMountsOfAKilledHost() throws Exception {
        Path state = dir.resolve("state");
        Path mountRoot = dir.resolve("killed-dev");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        try (FuseTests.Program killed = FuseTests.Program.start(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "org.wdf4j.host.cli.Wdf4jCommand", "host",
                "--state-dir", state.toString(), "--mount-root", mountRoot.toString())) {
            String line;
            do {
                line = killed.nextLine();
            } while (!line.startsWith("wdf4j host: pid"));
            assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).anyMatch(l -> l.contains(" " + mountRoot + " "));
            killed.kill();
            killed.awaitExit();
        }
        // The dead host's mount stays, and every access fails (ENOTCONN).
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).anyMatch(l -> l.contains(" " + mountRoot + " "));
        assertThatThrownBy(() -> Files.list(mountRoot).close()).hasMessageContaining("not connected");

        try (DriverHost next = DriverHost.create(state)) {
            DeviceFiles files = next.mountDevices(mountRoot);
            assertThat(Files.list(files.root()).toList()).isEmpty();
            assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .filter(l -> l.contains(" " + mountRoot + " ")).count()).isEqualTo(1);
        }
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).noneMatch(l -> l.contains(" " + mountRoot + " "));
    }

    @Test
    void aMountRootALiveHostServesIsRefused() throws Exception {
        try (DriverHost other = DriverHost.create()) {
            assertThatThrownBy(() -> other.mountDevices(root)).isInstanceOf(IOException.class)
                    .hasMessageContaining("served by a running wdf4j host");
        }
    }
}
