package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxInspection;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;
import org.wdf4j.host.control.HostServer;

/**
 * {@code wdf4j inspect} (the !wdfkd counterpart) and the stop that says what it waits for, against a host serving its
 * control socket, in both hosting models, with the bug of issue 13: a sequential queue whose driver never completes a
 * write ({@code HoldingWriteDriver}). One host for the class; each model has its own driver and device.
 */
class InspectTest {

    /** The verifier wait timeout the drivers run with: the framework gives up on held requests after half of it. */
    private static final Duration WAIT = Duration.ofSeconds(6);

    private static Path tmp;
    private static HostServer server;
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

    @BeforeAll
    static void startHost() throws Exception {
        tmp = Files.createTempDirectory("wdf4j-inspect");
        server = HostServer.start(tmp.resolve("s"), new PrintStream(LOG, true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stopHost() throws IOException {
        if (server != null) {
            server.shutdown();
        }
        try (var files = Files.walk(tmp)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static CliRun cli(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--state-dir";
        all[args.length + 1] = tmp.resolve("s").toString();
        return CliRun.of(all);
    }

    private static String hardwareId(HostingModel hosting) {
        return "ROOT\\HOLDWRITE" + (hosting.isIsolated() ? "ISO" : "LOCAL");
    }

    @ParameterizedTest
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
    void u2_inspectShowsTheHeldWriteAndTheStopNamesItWhileItWaits(HostingModel hosting) throws Exception {
        DriverHost host = server.host();
        String name = "hold-" + hosting.label();
        HostedDriver driver = host.start(DriverPackage.of(TestDrivers.JAR, "org.wdf4j.testdrivers.HoldingWriteDriver",
                name, DriverPackage.FRAMEWORK_VERSION, List.of(hardwareId(hosting))),
                VerifierSettings.on().withWaitTimeout(WAIT), hosting);
        String instanceId = host.pnp().addDevice(hardwareId(hosting)).instanceId();
        String path = host.client().interfaces(java.util.UUID.fromString("6a1c2f0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"))
                .stream().filter(i -> i.instanceId().equals(instanceId)).findFirst().orElseThrow().path();
        DeviceHandle handle = host.client().open(path).value();
        PendingIo held = handle.writeAsync(new byte[] {1, 2, 3, 4});
        PendingIo waiting = handle.writeAsync(new byte[] {5, 6});
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            FxInspection x = driver.inspect();
            return x.heldRequests().size() == 1 && x.devices().getFirst().queues().getFirst().queued() == 1;
        });

        // !wdfdevicequeues: the sequential queue, the write it holds and the one waiting behind it
        CliRun queues = cli("inspect", "queues", instanceId);
        assertThat(queues.exit()).as("%s", queues).isZero();
        assertThat(queues.out()).contains("of driver " + name, "(default queue)", "dispatch:      SEQUENTIAL",
                "power-managed: yes", "state:         accepting, dispatching",
                "queued:        1 (waiting for the driver to complete the one it holds)", "held by the driver: 1",
                "(WRITE, 4 bytes, held ", "not cancelable", "from pid " + ProcessHandle.current().pid());
        Matcher m = Pattern.compile("(WDFREQUEST#\\d+) \\(WRITE").matcher(queues.out());
        assertThat(m.find()).as(queues.out()).isTrue();
        String request = m.group(1);

        Map<String, Object> json = flatJson(cli("inspect", "queues", instanceId, "--json").out());
        assertThat(json).containsEntry("view", "queues").containsEntry("drivers[0].name", name)
                .containsEntry("drivers[0].hosting", hosting.label())
                .containsEntry("drivers[0].devices[0].instanceId", instanceId)
                .containsEntry("drivers[0].devices[0].queues[0].dispatch", "SEQUENTIAL")
                .containsEntry("drivers[0].devices[0].queues[0].queued", 1L)
                .containsEntry("drivers[0].devices[0].queues[0].held[0].handle", request)
                .containsEntry("drivers[0].devices[0].queues[0].held[0].type", "WRITE")
                .containsEntry("drivers[0].devices[0].queues[0].held[0].length", 4L)
                .containsEntry("drivers[0].devices[0].queues[0].held[0].cancelable", false)
                .containsEntry("drivers[0].devices[0].queues[0].held[0].requestorPid", ProcessHandle.current().pid());
        assertThat((Long) json.get("drivers[0].devices[0].queues[0].held[0].heldNanos")).isPositive();

        // !wdfrequest, !wdfdevice, !wdfdriverinfo with !wdflogdump
        CliRun one = cli("inspect", "request", request, "--driver", name);
        assertThat(one.out()).as("%s", one).contains("request " + request + " of driver " + name, "type:      WRITE",
                "length:    4 bytes", "owner:     DRIVER", "cancelable: no");
        CliRun device = cli("inspect", "device", instanceId);
        assertThat(device.out()).as("%s", device).contains("instance ID: " + instanceId, "PnP state:   STARTED",
                "power state: D0", "SEQUENTIAL, power-managed, accepting, dispatching, 1 queued, 1 held by the driver");
        CliRun info = cli("inspect", "driver", name, "--tail", "5");
        assertThat(info.out()).as("%s", info).contains("state:    STARTED", "WDFDEVICE 1", "WDFQUEUE 1", "WDFREQUEST 1",
                "requests held by the driver: 1", request, "journal:  the last 5 of",
                "DbgPrint: EvtIoWrite " + request);
        assertThat(info.out()).contains(hosting.isIsolated() ? "runs:     isolated in driver host" : "runs:     in-process");

        // the stop waits for the held write: it says so while it waits, and its report names the request and queue
        long start = System.nanoTime();
        CliRun stop = cli("driver", "stop", name);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(stop.err()).as("%s", stop).contains("still stopping driver " + name + " after ",
                "waiting for the power-down of WDFQUEUE#", request + " (WRITE, 4 bytes, held ");
        assertThat(stop.out()).as("%s", stop).contains("request: " + request + " (WRITE)",
                "held by the driver from WDFQUEUE#", "(SEQUENTIAL) and not completed when WDFDEVICE#")
                .contains("the framework gives up on the driver's requests after half the wait timeout",
                        "the driver still held " + request + " (WRITE, 4 bytes")
                .doesNotContain("Hung:");
        assertThat(stop.exit()).isEqualTo(3); // not clean: a request leaked
        if (!hosting.isIsolated()) { // an isolated driver's stop goes on with the driver host's proof of release
            assertThat(took).as("the framework gave up on the request, within the wait timeout").isLessThan(WAIT);
        }
        IoResult first = held.await(Duration.ofSeconds(10));
        assertThat(first.status()).isEqualTo(NtStatus.STATUS_NO_SUCH_DEVICE);
        assertThat(waiting.await(Duration.ofSeconds(10)).status().isSuccess()).isFalse();
        handle.close();
        host.pnp().removeDevice(instanceId);
    }

    @ParameterizedTest
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
    void inspectShowsTimersWorkItemsLocksAndTheJournal(HostingModel hosting) throws Exception {
        DriverHost host = server.host();
        String name = "sync-" + hosting.label();
        HostedDriver driver = host.start(TestDrivers.pkg("SyncObjectsDriver", name), VerifierSettings.on(), hosting);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            FxInspection x = driver.inspect();
            return !x.workItems().isEmpty() && !x.workItems().getFirst().enqueued() && !x.locks().isEmpty();
        });

        // !wdfdriverinfo with !wdftmr, !wdfworkitem, !wdfwaitlock, !wdfspinlock
        CliRun info = cli("inspect", "driver", name);
        assertThat(info.exit()).as("%s", info).isZero();
        assertThat(info.out()).contains("timers:   1", "work items: 1", "locks:    2")
                .containsPattern("WDFTIMER#\\d+: periodic every 3600\\.0 s, due in \\d+\\.\\d s, not running \\(DISPATCH_LEVEL\\)")
                .containsPattern("WDFWORKITEM#\\d+: not enqueued, not running")
                .containsPattern("WDFSPINLOCK#\\d+ \\(WDFSPINLOCK\\): free")
                .containsPattern("WDFWAITLOCK#\\d+ \\(WDFWAITLOCK\\): held by thread wdf4j-" + name + "-passive");
        Map<String, Object> json = flatJson(cli("inspect", "driver", name, "--json").out());
        assertThat(json).containsEntry("drivers[0].timers[0].periodNanos", SyncObjectsDriverPeriod.NANOS)
                .containsEntry("drivers[0].timers[0].queued", true)
                .containsEntry("drivers[0].timers[0].running", false)
                .containsEntry("drivers[0].timers[0].executionLevel", "DISPATCH")
                .containsEntry("drivers[0].workItems[0].enqueued", false)
                .containsEntry("drivers[0].workItems[0].running", false);
        assertThat((Long) json.get("drivers[0].timers[0].dueNanos")).isPositive()
                .isLessThanOrEqualTo(SyncObjectsDriverPeriod.NANOS);
        List<String> locks = List.of(String.valueOf(json.get("drivers[0].locks[0].type")),
                String.valueOf(json.get("drivers[0].locks[1].type")));
        int wait = locks.indexOf("WDFWAITLOCK");
        assertThat(locks).containsExactlyInAnyOrder("WDFWAITLOCK", "WDFSPINLOCK");
        assertThat(json).containsEntry("drivers[0].locks[" + wait + "].holder", "wdf4j-" + name + "-passive")
                .containsEntry("drivers[0].locks[" + (1 - wait) + "].holder", null);

        // !wdflogdump: the whole journal, oldest first
        CliRun journal = cli("inspect", "journal", name);
        assertThat(journal.exit()).as("%s", journal).isZero();
        assertThat(journal.out()).startsWith("journal of driver " + name + " (STARTED, ")
                .contains("DriverEntry", "DbgPrint: sync objects: wait lock acquired: STATUS_SUCCESS",
                        "DbgPrint: work item ran");
        assertThat(journal.out().indexOf("wait lock acquired")).isGreaterThan(journal.out().indexOf("DriverEntry"));
        CliRun last = cli("inspect", "journal", name, "--tail", "1");
        assertThat(last.out()).contains("the last 1 of ").hasLineCount(2);
        Map<String, Object> journalJson = flatJson(cli("inspect", "journal", name, "--json").out());
        assertThat(journalJson).containsEntry("view", "journal").containsEntry("drivers[0].name", name)
                .containsKey("drivers[0].journal[0].kind").doesNotContainKey("drivers[0].timers[0].handle");
        assertThat(journalJson.values()).anySatisfy(v -> assertThat(String.valueOf(v)).contains("work item ran"));

        assertThat(cli("driver", "stop", name).exit()).isNotEqualTo(1);
    }

    /** {@code SyncObjectsDriver.PERIOD} in nanoseconds (the test drivers are not on this class path). */
    private static final class SyncObjectsDriverPeriod {
        static final long NANOS = Duration.ofHours(1).toNanos();
    }

    @ParameterizedTest
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS"})
    void inspectNamesWhatIsMissingAndHowToFindIt(HostingModel ignored) {
        CliRun driver = cli("inspect", "driver", "nosuch");
        assertThat(driver.exit()).isEqualTo(1);
        assertThat(driver.err()).contains("no driver named nosuch is running", "wdf4j list");
        CliRun device = cli("inspect", "queues", "ROOT\\NOSUCH\\0000");
        assertThat(device.err()).contains("no running driver has a device ROOT\\NOSUCH\\0000", "wdf4j devices");
        CliRun request = cli("inspect", "request", "WDFREQUEST#999999");
        assertThat(request.err()).contains("no running driver holds a request WDFREQUEST#999999",
                "wdf4j inspect queues DEVICE");
        CliRun journal = cli("inspect", "journal", "nosuch");
        assertThat(journal.exit()).isEqualTo(1);
        assertThat(journal.err()).contains("no driver named nosuch is running", "wdf4j list");
        CliRun tail = cli("inspect", "driver", "nosuch", "--tail", "-1");
        assertThat(tail.err()).contains("--tail must be a number of journal entries");
    }

    /** A JSON document as path to value: {@code drivers[0].devices[0].handle} to a string, number or boolean. */
    static Map<String, Object> flatJson(String text) throws IOException {
        Map<String, Object> flat = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(text)) {
            flatten(p, p.nextToken(), "", flat);
        }
        return flat;
    }

    private static void flatten(JsonParser p, JsonToken t, String at, Map<String, Object> flat) throws IOException {
        if (t == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                flatten(p, p.nextToken(), at.isEmpty() ? field : at + "." + field, flat);
            }
        } else if (t == JsonToken.START_ARRAY) {
            int i = 0;
            for (JsonToken next = p.nextToken(); next != JsonToken.END_ARRAY; next = p.nextToken()) {
                flatten(p, next, at + "[" + i++ + "]", flat);
            }
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
            flat.put(at, p.getLongValue());
        } else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            flat.put(at, p.getBooleanValue());
        } else if (t == JsonToken.VALUE_NULL) {
            flat.put(at, null);
        } else {
            flat.put(at, p.getText());
        }
    }
}
