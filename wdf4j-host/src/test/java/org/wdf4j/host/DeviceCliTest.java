package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.host.control.HostCommands;
import org.wdf4j.host.control.HostServer;

/** The wdf4j command with devices: run --device, and devices, device and power against a running host. */
class DeviceCliTest {

    static final String ECHO_INTERFACE = "\\\\?\\ROOT#ECHO#0000#{cdc35b6e-0be4-4936-bf5f-5537380a7c1a}";

    @TempDir
    Path tmp;

    private HostServer server;

    @AfterEach
    void shutdown() {
        if (server != null) {
            server.shutdown();
        }
    }

    private String state() {
        return tmp.resolve("s").toString();
    }

    /** Runs the command on this test's state directory. */
    private CliRun wdf4j(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--state-dir";
        all[args.length + 1] = state();
        return CliRun.of(all);
    }

    @Test
    void runWithDevicesAddsThemPrintsTheTreeRemovesThemAndUnloads() {
        CliRun run = CliRun.of("run", "--device", "ROOT\\ECHO", "--device", "root\\echo", TestDrivers.ECHO.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("== Device tree", "ROOT\\ECHO\\0000", "ROOT\\ECHO\\0001", "STARTED",
                "    interface " + ECHO_INTERFACE, "Unload report for driver echo", "Verdict: clean");
        assertThat(run.out().indexOf("== Device tree")).isLessThan(run.out().indexOf("Unload report for driver echo"));
        // The devices were removed before the driver was stopped: EvtDriverUnload came after both removes.
        assertThat(run.out()).contains("Echo: EvtDriverUnload after 2 device(s) added");
    }

    @Test
    void runWithMountRootAndExecLetsAProgramUseTheDevicesFile() throws Exception {
        org.wdf4j.host.fuse.FuseTests.assumeFuse();
        Path out = tmp.resolve("out.txt");
        CliRun run = CliRun.of("run", "--device", "ROOT\\ECHO", "--mount-root", tmp.resolve("dev").toString(), "--exec",
                "printf ping > \"$WDF4J_MOUNT_ROOT/echo0\" && dd if=\"$WDF4J_MOUNT_ROOT/echo0\" bs=4 count=1 status=none > "
                        + out, TestDrivers.ECHO.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("    interface " + ECHO_INTERFACE + " -> " + tmp.resolve("dev").resolve("echo0"),
                "Verdict: clean");
        assertThat(java.nio.file.Files.readString(out)).isEqualTo("ping");
        assertThat(java.nio.file.Files.readAllLines(Path.of("/proc/self/mountinfo")))
                .noneMatch(l -> l.contains(tmp.resolve("dev").toString()));

        CliRun failing = CliRun.of("run", "--device", "ROOT\\ECHO", "--mount-root", tmp.resolve("dev").toString(),
                "--exec", "exit 7", TestDrivers.ECHO.toString());
        assertThat(failing.exit()).isEqualTo(1);
        assertThat(failing.err()).contains("wdf4j run: the command exited with status 7");
        CliRun noRoot = CliRun.of("run", "--exec", "true", TestDrivers.ECHO.toString());
        assertThat(noRoot.exit()).isEqualTo(2);
        assertThat(noRoot.err()).contains("--exec needs --mount-root DIR");
    }

    @Test
    void theRunningHostMountsItsDevicesAndDevicesShowsTheirFiles() throws Exception {
        org.wdf4j.host.fuse.FuseTests.assumeFuse();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Path dev = tmp.resolve("dev");
        server = HostServer.start(Path.of(state()), dev, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("wdf4j host: device files in " + dev);
        assertThat(wdf4j("install", TestDrivers.ECHO.toString()).exit()).isZero();
        assertThat(wdf4j("device", "add", "ROOT\\ECHO").exit()).isZero();
        CliRun tree = wdf4j("devices");
        assertThat(tree.out()).contains("interface " + ECHO_INTERFACE + " -> " + dev.resolve("echo0"));
        assertThat(wdf4j("devices", "--json").out()).contains("\"files\":{\"" + ECHO_INTERFACE.replace("\\", "\\\\")
                + "\":\"" + dev.resolve("echo0") + "\"}");
        assertThat(java.nio.file.Files.exists(dev.resolve("echo0"))).isTrue();
        server.shutdown();
        server = null;
        assertThat(java.nio.file.Files.readAllLines(Path.of("/proc/self/mountinfo")))
                .noneMatch(l -> l.contains(dev.toString()));
    }

    @Test
    void runJsonWithDevicesHasTheTreeInTheDocument() {
        CliRun run = CliRun.of("run", "--json", "--device", "ROOT\\ECHO", TestDrivers.ECHO.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        String out = run.out().strip();
        assertThat(out).startsWith("{\"drivers\":[{\"name\":\"echo\"")
                .contains(",\"devices\":[{\"instanceId\":\"ROOT\\\\ECHO\\\\0000\",\"hardwareId\":\"ROOT\\\\ECHO\","
                        + "\"driver\":\"echo\",\"status\":\"STARTED\",\"problem\":null,\"cause\":null,\"host\":\"driver host ")
                .containsPattern("\"host\":\"driver host \\d+ \\(pool default\\), 0 restarts, 5 left\",\"interfaces\":\\[\"[^\"]+ROOT#ECHO#0000#")
                .contains("\"controlDevices\":[],\"parent\":null,\"hardwareIds\":[\"ROOT\\\\ECHO\"]")
                .endsWith("\"stack\":[\"echo (function driver)\"]}]}")
                .doesNotContain("\n");
    }

    @Test
    void runWithADeviceNoDriverListsExitsThreeAndShowsTheNodeWithoutDriver() {
        CliRun run = CliRun.of("run", "--device", "ROOT\\NOBODY", TestDrivers.HELLO.toString());
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).contains("wdf4j run: device ROOT\\NOBODY\\0000 did not start: NO_DRIVER",
                "no driver given lists the hardware ID ROOT\\NOBODY");
        assertThat(run.out()).contains("ROOT\\NOBODY\\0000", "NO_DRIVER (no driver lists ROOT\\NOBODY)",
                "Unload report for driver hello", "Verdict: clean");
    }

    @Test
    void deviceCommandsWithoutAHostSayNoneRuns() {
        for (String[] command : new String[][] {{"devices"}, {"device", "add", "ROOT\\ECHO"}, {"power", "sleep"}}) {
            CliRun run = wdf4j(command);
            assertThat(run.exit()).as(String.join(" ", command)).isEqualTo(HostCommands.NO_HOST);
            assertThat(run.err()).contains("no wdf4j host is running for", "wdf4j host --state-dir");
        }
    }

    @Test
    void devicesDeviceAndPowerDriveTheRunningHostsTree() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        server = HostServer.start(Path.of(state()), new PrintStream(log, true, StandardCharsets.UTF_8));
        assertThat(wdf4j("install", TestDrivers.ECHO.toString()).exit()).isZero();

        CliRun empty = wdf4j("devices");
        assertThat(empty.exit()).isZero();
        assertThat(empty.out()).contains("(no devices)");

        // The installed driver that lists the hardware ID is started for the device.
        CliRun added = wdf4j("device", "add", "ROOT\\ECHO");
        assertThat(added.exit()).as(added.out() + added.err()).isZero();
        assertThat(added.out()).contains("device ROOT\\ECHO\\0000 added: STARTED (driver echo)",
                "  interface " + ECHO_INTERFACE);
        assertThat(wdf4j("list").out()).containsPattern("echo\\s+STARTED");

        CliRun tree = wdf4j("devices");
        assertThat(tree.out()).containsPattern("ROOT\\\\ECHO\\\\0000\\s+ROOT\\\\ECHO\\s+echo\\s+STARTED")
                .contains("interface " + ECHO_INTERFACE);

        assertThat(wdf4j("device", "disable", "ROOT\\ECHO\\0000").out()).contains("device ROOT\\ECHO\\0000 disabled");
        assertThat(wdf4j("devices", "--json").out()).contains("\"status\":\"DISABLED\"", "\"interfaces\":[]");
        assertThat(wdf4j("device", "enable", "ROOT\\ECHO\\0000").out()).contains("enabled: STARTED (driver echo)");

        CliRun sleep = wdf4j("power", "sleep");
        assertThat(sleep.exit()).isZero();
        assertThat(sleep.out()).contains("the system sleeps").containsPattern("ROOT\\\\ECHO\\\\0000.*SUSPENDED");
        assertThat(wdf4j("power", "wake").out()).contains("the system is awake").containsPattern("echo\\s+STARTED");

        assertThat(wdf4j("device", "surprise-remove", "ROOT\\ECHO\\0000").out())
                .contains("device ROOT\\ECHO\\0000 surprise-removed");
        assertThat(wdf4j("device", "add", "ROOT\\ECHO").out()).contains("device ROOT\\ECHO\\0001 added: STARTED");
        assertThat(wdf4j("device", "remove", "ROOT\\ECHO\\0001").exit()).isZero();
        CliRun unknown = wdf4j("device", "remove", "ROOT\\ECHO\\0001");
        assertThat(unknown.exit()).isEqualTo(HostCommands.REFUSED);
        assertThat(unknown.err()).contains("wdf4j device remove: no device ROOT\\ECHO\\0001 in the device tree");

        CliRun nobody = wdf4j("device", "add", "ROOT\\NOBODY");
        assertThat(nobody.exit()).isEqualTo(HostCommands.NOT_CLEAN);
        assertThat(nobody.out()).contains("device ROOT\\NOBODY\\0000 added: NO_DRIVER");
        assertThat(nobody.err()).contains("no running or installed driver lists ROOT\\NOBODY");

        // U7 through the CLI: stopping the driver removes its device first; the node stays without a driver.
        assertThat(wdf4j("device", "add", "ROOT\\ECHO").exit()).isZero();
        CliRun stopped = wdf4j("driver", "stop", "echo");
        assertThat(stopped.exit()).as(stopped.out() + stopped.err()).isZero();
        assertThat(stopped.out()).contains("Devices removed first:  ROOT\\ECHO\\0002", "Verdict: clean");
        assertThat(wdf4j("devices").out()).containsPattern("ROOT\\\\ECHO\\\\0002\\s+ROOT\\\\ECHO\\s+-\\s+NO_DRIVER");

        // Starting the driver again gives the waiting node its device back.
        assertThat(wdf4j("driver", "start", "echo").exit()).isZero();
        assertThat(wdf4j("devices").out()).containsPattern("ROOT\\\\ECHO\\\\0002\\s+ROOT\\\\ECHO\\s+echo\\s+STARTED");
    }
}
