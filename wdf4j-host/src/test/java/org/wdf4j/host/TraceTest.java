package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.control.HostServer;

/**
 * {@code wdf4j trace} (the tracelog counterpart, issue 13) run as a process against a host serving its control
 * socket: the framework's events of an in-process and an isolated driver (the echo sample under two names and
 * hardware IDs) appear live while a device is added, written to and read, and removed; a trace of one driver shows
 * only that driver's; a driver host started during a trace streams too; a trace whose client goes is no longer
 * served; every trace ends with exit status 0 when the host shuts down. One host for the class.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TraceTest {

    private static final UUID GUID_DEVINTERFACE_ECHO = UUID.fromString("cdc35b6e-0be4-4936-bf5f-5537380a7c1a");
    private static final String LOCAL = "echo-local";
    private static final String ISOLATED = "echo-iso";

    private static Path tmp;
    private static HostServer server;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    /** The traces the first test starts and the last one ends by shutting the host down. */
    private static HostProcess localTrace;
    private static HostProcess isolatedTrace;
    private static HostProcess allTrace;

    @BeforeAll
    static void startHost() throws Exception {
        tmp = Files.createTempDirectory("wdf4j-trace");
        server = HostServer.start(tmp.resolve("s"), new PrintStream(LOG, true, StandardCharsets.UTF_8));
        DriverHost host = server.host();
        host.start(echo(LOCAL, "ROOT\\ECHOLOCAL"), org.wdf4j.framework.VerifierSettings.on(), HostingModel.IN_PROCESS);
        host.start(echo(ISOLATED, "ROOT\\ECHOISO"), org.wdf4j.framework.VerifierSettings.on(), HostingModel.ISOLATED);
    }

    private static DriverPackage echo(String name, String hardwareId) throws DriverPackageException {
        return DriverPackage.of(TestDrivers.ECHO, "org.wdf4j.samples.echo.EchoDriver", name,
                DriverPackage.FRAMEWORK_VERSION, List.of(hardwareId));
    }

    @AfterAll
    static void stopHost() throws Exception {
        for (HostProcess p : new HostProcess[] {localTrace, isolatedTrace, allTrace}) {
            if (p != null) {
                p.close();
            }
        }
        if (server != null) {
            server.shutdown();
        }
        try (var files = Files.walk(tmp)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Starts {@code wdf4j trace ARGS} and waits until it watches. */
    private static HostProcess trace(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("trace"));
        command.addAll(List.of(args));
        command.addAll(List.of("--state-dir", tmp.resolve("s").toString()));
        HostProcess p = HostProcess.command(command.toArray(String[]::new));
        p.awaitLine(l -> l.startsWith("wdf4j trace: tracing ")); // it watches: every event from now on reaches it
        return p;
    }

    /** A device of {@code hardwareId} added, opened, written to and read, closed and removed. */
    private static void exercise(String hardwareId) throws Exception {
        DriverHost host = server.host();
        String instanceId = host.pnp().addDevice(hardwareId).instanceId();
        String path = host.client().interfaces(GUID_DEVINTERFACE_ECHO).stream()
                .filter(i -> i.instanceId().equals(instanceId)).findFirst().orElseThrow().path();
        try (DeviceHandle device = host.client().open(path).value()) {
            assertThat(device.write(new byte[] {1, 2, 3, 4, 5}).information()).isEqualTo(5);
            assertThat(device.read(100).data()).hasSize(5);
        }
        host.pnp().removeDevice(instanceId);
    }

    /** Waits for a line of {@code trace} (any so far) naming {@code driver}, {@code kind} and every one of {@code words}. */
    private static String awaitEvent(HostProcess trace, String driver, String kind, String... words) {
        List<String> all = new java.util.ArrayList<>(List.of(" " + driver + " " + kind + " "));
        all.addAll(List.of(words));
        return awaitLine(trace, all.toArray(String[]::new));
    }

    /** Waits for a line of {@code trace} (any so far) that has every one of {@code words}. */
    private static String awaitLine(HostProcess trace, String... words) {
        java.util.concurrent.atomic.AtomicReference<String> found = new java.util.concurrent.atomic.AtomicReference<>();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .alias("a line with " + List.of(words))
                .until(() -> {
                    for (String l : trace.output().split("\n")) {
                        if (List.of(words).stream().allMatch(l::contains)) {
                            found.set(l);
                            return true;
                        }
                    }
                    return false;
                });
        return found.get();
    }

    @Test
    @Order(1)
    void eventsOfInProcessAndIsolatedDriversAppearLiveFilteredByDriver() throws Exception {
        localTrace = trace(LOCAL);
        isolatedTrace = trace(ISOLATED);
        allTrace = trace("--json");

        exercise("ROOT\\ECHOLOCAL");
        exercise("ROOT\\ECHOISO");

        for (Map.Entry<HostProcess, String> t : Map.of(localTrace, LOCAL, isolatedTrace, ISOLATED).entrySet()) {
            HostProcess trace = t.getKey();
            String driver = t.getValue();
            String id = driver.equals(LOCAL) ? "ROOT\\ECHOLOCAL\\" : "ROOT\\ECHOISO\\";
            String start = awaitEvent(trace, driver, "PnpTransition", id, "pnpEvent=START", "toState=STARTED",
                    "succeeded=true", "elapsed=");
            assertThat(start).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d .*");
            awaitEvent(trace, driver, "PowerTransition", id, "toPower=D0");
            awaitEvent(trace, driver, "RequestPresented", "type=WRITE", "length=5");
            awaitEvent(trace, driver, "RequestCompleted", "type=WRITE", "statusCode=0", "information=5", "held=");
            awaitEvent(trace, driver, "RequestCompleted", "type=READ", "information=5");
            awaitEvent(trace, driver, "PnpTransition", "pnpEvent=REMOVE", "toState=REMOVED");
            String other = driver.equals(LOCAL) ? ISOLATED : LOCAL;
            assertThat(trace.output()).as("a trace of %s shows only its events", driver)
                    .doesNotContain(" " + other + " ");
        }
        for (String driver : List.of(LOCAL, ISOLATED)) {
            String json = awaitLine(allTrace, "\"driver\":\"" + driver + "\"",
                    "\"kind\":\"RequestCompleted\"", "\"type\":\"WRITE\"");
            Map<String, Object> flat = InspectTest.flatJson(json);
            assertThat(flat).containsEntry("driver", driver).containsEntry("fields.information", 5L)
                    .containsEntry("fields.statusCode", 0L).containsEntry("fields.cancelled", false);
            assertThat((Long) flat.get("fields.heldNanos")).isNotNegative();
            assertThat((String) flat.get("time")).endsWith("Z");
        }
    }

    @Test
    @Order(2)
    void aDriverHostStartedDuringATraceStreamsToo() throws Exception {
        assertThat(allTrace).as("the first test started the traces").isNotNull();
        // isolated: a driver host of its own, started now; the trace has it from DriverEntry on
        server.host().start(TestDrivers.pkg("NonPnpDriver", "late"), org.wdf4j.framework.VerifierSettings.on(),
                HostingModel.ISOLATED);
        String entry = awaitLine(allTrace, "\"driver\":\"late\"", "\"kind\":\"DriverEntry\"");
        assertThat(InspectTest.flatJson(entry)).containsEntry("fields.status", "STATUS_SUCCESS (0x00000000)");
    }

    @Test
    @Order(3)
    void aTraceWhoseClientGoesIsNoLongerServed() throws Exception {
        assertThat(localTrace).as("the first test started the traces").isNotNull();
        assertThat(server.host().traceWatchers()).isEqualTo(3);
        HostProcess extra = trace(LOCAL);
        assertThat(server.host().traceWatchers()).isEqualTo(4);
        extra.terminate(); // as Ctrl-C
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> server.host().traceWatchers() == 3);
    }

    @Test
    @Order(4)
    void everyTraceEndsCleanlyWhenTheHostShutsDown() throws Exception {
        assertThat(localTrace).as("the first test started the traces").isNotNull();
        CliRun shutdown = CliRun.of("host", "shutdown", "--state-dir", tmp.resolve("s").toString());
        assertThat(shutdown.exit()).as("%s", shutdown).isZero();
        for (HostProcess t : List.of(localTrace, isolatedTrace, allTrace)) {
            assertThat(t.awaitExit()).as("the trace's exit status; it printed:\n%s", t.output()).isZero();
        }
        // the stops' events came before the end
        awaitEvent(localTrace, LOCAL, "DriverUnload", "outcome=returned");
        awaitEvent(isolatedTrace, ISOLATED, "DriverUnload", "outcome=returned");
        awaitLine(allTrace, "\"driver\":\"late\"", "\"kind\":\"DriverUnload\"");
        assertThat(allTrace.output()).doesNotContain("did not answer", "Exception");
    }
}
