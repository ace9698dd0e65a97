package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.NtStatus;
import org.wdf4j.host.PnpManager.DevNode;
import org.wdf4j.host.PnpManager.Status;

/** The host's PnP manager: device nodes, matching by hardware ID, and the PnP and power operations on them. */
class PnpManagerTest {

    /** {@code PnpTestDriver.GUID_PNPTEST}. */
    static final UUID GUID_PNPTEST = UUID.fromString("5d2f8a41-7c1e-4b8e-9a3c-2e6f1d0b7a95");

    private final DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    private HostedDriver startPnpTest() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pnpTestDriver("pnptest"));
        assertThat(hosted.isRunning()).as("%s", hosted.report()).isTrue();
        return hosted;
    }

    /** What the driver printed since {@code from} lines. */
    private static List<String> printedSince(HostedDriver hosted, int from) {
        List<String> all = TestDrivers.printed(hosted.journal());
        return all.subList(Math.min(from, all.size()), all.size());
    }

    @Test
    void addMakesARootNodeBindsTheDriverThatListsTheHardwareIdAndStartsIt() throws Exception {
        HostedDriver hosted = startPnpTest();
        DevNode first = host.pnp().addDevice("ROOT\\PNPTEST");
        assertThat(first.instanceId()).isEqualTo("ROOT\\PNPTEST\\0000");
        assertThat(first.hardwareId()).isEqualTo("ROOT\\PNPTEST");
        assertThat(first.driver()).isEqualTo("pnptest");
        assertThat(first.status()).isEqualTo(Status.STARTED);
        assertThat(first.problem()).isNull();
        assertThat(first.interfaces()).containsExactly("\\\\?\\ROOT#PNPTEST#0000#{" + GUID_PNPTEST + "}");
        assertThat(TestDrivers.printed(hosted.journal())).containsSubsequence(
                "EvtDriverDeviceAdd ROOT\\PNPTEST#0", "PrepareHardware ROOT\\PNPTEST#0", "D0Entry ROOT\\PNPTEST#0 from D3_FINAL");

        // The counter is per hardware ID; hardware IDs match whatever their case.
        assertThat(host.pnp().addDevice("root\\pnptest").instanceId()).isEqualTo("ROOT\\PNPTEST\\0001");
        assertThat(host.pnp().addDevice("ROOT\\PNPEXCLUSIVE").instanceId()).isEqualTo("ROOT\\PNPEXCLUSIVE\\0000");
        assertThat(host.pnp().devices()).extracting(DevNode::instanceId)
                .containsExactly("ROOT\\PNPTEST\\0000", "ROOT\\PNPTEST\\0001", "ROOT\\PNPEXCLUSIVE\\0000");
        assertThat(host.pnp().devices()).allMatch(n -> n.status() == Status.STARTED);
        assertThat(host.client().interfaces(GUID_PNPTEST)).extracting(i -> i.instanceId())
                .containsExactly("ROOT\\PNPTEST\\0000", "ROOT\\PNPTEST\\0001", "ROOT\\PNPEXCLUSIVE\\0000");
        assertThat(PnpManager.render(host.pnp().devices())).contains("ROOT\\PNPTEST\\0001", "pnptest", "STARTED",
                "interface \\\\?\\ROOT#PNPEXCLUSIVE#0000#{" + GUID_PNPTEST + "}\\ref");
    }

    @Test
    void aNodeWithoutDriverStaysInTheTreeUntilADriverThatListsItStarts() throws Exception {
        DevNode orphan = host.pnp().addDevice("ROOT\\PNPTEST");
        assertThat(orphan.status()).isEqualTo(Status.NO_DRIVER);
        assertThat(orphan.driver()).isNull();
        assertThat(orphan.interfaces()).isEmpty();
        DevNode unknown = host.pnp().addDevice("ROOT\\NOBODY");
        assertThat(unknown.status()).isEqualTo(Status.NO_DRIVER);
        assertThat(PnpManager.render(host.pnp().devices())).contains("NO_DRIVER (no driver lists ROOT\\NOBODY)");

        HostedDriver hosted = startPnpTest();
        assertThat(host.pnp().device(orphan.instanceId())).get()
                .satisfies(n -> assertThat(n.status()).isEqualTo(Status.STARTED))
                .satisfies(n -> assertThat(n.driver()).isEqualTo("pnptest"));
        assertThat(host.pnp().device("root\\nobody\\0000")).get()
                .satisfies(n -> assertThat(n.status()).isEqualTo(Status.NO_DRIVER));
        assertThat(TestDrivers.printed(hosted.journal())).contains("EvtDriverDeviceAdd ROOT\\PNPTEST#0");
    }

    // A long-lived host refused the 10,001st device of a hardware ID however many had been removed (found by running
    // LongLivedHostTest for 12,000 cycles): instance numbers wrap to the lowest free one.
    @Test
    void instanceNumbersWrapToTheLowestFreeOneAfter9999SoAHostAddingAndRemovingDevicesNeverRunsOut() {
        DevNode kept = host.pnp().addDevice("ROOT\\NOBODY");
        for (int i = 1; i < InstanceNumbers.LIMIT; i++) {
            host.pnp().removeDevice(host.pnp().addDevice("ROOT\\NOBODY").instanceId());
        }
        assertThat(host.pnp().addDevice("ROOT\\NOBODY").instanceId()).as("0000 is still a device")
                .isEqualTo("ROOT\\NOBODY\\0001");
        host.pnp().removeDevice(kept.instanceId());
        assertThat(host.pnp().addDevice("ROOT\\NOBODY").instanceId()).isEqualTo("ROOT\\NOBODY\\0000");
    }

    @Test
    void anAddStartsAnInstalledDriverThatListsTheHardwareId(@TempDir Path tmp) throws Exception {
        try (DriverHost stored = DriverHost.create(tmp.resolve("state"))) {
            stored.install(TestDrivers.pnpTestDriver("pnptest"), false);
            assertThat(stored.driver("pnptest")).isNull();
            DevNode node = stored.pnp().addDevice("ROOT\\PNPTEST");
            assertThat(node.status()).isEqualTo(Status.STARTED);
            assertThat(node.driver()).isEqualTo("pnptest");
            assertThat(stored.driver("pnptest")).isNotNull().satisfies(d -> assertThat(d.isRunning()).isTrue());
            assertThat(stored.pnp().addDevice("ROOT\\NOBODY").status()).isEqualTo(Status.NO_DRIVER);
        }
    }

    @Test
    void disableRemovesTheDeviceAndKeepsTheNodeEnableAddsAndStartsItAgain() throws Exception {
        HostedDriver hosted = startPnpTest();
        String id = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        int mark = TestDrivers.printed(hosted.journal()).size();

        DevNode disabled = host.pnp().disable(id);
        assertThat(disabled.status()).isEqualTo(Status.DISABLED);
        assertThat(disabled.interfaces()).isEmpty();
        assertThat(host.client().interfaces(GUID_PNPTEST)).isEmpty();
        assertThat(printedSince(hosted, mark)).containsExactly(
                "D0Exit ROOT\\PNPTEST#0 to D3_FINAL", "ReleaseHardware ROOT\\PNPTEST#0", "device cleanup ROOT\\PNPTEST#0");
        assertThat(host.pnp().disable(id).status()).as("disabling again does nothing").isEqualTo(Status.DISABLED);

        mark = TestDrivers.printed(hosted.journal()).size();
        DevNode enabled = host.pnp().enable(id);
        assertThat(enabled.status()).isEqualTo(Status.STARTED);
        assertThat(enabled.driver()).isEqualTo("pnptest");
        assertThat(host.client().interfaces(GUID_PNPTEST)).extracting(i -> i.instanceId()).containsExactly(id);
        assertThat(printedSince(hosted, mark)).containsExactly(
                "EvtDriverDeviceAdd ROOT\\PNPTEST#1", "PrepareHardware ROOT\\PNPTEST#1",
                "D0Entry ROOT\\PNPTEST#1 from D3_FINAL");
        assertThat(host.pnp().enable(id).status()).as("enabling a started device does nothing").isEqualTo(Status.STARTED);
        assertThat(TestDrivers.printed(hosted.journal())).hasSize(mark + 3);
    }

    @Test
    void removeRemovesTheDeviceAndDeletesTheNodeUnknownIdsAreRefusedByName() throws Exception {
        HostedDriver hosted = startPnpTest();
        String keep = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        String gone = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        host.pnp().removeDevice(gone.toLowerCase()); // instance IDs are case-insensitive
        assertThat(host.pnp().devices()).extracting(DevNode::instanceId).containsExactly(keep);
        assertThat(TestDrivers.printed(hosted.journal())).containsSubsequence(
                "D0Exit ROOT\\PNPTEST#1 to D3_FINAL", "ReleaseHardware ROOT\\PNPTEST#1", "device cleanup ROOT\\PNPTEST#1");

        assertThatThrownBy(() -> host.pnp().removeDevice(gone))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no device " + gone)
                .hasMessageContaining("known devices: " + keep);
        assertThatThrownBy(() -> host.pnp().disable("ROOT\\NOPE\\0000")).hasMessageContaining("ROOT\\NOPE\\0000");
        assertThatThrownBy(() -> host.pnp().enable("ROOT\\NOPE\\0000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> host.pnp().surpriseRemove("ROOT\\NOPE\\0000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> host.pnp().addDevice("ROOT\\TWO WORDS")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ROOT\\TWO WORDS' is not a valid hardware ID: it has U+0020 at position 9");
        assertThat(host.pnp().addDevice("ROOT\\PNPTEST").instanceId()).as("numbers are not reused")
                .isEqualTo("ROOT\\PNPTEST\\0002");
    }

    @Test
    void surpriseRemovalRunsTheSurpriseRemoveThenTheRemoveAndDeletesTheNode() throws Exception {
        HostedDriver hosted = startPnpTest();
        String id = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        int mark = TestDrivers.printed(hosted.journal()).size();
        host.pnp().surpriseRemove(id);
        assertThat(host.pnp().devices()).isEmpty();
        assertThat(host.client().interfaces(GUID_PNPTEST)).isEmpty();
        assertThat(printedSince(hosted, mark)).containsExactly("SurpriseRemoval ROOT\\PNPTEST#0",
                "D0Exit ROOT\\PNPTEST#0 to D3_FINAL", "ReleaseHardware ROOT\\PNPTEST#0", "device cleanup ROOT\\PNPTEST#0");
        List<String> transitions = hosted.journal().stream().map(Object::toString)
                .filter(line -> line.contains("(" + id + "): ") && line.contains(" -> ")).toList();
        assertThat(transitions).hasSize(3);
        assertThat(transitions.get(1)).endsWith("SURPRISE_REMOVE: STARTED -> SURPRISE_REMOVED");
        assertThat(transitions.get(2)).endsWith("REMOVE: SURPRISE_REMOVED -> REMOVED");
    }

    @Test
    void sleepSuspendsEveryStartedDeviceAndWakeResumesThem() throws Exception {
        HostedDriver hosted = startPnpTest();
        String a = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        String b = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        String disabled = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        host.pnp().disable(disabled);
        int mark = TestDrivers.printed(hosted.journal()).size();

        List<DevNode> asleep = host.pnp().sleep();
        assertThat(host.pnp().isAsleep()).isTrue();
        assertThat(asleep).extracting(DevNode::status).containsExactly(Status.SUSPENDED, Status.SUSPENDED, Status.DISABLED);
        assertThat(asleep.get(0).interfaces()).as("a suspended device keeps its interface").isNotEmpty();
        // last added first
        assertThat(printedSince(hosted, mark)).containsExactly("D0Exit ROOT\\PNPTEST#1 to D3", "D0Exit ROOT\\PNPTEST#0 to D3");

        // A device added while the system sleeps is started and suspended at once.
        DevNode late = host.pnp().addDevice("ROOT\\PNPTEST");
        assertThat(late.status()).isEqualTo(Status.SUSPENDED);

        mark = TestDrivers.printed(hosted.journal()).size();
        List<DevNode> awake = host.pnp().wake();
        assertThat(host.pnp().isAsleep()).isFalse();
        assertThat(awake).extracting(DevNode::status)
                .containsExactly(Status.STARTED, Status.STARTED, Status.DISABLED, Status.STARTED);
        assertThat(printedSince(hosted, mark)).containsExactly("D0Entry ROOT\\PNPTEST#0 from D3",
                "D0Entry ROOT\\PNPTEST#1 from D3", "D0Entry ROOT\\PNPTEST#3 from D3");
        assertThat(host.pnp().device(a)).get().extracting(DevNode::status).isEqualTo(Status.STARTED);
        assertThat(host.pnp().device(b)).get().extracting(DevNode::status).isEqualTo(Status.STARTED);
    }

    @Test
    void aResumeThatFailsLeavesTheNodeFailedAndTheDeviceRemoved() throws Exception {
        HostedDriver hosted = startPnpTest();
        String id = host.pnp().addDevice("ROOT\\PNPFAILWAKE").instanceId();
        host.pnp().sleep();
        host.pnp().wake();
        DevNode node = host.pnp().device(id).orElseThrow();
        assertThat(node.status()).isEqualTo(Status.FAILED);
        assertThat(node.problem()).isEqualTo(NtStatus.STATUS_DEVICE_NOT_READY);
        assertThat(node.interfaces()).isEmpty();
        assertThat(TestDrivers.printed(hosted.journal())).containsSubsequence(
                "D0Entry ROOT\\PNPFAILWAKE#0 from D3", "ReleaseHardware ROOT\\PNPFAILWAKE#0",
                "device cleanup ROOT\\PNPFAILWAKE#0");
    }

    @Test
    void aStartThatFailsLeavesTheNodeFailedWithTheStatusAndTheDeviceRemoved() throws Exception {
        HostedDriver hosted = startPnpTest();
        DevNode node = host.pnp().addDevice("ROOT\\PNPFAILSTART");
        assertThat(node.status()).isEqualTo(Status.FAILED);
        assertThat(node.problem()).isEqualTo(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
        assertThat(node.driver()).isEqualTo("pnptest");
        assertThat(node.interfaces()).isEmpty();
        // As Windows does after a failed start: the hardware released by the framework, then the device removed.
        assertThat(TestDrivers.printed(hosted.journal())).containsSubsequence("EvtDriverDeviceAdd ROOT\\PNPFAILSTART#0",
                "PrepareHardware ROOT\\PNPFAILSTART#0", "ReleaseHardware ROOT\\PNPFAILSTART#0",
                "device cleanup ROOT\\PNPFAILSTART#0");
        assertThat(PnpManager.render(host.pnp().devices()))
                .contains("FAILED (STATUS_INSUFFICIENT_RESOURCES");

        // Enabling a failed node retries it: EvtDriverDeviceAdd and the start again.
        DevNode retried = host.pnp().enable(node.instanceId());
        assertThat(retried.status()).isEqualTo(Status.FAILED);
        assertThat(TestDrivers.printed(hosted.journal())).contains("PrepareHardware ROOT\\PNPFAILSTART#1");
    }

    @Test
    void aDeviceAddThatFailsLeavesTheNodeFailed() throws Exception {
        startPnpTest();
        DevNode node = host.pnp().addDevice("ROOT\\PNPFAILADD");
        assertThat(node.status()).isEqualTo(Status.FAILED);
        assertThat(node.problem()).isEqualTo(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
        host.pnp().removeDevice(node.instanceId());
        assertThat(host.pnp().devices()).isEmpty();
    }

    @Test
    void controlDevicesShowAsTheNodeOfTheirDriverWhichCannotBeOperatedOn() throws Exception {
        HostedDriver nonpnp = host.start(TestDrivers.sample(TestDrivers.NONPNP));
        assertThat(host.pnp().devices()).singleElement().satisfies(n -> {
            assertThat(n.instanceId()).isEqualTo("ROOT\\LEGACY_NONPNP\\0000");
            assertThat(n.hardwareId()).isNull();
            assertThat(n.driver()).isEqualTo("nonpnp");
            assertThat(n.status()).isEqualTo(Status.STARTED);
            assertThat(n.controlDevices()).containsExactly("NONPNP");
        });
        assertThat(PnpManager.render(host.pnp().devices())).contains("control device \\\\.\\NONPNP");
        assertThatThrownBy(() -> host.pnp().disable("ROOT\\LEGACY_NONPNP\\0000"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stop the driver instead");
        host.stop(nonpnp);
        assertThat(host.pnp().devices()).isEmpty();
    }

    // Many threads add, disable, enable and remove devices at once: every instance ID is unique, every operation
    // leaves its node consistent, and the driver sees each device's callbacks in a sane order.
    @Test
    void concurrentOperationsKeepTheTreeConsistent() throws Exception {
        HostedDriver hosted = startPnpTest();
        int threads = 8;
        int perThread = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<List<String>>> results = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    go.await();
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        String id = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
                        mine.add(id);
                        host.pnp().disable(id);
                        host.pnp().enable(id);
                    }
                    host.pnp().removeDevice(mine.removeFirst());
                    return mine;
                }));
            }
            go.countDown();
            List<String> kept = new ArrayList<>();
            for (Future<List<String>> f : results) {
                kept.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(host.pnp().devices()).extracting(DevNode::instanceId).containsExactlyInAnyOrderElementsOf(kept);
            assertThat(host.pnp().devices()).allMatch(n -> n.status() == Status.STARTED && n.interfaces().size() == 1);
            assertThat(host.client().interfaces(GUID_PNPTEST)).hasSize(kept.size());
            assertThat(kept).doesNotHaveDuplicates();
            assertThat(hosted.report()).isNull();
        } finally {
            pool.shutdownNow();
        }
        UnloadReport report = host.stop(hosted);
        assertThat(report.devicesRemoved()).hasSize(threads * (perThread - 1));
        assertThat(report.clean()).as(report.render()).isTrue();
    }
}
