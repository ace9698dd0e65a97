package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.host.control.HostClient;
import org.wdf4j.host.control.HostCommands;
import org.wdf4j.host.control.HostServer;
import org.wdf4j.host.control.Output;
import org.wdf4j.host.control.Request;

/** The long-lived host: its control socket and protocol end to end, in this JVM, and the CLI that talks to it. */
class ControlSocketTest {

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private HostServer server;

    private Path state() {
        return tmp.resolve("s");
    }

    private HostServer startServer() throws Exception {
        server = HostServer.start(state(), new PrintStream(log, true, StandardCharsets.UTF_8));
        return server;
    }

    @AfterEach
    void shutdown() {
        if (server != null) {
            server.shutdown();
        }
    }

    private record Answer(int exit, List<String> out, List<String> err) {
        String text() {
            return String.join("\n", out);
        }
    }

    private Answer request(String line) throws Exception {
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        OptionalInt exit = HostClient.request(state(), Request.parse(line), new Output() {
            @Override
            public void out(String l) {
                out.add(l);
            }

            @Override
            public void err(String l) {
                err.add(l);
            }
        });
        assertThat(exit).as("a host answers").isPresent();
        return new Answer(exit.getAsInt(), out, err);
    }

    @Test
    void installStartStopStatusAndShutdownOverTheSocket() throws Exception {
        startServer();
        assertThat(request("ping").text()).contains("wdf4j host pid " + ProcessHandle.current().pid());
        Answer installed = request("install --entry=org.wdf4j.testdrivers.ParametersDriver --name=params " + TestDrivers.JAR.toAbsolutePath());
        assertThat(installed.exit()).as("%s", installed).isZero();
        assertThat(installed.text()).contains("installed driver params");

        Answer started = request("start params");
        assertThat(started.exit()).as("%s", started).isZero();
        assertThat(started.text()).as("H2: the long-lived host runs a driver isolated and pooled unless told otherwise")
                .matches("driver params started \\(STARTED, pooled in driver host \\d+ \\(pool default\\), verifier on\\)");
        assertThat(request("list").text()).containsPattern("params\\s+STARTED\\s+org.wdf4j.testdrivers.ParametersDriver");

        Answer refused = request("uninstall params");
        assertThat(refused.exit()).isEqualTo(HostCommands.REFUSED);
        assertThat(refused.err()).containsExactly("driver params is running; stop it before uninstalling it");

        Answer stopped = request("stop params");
        assertThat(stopped.exit()).as("%s", stopped).isZero();
        assertThat(stopped.out()).contains("Unload report for driver params", "  EvtDriverUnload called: yes",
                "  Verdict: clean");
        assertThat(request("status params").text()).contains("state:      stopped", "last unload: clean",
                "StartCount = REG_DWORD 0x00000001 (1)", "LastStatus = REG_SZ started 1");

        assertThat(request("start params").exit()).isZero();
        Answer json = request("stop --json params");
        assertThat(json.out()).singleElement().asString().startsWith("{\"name\":\"params\"").contains("\"clean\":true");

        Answer unknown = request("frobnicate");
        assertThat(unknown.exit()).isEqualTo(HostCommands.REFUSED);
        assertThat(unknown.err()).singleElement().asString().contains("unknown request 'frobnicate'");

        assertThat(request("shutdown").exit()).isZero();
        // The answer is sent before the server's last step (releasing the state directory), so wait for it.
        assertThat(server.awaitShutdown(Duration.ofSeconds(30))).isTrue();
        assertThat(server.isShutDown()).isTrue();
        assertThat(state().resolve("host.sock")).doesNotExist();
        assertThat(HostClient.request(state(), Request.parse("ping"), Output.of(System.out, System.err))).isEmpty();
        DriverHost.create(state()).close(); // the lock was released
    }

    // Shutting down stops every running driver and writes its report to the host's log.
    @Test
    void shutdownStopsRunningDriversAndLogsTheirReports() throws Exception {
        startServer();
        assertThat(request("install --entry=org.wdf4j.testdrivers.CleanDriver --name=clean " + TestDrivers.JAR).exit()).isZero();
        assertThat(request("start clean").exit()).isZero();
        List<String> reports = server.shutdown();
        assertThat(reports).singleElement().asString().contains("Unload report for driver clean", "Verdict: clean");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("Unload report for driver clean", "wdf4j host: stopped");
        assertThat(state().resolve("host.sock")).doesNotExist();
    }

    @Test
    void theSocketIsOwnerOnly() throws Exception {
        startServer();
        Path socket = state().resolve("host.sock");
        assertThat(Files.getPosixFilePermissions(socket)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(state())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var files = Files.list(state())) {
            assertThat(files.map(f -> f.getFileName().toString())).doesNotContain(".sock-").allMatch(n -> !n.startsWith(".sock-"));
        }
    }

    // A socket file whose host died does not answer: clients treat it as no host, and a new host replaces it.
    @Test
    void aStaleSocketIsDetectedAndReplaced() throws Exception {
        Files.createDirectories(state());
        Path socket = state().resolve("host.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();
        assertThat(HostClient.request(state(), Request.parse("ping"), Output.of(System.out, System.err))).isEmpty();
        CliRun list = CliRun.of("list", "--state-dir", state().toString());
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("no drivers installed");

        startServer();
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("removed the stale socket");
        assertThat(request("ping").exit()).isZero();
    }

    @Test
    void onlyOneHostPerStateDirectory() throws Exception {
        startServer();
        assertThatThrownBy(() -> HostServer.start(state(), System.out)).isInstanceOf(StateDirLockedException.class)
                .hasMessageContaining("one host per state directory");
        assertThat(request("ping").exit()).as("the first host still answers").isZero();
    }

    // The CLI: without a host, install/list/status/uninstall work on the store and driver start says how to start a
    // host; with a host, the same commands go to it.
    @Test
    void theCliWorksOnTheStoreWithoutAHostAndThroughTheSocketWithOne() throws Exception {
        String dir = state().toString();
        CliRun install = CliRun.of("install", TestDrivers.HELLO.toString(), "--state-dir", dir);
        assertThat(install.exit()).as(install.err()).isZero();
        assertThat(install.out()).contains("installed driver hello");
        CliRun again = CliRun.of("install", TestDrivers.HELLO.toString(), "--state-dir", dir);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("wdf4j install: a driver named hello is already installed", "--replace");
        assertThat(CliRun.of("install", "--replace", TestDrivers.HELLO.toString(), "--state-dir", dir).out()).contains("replaced driver hello");
        Path bad = Files.writeString(tmp.resolve("bad.jar"), "nope");
        CliRun badRun = CliRun.of("install", bad.toString(), "--state-dir", dir);
        assertThat(badRun.exit()).isEqualTo(2);
        assertThat(badRun.err()).contains("bad.jar is not a JAR file");
        assertThat(CliRun.of("list", "--state-dir", dir).out()).containsPattern("hello\\s+installed\\s+org.wdf4j.samples.hello");

        CliRun noHost = CliRun.of("driver", "start", "hello", "--state-dir", dir);
        assertThat(noHost.exit()).isEqualTo(HostCommands.NO_HOST);
        assertThat(noHost.err()).contains("no wdf4j host is running for " + state().toAbsolutePath(),
                "wdf4j host --state-dir " + state().toAbsolutePath());

        startServer();
        CliRun start = CliRun.of("driver", "start", "hello", "--state-dir", dir);
        assertThat(start.exit()).as(start.err()).isZero();
        assertThat(CliRun.of("list", "--state-dir", dir).out()).containsPattern("hello\\s+STARTED");
        assertThat(CliRun.of("uninstall", "hello", "--state-dir", dir).err()).contains("is running");
        CliRun stop = CliRun.of("driver", "stop", "hello", "--json", "--state-dir", dir);
        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out().strip()).startsWith("{\"name\":\"hello\"").contains("\"clean\":true");
        assertThat(CliRun.of("uninstall", "hello", "--state-dir", dir).exit()).isZero();
        CliRun shutdown = CliRun.of("host", "shutdown", "--state-dir", dir);
        assertThat(shutdown.exit()).as(shutdown.err()).isZero();
        assertThat(server.awaitShutdown(Duration.ofSeconds(30))).as("the host finishes its shutdown").isTrue();
    }

    @Test
    void requestLinesParseFlagsOptionsAndAnArgumentWithSpaces() {
        Request r = Request.parse("install --replace --entry=a.B /tmp/my drivers/x.jar");
        assertThat(r.verb()).isEqualTo("install");
        assertThat(r.options()).isEqualTo(Map.of("replace", "", "entry", "a.B"));
        assertThat(r.argument()).isEqualTo("/tmp/my drivers/x.jar");
        assertThat(Request.parse(r.line())).isEqualTo(r);
    }
}
