package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
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
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.PnpManager.DevNode;
import org.wdf4j.host.PnpManager.Status;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;
import org.wdf4j.host.fuse.FuseTests;

/**
 * Device stacks built by the host's PnP manager (ST3, ST4): the toaster function driver with a lower filter and an
 * upper filter declared at install (its devices' LowerFilters and UpperFilters) and a class filter of class Toaster,
 * attached bottom-up in Windows' order, started bottom-up and removed top-down, requests passing through the filters.
 *
 * <p>Once per hosting model asked for at install: in-process, the stack runs in the host; pooled or isolated, all four
 * drivers run in one driver host (a stack of several drivers runs in the pool's driver host, {@link StackHosting}).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(HostingModel.class)
class StackHostTest {

    /** {@code Toaster.GUID_DEVINTERFACE_TOASTER}; the sample's classes are not on the test class path. */
    static final UUID GUID_DEVINTERFACE_TOASTER = UUID.fromString("781ef630-72b2-11d2-b852-00c04fad5171");
    /** {@code Toaster.IOCTL_TOASTER_STATS}: CTL_CODE(FILE_DEVICE_UNKNOWN, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS). */
    static final int IOCTL_TOASTER_STATS = (0x22 << 16) | (0x900 << 2);
    static final String FILTER = "org.wdf4j.samples.toaster.ToasterFilter";

    @Parameter
    HostingModel hosting;

    @TempDir
    Path dir;

    private DriverHost host;

    @BeforeEach
    void installToasterAndFilters() throws Exception {
        host = DriverHost.create(dir.resolve("state"));
        DriverPackage toaster = TestDrivers.sample(TestDrivers.TOASTER);
        host.install(toaster.withHosting(hosting)
                .withSetup(toaster.setup().withFilters(List.of("tupper"), List.of("tlower"))), false);
        host.install(filter("tupper", DeviceSetup.NONE), false);
        host.install(filter("tlower", DeviceSetup.NONE), false);
        host.install(filter("tclass", DeviceSetup.NONE.withClassFilterOf(List.of("Toaster"), List.of())), false);
    }

    private DriverPackage filter(String name, DeviceSetup setup) throws DriverPackageException {
        return DriverPackage.of(TestDrivers.TOASTER, FILTER, name, DriverPackage.FRAMEWORK_VERSION).withHosting(hosting)
                .withSetup(setup);
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    static final List<String> STACK = List.of("tlower (lower filter)", "toaster (function driver)",
            "tupper (upper filter)", "tclass (upper class filter)");

    @Test
    void st3_st4_theStackIsBuiltFromTheFilterListsInOrderStartedBottomUpAndRemovedTopDown() {
        DevNode node = host.pnp().addDevice("ROOT\\TOASTER");

        assertThat(node.status()).as("%s", node).isEqualTo(Status.STARTED);
        assertThat(node.driver()).isEqualTo("toaster");
        assertThat(node.stack()).containsExactlyElementsOf(STACK);
        assertThat(node.interfaces()).hasSize(1);
        List<Long> pids = List.of("tlower", "toaster", "tupper", "tclass").stream()
                .map(n -> host.driver(n).runtime().pid()).distinct().toList();
        assertThat(pids).as("all drivers of a stack run in one process").hasSize(1);
        assertThat(pids.getFirst() == ProcessHandle.current().pid()).isEqualTo(hosting == HostingModel.IN_PROCESS);

        List<String> started = pnpTrace();
        assertThat(started).containsExactly(
                "tlower PrepareHardware", "tlower D0Entry", "toaster PrepareHardware", "toaster D0Entry",
                "tupper PrepareHardware", "tupper D0Entry", "tclass PrepareHardware", "tclass D0Entry");

        host.pnp().removeDevice(node.instanceId());

        List<String> all = pnpTrace();
        assertThat(all.subList(started.size(), all.size())).containsExactly(
                "tclass D0Exit", "tclass ReleaseHardware", "tupper D0Exit", "tupper ReleaseHardware",
                "toaster D0Exit", "toaster ReleaseHardware", "tlower D0Exit", "tlower ReleaseHardware");
    }

    @Test
    void st3_requestsEnterAtTheTopAndEachFilterSeesThemOnTheirWayDownAndBack() {
        host.pnp().addDevice("ROOT\\TOASTER");
        String path = host.client().interfaces(GUID_DEVINTERFACE_TOASTER).getFirst().path();
        try (DeviceHandle toaster = host.client().open(path).value()) {
            assertThat(toaster.write("toast".getBytes(StandardCharsets.UTF_8)).information()).isEqualTo(5);
            IoResult read = toaster.read(64);
            assertThat(new String(read.data(), 0, (int) read.information(), StandardCharsets.UTF_8)).isEqualTo("toast");
            IoResult stats = toaster.deviceIoControl(IOCTL_TOASTER_STATS, new byte[0], 1024);
            assertThat(stats.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            // The function driver answers first; each filter above adds its line on the way back up. The lower filter
            // sees nothing: the function driver completes the toaster's requests itself, as Microsoft's does.
            assertThat(new String(stats.data(), 0, (int) stats.information(), StandardCharsets.UTF_8).lines())
                    .containsExactly("toaster reads=1 writes=1 controls=0", "tupper reads=1 writes=1 controls=0",
                            "tclass reads=1 writes=1 controls=0");
        }
    }

    // ST3, issue #12's toaster: a real program (devclient.py, a process of its own) writes and reads the toaster through
    // its device file; its requests enter the stack at the top, and the filters above the function driver count them
    // on their way down and back, as they count the client API's.
    @Test
    void st3_aProgramReadsAndWritesAToasterThroughItsDeviceFileWhileTheFiltersCountItsRequests() throws Exception {
        FuseTests.assumeFuse();
        Path root = host.mountDevices(dir.resolve("dev")).root();
        host.pnp().addDevice("ROOT\\TOASTER");
        Path file = root.resolve("toaster0");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));

        assertThat(FuseTests.client("write", file.toString(), "toast")).isEqualTo("wrote 5");
        assertThat(FuseTests.client("read-block", file.toString()).lines()).containsExactly("reading",
                "data " + HexFormat.of().formatHex("toast".getBytes(StandardCharsets.UTF_8)));

        String path = host.client().interfaces(GUID_DEVINTERFACE_TOASTER).getFirst().path();
        try (DeviceHandle toaster = host.client().open(path).value()) {
            IoResult stats = toaster.deviceIoControl(IOCTL_TOASTER_STATS, new byte[0], 1024);
            assertThat(stats.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(new String(stats.data(), 0, (int) stats.information(), StandardCharsets.UTF_8).lines())
                    .containsExactly("toaster reads=1 writes=1 controls=0", "tupper reads=1 writes=1 controls=0",
                            "tclass reads=1 writes=1 controls=0");
        }
    }

    @Test
    void st3_aNodeWaitsForAFilterItNamesThatIsNotInstalledAndIsBuiltWhenItStarts() throws Exception {
        DriverPackage toaster = TestDrivers.sample(TestDrivers.TOASTER);
        host.install(toaster.withHosting(hosting)
                .withSetup(toaster.setup().withFilters(List.of("tupper", "tlate"), List.of())), true);

        DevNode waiting = host.pnp().addDevice("ROOT\\TOASTER");

        assertThat(waiting.status()).isEqualTo(Status.NO_DRIVER);
        assertThat(waiting.cause()).isEqualTo("waiting for its upper filter tlate, which is neither running nor installed");
        assertThat(PnpManager.render(host.pnp().devices())).contains("NO_DRIVER (waiting for its upper filter tlate");

        host.install(filter("tlate", DeviceSetup.NONE), false);
        host.start("tlate", VerifierSettings.on(), host.driver("toaster").hosting());

        DevNode built = host.pnp().device(waiting.instanceId()).orElseThrow();
        assertThat(built.status()).as("%s", built).isEqualTo(Status.STARTED);
        assertThat(built.stack()).containsExactly("toaster (function driver)", "tupper (upper filter)",
                "tlate (upper filter)", "tclass (upper class filter)");
    }

    @Test
    void st3_u7_stoppingAFilterRemovesItsNodesWholeStackAndItsStartBuildsItAgain() throws Exception {
        DevNode node = host.pnp().addDevice("ROOT\\TOASTER");
        HostingModel where = host.driver("tupper").hosting();

        UnloadReport report = host.stop(host.driver("tupper"));

        assertThat(report.devicesRemoved()).containsExactly(node.instanceId());
        DevNode without = host.pnp().device(node.instanceId()).orElseThrow();
        assertThat(without.status()).isEqualTo(Status.NO_DRIVER);
        assertThat(without.stack()).isEmpty();
        assertThat(without.cause()).startsWith("waiting for its upper filter tupper, which is installed but not running");
        assertThat(host.client().interfaces(GUID_DEVINTERFACE_TOASTER)).isEmpty();

        host.start("tupper", VerifierSettings.on(), where);

        DevNode again = host.pnp().device(node.instanceId()).orElseThrow();
        assertThat(again.status()).isEqualTo(Status.STARTED);
        assertThat(again.stack()).containsExactlyElementsOf(STACK);
    }

    // ST10: a filter in the middle of the stack (HoldingFilterDriver, an upper filter between the toaster and tupper)
    // keeps a client's write and never completes it nor lets it be cancelled. `wdf4j driver stop` of it removes its
    // node's whole stack first (U7): the client's write is answered exactly once (STATUS_NO_SUCH_DEVICE, when the top
    // gives up on it after the verifier's wait), and the unload report names the request the driver still holds, the
    // level of the stack it holds it at (3 of 5), and the client that asked for it.
    @Test
    void st10_theUnloadReportOfADriverInTheMiddleNamesTheRequestItHoldsItsLevelAndItsRequestor() throws Exception {
        host.pnp().autoStartVerifier(VerifierSettings.on().withWaitTimeout(Duration.ofMillis(1600)));
        host.install(DriverPackage.of(TestDrivers.JAR, "org.wdf4j.testdrivers.HoldingFilterDriver", "thold",
                DriverPackage.FRAMEWORK_VERSION).withHosting(hosting), false);
        DriverPackage toaster = TestDrivers.sample(TestDrivers.TOASTER);
        host.install(toaster.withHosting(hosting)
                .withSetup(toaster.setup().withFilters(List.of("thold", "tupper"), List.of("tlower"))), true);
        DevNode node = host.pnp().addDevice("ROOT\\TOASTER");
        assertThat(node.stack()).containsExactly("tlower (lower filter)", "toaster (function driver)",
                "thold (upper filter)", "tupper (upper filter)", "tclass (upper class filter)");
        String path = host.client().interfaces(GUID_DEVINTERFACE_TOASTER).getFirst().path();
        DeviceHandle toasterFile = host.client().open(path).value();
        PendingIo write = toasterFile.writeAsync("held".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(10)).until(() -> host.driver("thold").runtime().journal().stream()
                .anyMatch(e -> e.kind() == JournalEntry.Kind.DBG_PRINT && e.detail().contains("held, never completed")));

        UnloadReport report = host.stop("thold");

        assertThat(report.devicesRemoved()).containsExactly(node.instanceId());
        IoResult answer = write.await(Duration.ofSeconds(10));
        assertThat(answer.status()).isEqualTo(NtStatus.STATUS_NO_SUCH_DEVICE);
        assertThat(write.result()).isDone();
        assertThat(report.leaks()).as("%s", report.render()).singleElement().satisfies(leak -> {
            assertThat(leak.kind()).isEqualTo("request");
            assertThat(leak.description()).contains("held by the driver", "the client was told STATUS_NO_SUCH_DEVICE",
                    "level 3 of 5 (1 is the bottom) of device node " + node.instanceId(),
                    "requestor " + toasterFile.requestor());
        });
        assertThat(report.findings()).as("the removal waited for the held write")
                .anyMatch(f -> f.kind() == Finding.Kind.VIOLATION && f.rule().equals("HUNG"));
        assertThat(report.render()).contains("level 3 of 5", "requestor " + toasterFile.requestor());
        assertThat(report.clean()).isFalse();
        for (String other : List.of("tlower", "toaster", "tupper", "tclass")) {
            assertThat(host.driver(other).runtime().failure()).as("%s", other).isNull();
        }
        toasterFile.close();
    }

    /** The PNP lines the four drivers printed ({@code Toaster.tracePnp}), in the order they ran. */
    private List<String> pnpTrace() {
        record Line(long time, String text) {
        }
        List<Line> lines = new ArrayList<>();
        for (String name : List.of("tlower", "toaster", "tupper", "tclass")) {
            for (JournalEntry e : host.driver(name).runtime().journal()) {
                if (e.kind() == JournalEntry.Kind.DBG_PRINT && e.detail().startsWith("PNP ")) {
                    String[] parts = e.detail().split(" ");
                    lines.add(new Line(Long.parseLong(parts[3]), parts[1] + " " + parts[2]));
                }
            }
        }
        lines.sort(Comparator.comparingLong(Line::time));
        return lines.stream().map(Line::text).toList();
    }
}
