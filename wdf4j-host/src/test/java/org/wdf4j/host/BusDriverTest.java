package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.host.PnpManager.DevNode;
import org.wdf4j.host.PnpManager.Status;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;

/**
 * Bus drivers and child devices (ST1, ST4) with the toaster bus sample (busenum) and the toaster function driver: a
 * static bus's two children, plug-in, unplug and eject through the bus's I/O controls, children under their parent in
 * the tree, each child's PnP callbacks in the bus driver, a parent started before and removed after its children.
 *
 * <p>Once per hosting model: in-process everything runs in the host; pooled, the bus and the toaster share the pool's
 * driver host, and a child's toaster device joins its PDO's stack; isolated, each runs in its own driver host and a
 * child's stack above its PDO is a stack of its own there ({@link StackHosting}, docs/stacks.md).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(HostingModel.class)
class BusDriverTest {

    static final UUID GUID_DEVINTERFACE_BUSENUM_TOASTER = UUID.fromString("d35f7840-6a0c-11d2-b841-00c04fad5171");
    static final UUID GUID_DEVINTERFACE_TOASTER = StackHostTest.GUID_DEVINTERFACE_TOASTER;
    /** CTL_CODE(FILE_DEVICE_BUS_EXTENDER, 0..2, METHOD_BUFFERED, FILE_READ_DATA), as the sample defines them. */
    static final int PLUGIN = (0x2a << 16) | (1 << 14);
    static final int UNPLUG = PLUGIN | (1 << 2);
    static final int EJECT = PLUGIN | (2 << 2);
    static final String TOASTER_ID = "{b85b7c50-6a01-11d2-b841-00c04fad5171}\\MsToaster";

    @Parameter
    HostingModel hosting;

    @TempDir
    Path dir;

    private DriverHost host;

    @BeforeEach
    void installBusAndToaster() throws Exception {
        host = DriverHost.create(dir.resolve("state"));
        host.install(TestDrivers.sample(TestDrivers.TOASTER_BUS).withHosting(hosting), false);
        host.install(TestDrivers.sample(TestDrivers.TOASTER).withHosting(hosting), false);
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    @Test
    void st1_staticChildrenAreEnumeratedUnderTheirParentMatchedAndStartedAfterIt() {
        DevNode bus = host.pnp().addDevice("ROOT\\STATICBUS");

        assertThat(bus.status()).as("%s", bus).isEqualTo(Status.STARTED);
        List<DevNode> children = children(bus);
        assertThat(children).extracting(DevNode::instanceId).containsExactly(TOASTER_ID + "\\01", TOASTER_ID + "\\02");
        for (DevNode child : children) {
            assertThat(child.status()).as("%s", child).isEqualTo(Status.STARTED);
            assertThat(child.driver()).isEqualTo("toaster");
            assertThat(child.stack()).containsExactly("busenum (bus driver (PDO))", "toaster (function driver)");
            assertThat(child.compatibleIds()).containsExactly("{b85b7c50-6a01-11d2-b841-00c04fad5171}\\MsCompatibleToaster");
            assertThat(child.matched()).startsWith("toaster (hardware ID " + TOASTER_ID + ", rank 0x0000");
        }
        assertThat(children.getFirst().deviceText()).isEqualTo("Microsoft_Eliyas_Toaster_01 (Toaster Bus 0)");
        assertThat(host.client().interfaces(GUID_DEVINTERFACE_TOASTER)).hasSize(2);
        String tree = PnpManager.render(host.pnp().devices());
        assertThat(tree).contains("\n  " + TOASTER_ID + "\\01").contains("\n  " + TOASTER_ID + "\\02");
        // ST4: the bus is started before its children, and each child's PDO (in the bus driver) before its toaster
        assertThat(pnpTrace()).containsSubsequence("busenum D0Entry", "busenum:01 PrepareHardware",
                "busenum:01 D0Entry", "toaster PrepareHardware", "toaster D0Entry", "busenum:02 PrepareHardware");
    }

    @Test
    void st1_aPluggedInToasterGetsTheToasterDriverAndItsUnplugSurpriseRemovesIt() {
        DevNode bus = host.pnp().addDevice("ROOT\\BUSENUM");
        assertThat(bus.status()).as("%s", bus).isEqualTo(Status.STARTED);
        assertThat(children(bus)).isEmpty();

        try (DeviceHandle enumerator = openBus()) {
            assertThat(control(enumerator, PLUGIN, 7, "")).isEqualTo(NtStatus.STATUS_SUCCESS);
            DevNode child = awaitChildren(bus, 1).getFirst();
            assertThat(child.instanceId()).isEqualTo(TOASTER_ID + "\\07");
            assertThat(child.status()).isEqualTo(Status.STARTED);
            assertThat(child.parent()).isEqualTo(bus.instanceId());
            String path = host.client().interfaces(GUID_DEVINTERFACE_TOASTER).getFirst().path();
            try (DeviceHandle toaster = host.client().open(path).value()) {
                assertThat(toaster.write("toast".getBytes(StandardCharsets.UTF_8)).information()).isEqualTo(5);
                IoResult read = toaster.read(64);
                assertThat(new String(read.data(), 0, (int) read.information(), StandardCharsets.UTF_8)).isEqualTo("toast");
            }
            int before = pnpTrace().size();

            assertThat(control(enumerator, UNPLUG, 7, "")).isEqualTo(NtStatus.STATUS_SUCCESS);

            awaitChildren(bus, 0);
            assertThat(host.pnp().device(child.instanceId())).isEmpty();
            assertThat(host.client().interfaces(GUID_DEVINTERFACE_TOASTER)).isEmpty();
            List<String> trace = pnpTrace();
            // surprise removal top-down: the toaster, then the child's PDO, whose callbacks run in the bus driver
            assertThat(trace.subList(before, trace.size())).containsExactly("toaster D0Exit",
                    "toaster ReleaseHardware", "busenum:07 SurpriseRemoval", "busenum:07 D0Exit",
                    "busenum:07 ReleaseHardware");
            assertThat(journalOf("busenum")).anyMatch(l -> l.startsWith("PNP busenum:07 PrepareHardware"));
            assertThat(host.pnp().device(bus.instanceId()).orElseThrow().status()).isEqualTo(Status.STARTED);
        }
    }

    // ST10, ST7: a plugged-in toaster's stack has three upper filters: PendingFilterDriver right above the toaster keeps
    // every write cancelable, and two of the sample's counting filters above it forward each write with a completion
    // routine. Three writes are outstanding through the two filters when the toaster is unplugged (the bus's UNPLUG
    // control: a surprise removal, top-down): the top filter's default target cancels what it sent, the cancel reaches
    // the pending filter's cancel routine, and each write is completed once, upward, with STATUS_CANCELLED. Then every
    // driver unloads clean (no request left, no finding).
    @Test
    void st10_aToasterUnpluggedWithWritesOutstandingThroughTwoFiltersCompletesEachOnceAndUnloadsClean()
            throws Exception {
        installToasterWithPendingFilters(host, hosting);
        DevNode bus = host.pnp().addDevice("ROOT\\BUSENUM");
        try (DeviceHandle enumerator = openBus()) {
            assertThat(control(enumerator, PLUGIN, 5, "")).isEqualTo(NtStatus.STATUS_SUCCESS);
            DevNode child = awaitChildren(bus, 1).getFirst();
            assertThat(child.stack()).containsSubsequence("toaster (function driver)", "tpend (upper filter)",
                    "tupper (upper filter)", "ttop (upper filter)");
            String path = host.client().interfaces(GUID_DEVINTERFACE_TOASTER).getFirst().path();
            DeviceHandle file = host.client().open(path).value();
            List<PendingIo> writes = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                writes.add(file.writeAsync(new byte[i]));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> journalOf("tpend").stream()
                    .filter(l -> l.contains("pended, cancelable")).count() == 3);
            assertThat(writes).noneMatch(w -> w.result().isDone());

            assertThat(control(enumerator, UNPLUG, 5, "")).isEqualTo(NtStatus.STATUS_SUCCESS);

            awaitChildren(bus, 0);
            for (PendingIo write : writes) {
                assertThat(write.await(Duration.ofSeconds(10)).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
            }
            assertThat(journalOf("tpend")).filteredOn(l -> l.startsWith("cancel routine")).hasSize(3);
            file.close();
        }
        stopToasterFiltersAndBus(host);
    }

    /**
     * The toaster (replaced) with three upper filters, bottom first: {@code tpend} (PendingFilterDriver: keeps writes
     * cancelable) and {@code tupper} and {@code ttop} (the sample's counting filter), each where {@code hosting} says.
     */
    static void installToasterWithPendingFilters(DriverHost host, HostingModel hosting) throws Exception {
        DriverPackage toaster = TestDrivers.sample(TestDrivers.TOASTER);
        host.install(toaster.withHosting(hosting)
                .withSetup(toaster.setup().withFilters(List.of("tpend", "tupper", "ttop"), List.of())), true);
        host.install(DriverPackage.of(TestDrivers.JAR, "org.wdf4j.testdrivers.PendingFilterDriver", "tpend",
                DriverPackage.FRAMEWORK_VERSION).withHosting(hosting), false);
        for (String filter : List.of("tupper", "ttop")) {
            host.install(DriverPackage.of(TestDrivers.TOASTER, StackHostTest.FILTER, filter,
                    DriverPackage.FRAMEWORK_VERSION).withHosting(hosting), false);
        }
    }

    /** Stops the filters of {@link #installToasterWithPendingFilters}, the toaster and the bus; each unloads clean. */
    static void stopToasterFiltersAndBus(DriverHost host) {
        for (String driver : List.of("ttop", "tupper", "tpend", "toaster")) {
            UnloadReport report = host.stop(host.driver(driver));
            assertThat(report.clean()).as("%s", report.render()).isTrue();
        }
        // The bus driver's record (a child's identification) once left its class loader in a JDK soft cache, not
        // collected in-process and pooled (JvmFlags.UNLOAD_PROOF, LeakDiagnosisTest#u6_aDriverWhoseRecords...).
        UnloadReport busReport = host.stop(host.driver("busenum"));
        assertThat(busReport.clean()).as("%s", busReport.render()).isTrue();
    }

    @Test
    void st1_anEjectedToasterIsRemovedInOrderAndBadPlugInsAreRefused() {
        DevNode bus = host.pnp().addDevice("ROOT\\BUSENUM");
        try (DeviceHandle enumerator = openBus()) {
            assertThat(control(enumerator, PLUGIN, 0, "")).isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
            assertThat(control(enumerator, PLUGIN, 1, "")).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(control(enumerator, PLUGIN, 1, "")).as("serial 1 is plugged in already")
                    .isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
            assertThat(control(enumerator, PLUGIN, 2, "WDF4J\\NOSUCHTOASTER")).isEqualTo(NtStatus.STATUS_SUCCESS);
            List<DevNode> two = awaitChildren(bus, 2);
            assertThat(two.get(1).status()).as("no driver lists its IDs").isEqualTo(Status.NO_DRIVER);
            int before = pnpTrace().size();

            assertThat(control(enumerator, EJECT, 1, "")).isEqualTo(NtStatus.STATUS_SUCCESS);

            await().atMost(Duration.ofSeconds(10)).until(() -> children(bus).size() == 1);
            assertThat(children(bus).getFirst().instanceId()).isEqualTo(TOASTER_ID + "\\02");
            List<String> trace = pnpTrace();
            assertThat(trace.subList(before, trace.size())).containsExactly("toaster D0Exit",
                    "toaster ReleaseHardware", "busenum:01 D0Exit", "busenum:01 ReleaseHardware");
            assertThat(control(enumerator, EJECT, 1, "")).isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
        }
    }

    @Test
    void st1_st4_removingTheParentRemovesItsChildrenFirstAndStoppingTheBusDriverToo() throws Exception {
        DevNode bus = host.pnp().addDevice("ROOT\\STATICBUS");
        assertThat(children(bus)).hasSize(2);
        int before = pnpTrace().size();

        host.pnp().removeDevice(bus.instanceId());

        assertThat(host.pnp().devices()).isEmpty();
        List<String> trace = pnpTrace();
        assertThat(trace.subList(before, trace.size())).containsExactly(
                "toaster D0Exit", "toaster ReleaseHardware", "busenum:02 D0Exit", "busenum:02 ReleaseHardware",
                "toaster D0Exit", "toaster ReleaseHardware", "busenum:01 D0Exit", "busenum:01 ReleaseHardware",
                "busenum D0Exit", "busenum ReleaseHardware");

        DevNode again = host.pnp().addDevice("ROOT\\STATICBUS");
        assertThat(children(again)).hasSize(2).allMatch(c -> c.status() == Status.STARTED);

        UnloadReport report = host.stop(host.driver("busenum"));

        // U7 and ST4: the bus driver's devices are removed before it unloads, its children's first
        assertThat(report.devicesRemoved()).containsExactly(TOASTER_ID + "\\02", TOASTER_ID + "\\01",
                again.instanceId());
        assertThat(children(host.pnp().device(again.instanceId()).orElseThrow())).isEmpty();
        assertThat(host.client().interfaces(GUID_DEVINTERFACE_TOASTER)).isEmpty();
    }

    private DeviceHandle openBus() {
        String path = host.client().interfaces(GUID_DEVINTERFACE_BUSENUM_TOASTER).getFirst().path();
        return host.client().open(path).value();
    }

    /** One of the bus's I/O controls: the serial number, little-endian, then the hardware ID in UTF-8. */
    static NtStatus control(DeviceHandle bus, int code, int serialNo, String hardwareId) {
        byte[] id = hardwareId.getBytes(StandardCharsets.UTF_8);
        byte[] input = ByteBuffer.allocate(4 + id.length).order(ByteOrder.LITTLE_ENDIAN).putInt(serialNo).put(id).array();
        return bus.deviceIoControl(code, input, 0).status();
    }

    private List<DevNode> children(DevNode parent) {
        return host.pnp().devices().stream().filter(n -> parent.instanceId().equals(n.parent())).toList();
    }

    /** Waits until the bus has {@code n} children, each started or without a driver that lists its IDs. */
    private List<DevNode> awaitChildren(DevNode bus, int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> children(bus).size() == n
                && children(bus).stream().allMatch(c -> c.status() == Status.STARTED || c.status() == Status.NO_DRIVER
                        && c.matched() == null));
        return children(bus);
    }

    private List<String> journalOf(String driver) {
        HostedDriver hosted = host.driver(driver);
        return hosted == null || hosted.runtime() == null ? List.of() : hosted.runtime().journal().stream()
                .filter(e -> e.kind() == JournalEntry.Kind.DBG_PRINT).map(JournalEntry::detail).toList();
    }

    /** The PNP lines busenum (its bus and its children's PDOs) and the toaster printed, in the order they ran. */
    private List<String> pnpTrace() {
        record Line(long time, String text) {
        }
        List<Line> lines = new ArrayList<>();
        for (String name : List.of("busenum", "toaster")) {
            for (String l : journalOf(name)) {
                if (l.startsWith("PNP ")) {
                    String[] parts = l.split(" ");
                    lines.add(new Line(Long.parseLong(parts[3]), parts[1] + " " + parts[2]));
                }
            }
        }
        lines.sort(Comparator.comparingLong(Line::time));
        return lines.stream().map(Line::text).toList();
    }
}
