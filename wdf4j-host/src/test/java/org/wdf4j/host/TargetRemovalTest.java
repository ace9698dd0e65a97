package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.host.PnpManager.DevNode;
import org.wdf4j.host.PnpManager.Status;
import org.wdf4j.host.client.DeviceHandle;

/**
 * ST9 with the toastmon sample: toaster interface arrival (existing toasters included), a remote target on each toaster
 * with I/O flowing, a surprise removal (unplug) telling remove-complete only, an orderly removal (eject,
 * {@code device remove}, the toaster driver's stop) asking query-remove first, a veto keeping the device, the targets
 * that agreed reopened when the removal is cancelled, and a target opened without callbacks getting WDF's defaults.
 *
 * <p>Once per hosting model (H1): in-process everything runs in the host; pooled, toastmon, the toaster and the bus
 * share the pool's driver host, and a target opens its toaster directly there; isolated, each runs in a driver host of
 * its own, so the interface notifications and the target's queries cross the channels, and a target's requests go
 * through the host to the toaster's driver host (ST5).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(HostingModel.class)
class TargetRemovalTest {

    static final String TOASTER_ID = BusDriverTest.TOASTER_ID;

    @Parameter
    HostingModel hosting;

    @TempDir
    Path dir;

    private DriverHost host;

    @BeforeEach
    void installSamples() throws Exception {
        host = DriverHost.create(dir.resolve("state"));
        host.install(TestDrivers.sample(TestDrivers.TOASTER_BUS).withHosting(hosting), false);
        host.install(TestDrivers.sample(TestDrivers.TOASTER).withHosting(hosting), false);
        host.install(TestDrivers.sample(TestDrivers.TOASTMON).withHosting(hosting), false);
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    @Test
    void st9_toastmonWatchesToastersAsTheyArriveAndLetsGoOnUnplugAndEject() {
        DevNode bus = host.pnp().addDevice("ROOT\\BUSENUM");
        try (DeviceHandle enumerator = openBus()) {
            assertThat(control(enumerator, BusDriverTest.PLUGIN, 1)).isEqualTo(NtStatus.STATUS_SUCCESS);
            awaitToasters(bus, 1);
            String first = toasterPath(1);

            DevNode monitor = host.pnp().addDevice("ROOT\\TOASTMON");
            assertThat(monitor.status()).as("%s", monitor).isEqualTo(Status.STARTED);
            // a toaster present before the registration arrives too (PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES)
            awaitPrinted("toastmon: opened " + first, "toastmon: first I/O " + first + " STATUS_SUCCESS");

            assertThat(control(enumerator, BusDriverTest.PLUGIN, 2)).isEqualTo(NtStatus.STATUS_SUCCESS);
            awaitToasters(bus, 2);
            String second = toasterPath(2);
            awaitPrinted("toastmon: arrival " + second, "toastmon: opened " + second,
                    "toastmon: first I/O " + second + " STATUS_SUCCESS");

            // unplug: a surprise removal; the target gets remove-complete without a query-remove
            assertThat(control(enumerator, BusDriverTest.UNPLUG, 2)).isEqualTo(NtStatus.STATUS_SUCCESS);
            awaitPrinted("toastmon: remove-complete " + second);
            assertThat(printed()).noneMatch(l -> l.startsWith("toastmon: query-remove " + second));
            awaitPrinted("toastmon: removal " + second);

            // eject: an orderly removal; query-remove first (the target closes), then remove-complete
            assertThat(control(enumerator, BusDriverTest.EJECT, 1)).isEqualTo(NtStatus.STATUS_SUCCESS);
            awaitToasters(bus, 0);
            awaitPrinted("toastmon: query-remove " + first + " (closed)", "toastmon: remove-complete " + first);
            assertThat(printed()).noneMatch(l -> l.contains("remove-canceled"));
        }
        assertThat(host.driver("toastmon").runtime().journal()).as("toastmon broke no rule")
                .noneMatch(e -> e.kind() == JournalEntry.Kind.EXCEPTION || e.kind() == JournalEntry.Kind.VIOLATION
                        || e.kind() == JournalEntry.Kind.BUG_CHECK);
    }

    @Test
    void st9_aVetoKeepsTheToasterAndTheTargetsThatLetGoAreReopened() throws Exception {
        // toastmon2 (same sample, no veto) opens first, so it is asked first and lets go; toastmon3 opened its target
        // without callbacks (WDF's defaults); toastmon vetoes
        installToastmon("toastmon2");
        installToastmon("toastmon3");
        host.store().parameters("toastmon3").put("DefaultTargetCallbacks", FxParameters.Value.ofULong(1));
        host.store().parameters("toastmon").put("VetoRemoval", FxParameters.Value.ofULong(1));
        DevNode toaster = host.pnp().addDevice("ROOT\\TOASTER");
        String path = host.client().interfaces(BusDriverTest.GUID_DEVINTERFACE_TOASTER).getFirst().path();
        host.pnp().addDevice("ROOT\\TOASTMON2");
        awaitPrintedBy("toastmon2", "toastmon: first I/O " + path + " STATUS_SUCCESS");
        host.pnp().addDevice("ROOT\\TOASTMON3");
        awaitPrintedBy("toastmon3", "toastmon: first I/O " + path + " STATUS_SUCCESS");
        host.pnp().addDevice("ROOT\\TOASTMON");
        awaitPrintedBy("toastmon", "toastmon: first I/O " + path + " STATUS_SUCCESS");

        assertThatThrownBy(() -> host.pnp().removeDevice(toaster.instanceId()))
                .isInstanceOf(RemovalVetoedException.class)
                .hasMessageContaining("the removal of device " + toaster.instanceId() + " was vetoed")
                .hasMessageContaining("driver toastmon's WDFIOTARGET");

        assertThat(host.pnp().device(toaster.instanceId()).orElseThrow().status()).isEqualTo(Status.STARTED);
        assertThat(printed("toastmon2")).containsSubsequence("toastmon: query-remove " + path + " (closed)",
                "toastmon: remove-canceled " + path + " (reopened: STATUS_SUCCESS)");
        assertThat(printed("toastmon")).contains("toastmon: query-remove " + path + " (vetoed)")
                .noneMatch(l -> l.contains("remove-canceled"));
        // without callbacks: the framework closed the target for the query-remove and reopened it on the cancel
        assertThat(targetJournal("toastmon3")).containsSubsequence("CLOSE_FOR_QUERY_REMOVE:", "reopened");
        // the driver that let go sends again on its reopened target
        long before = statsControls(path);
        await().atMost(Duration.ofSeconds(10)).until(() -> statsControls(path) >= before + 4);

        // a driver stop is not vetoable: the targets are asked, then told the removal completed
        host.stop(host.driver("toaster"));
        awaitPrintedBy("toastmon", "toastmon: remove-complete " + path);
        awaitPrintedBy("toastmon2", "toastmon: remove-complete " + path);
        assertThat(host.pnp().device(toaster.instanceId()).orElseThrow().status()).isEqualTo(Status.NO_DRIVER);
        // and the target without callbacks is closed by the framework on remove-complete
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(targetJournal("toastmon3"))
                .containsSubsequence("CLOSE_FOR_QUERY_REMOVE:", "reopened", "CLOSE:"));
        assertThat(printed("toastmon3")).noneMatch(l -> l.contains("query-remove") || l.contains("remove-c"));
    }

    /** Installs another toastmon (the same sample under another name and hardware ID), where this class's models put it. */
    private void installToastmon(String name) throws Exception {
        host.install(DriverPackage.of(TestDrivers.TOASTMON, "org.wdf4j.samples.toastmon.ToastMonDriver", name,
                DriverPackage.FRAMEWORK_VERSION, List.of("ROOT\\" + name.toUpperCase(java.util.Locale.ROOT)))
                .withHosting(hosting), false);
    }

    /** What the framework journalled about a driver's remote targets (opens, closes), in order: each entry's first word. */
    private List<String> targetJournal(String driver) {
        return host.driver(driver).runtime().journal().stream()
                .filter(e -> e.kind() == JournalEntry.Kind.IO && e.subject().contains("remote target"))
                .map(e -> e.detail().split(" ", 2)[0]).toList();
    }

    /** The controls the toaster's function driver has answered so far, as its stats control tells a client. */
    private long statsControls(String path) {
        try (DeviceHandle toaster = host.client().open(path).value()) {
            var result = toaster.deviceIoControl(StackHostTest.IOCTL_TOASTER_STATS, new byte[0], 1024);
            String text = new String(result.data(), 0, (int) result.information(), java.nio.charset.StandardCharsets.UTF_8);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("controls=(\\d+)").matcher(text);
            assertThat(m.find()).as(text).isTrue();
            return Long.parseLong(m.group(1));
        }
    }

    private DeviceHandle openBus() {
        String path = host.client().interfaces(BusDriverTest.GUID_DEVINTERFACE_BUSENUM_TOASTER).getFirst().path();
        return host.client().open(path).value();
    }

    private static NtStatus control(DeviceHandle bus, int code, int serialNo) {
        byte[] input = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(serialNo).array();
        return bus.deviceIoControl(code, input, 0).status();
    }

    private void awaitToasters(DevNode bus, int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> host.pnp().devices().stream()
                .filter(d -> bus.instanceId().equals(d.parent()) && d.status() == Status.STARTED).count() == n);
    }

    private String toasterPath(int serialNo) {
        String instance = String.format("%s\\%02d", TOASTER_ID, serialNo);
        return host.client().interfaces(BusDriverTest.GUID_DEVINTERFACE_TOASTER).stream()
                .filter(i -> i.instanceId().equals(instance)).findFirst().orElseThrow().path();
    }

    private List<String> printed() {
        return printed("toastmon");
    }

    private List<String> printed(String driver) {
        HostedDriver hosted = host.driver(driver);
        return hosted == null || hosted.runtime() == null ? List.of() : TestDrivers.printed(hosted.runtime().journal());
    }

    private void awaitPrinted(String... lines) {
        awaitPrintedBy("toastmon", lines);
    }

    private void awaitPrintedBy(String driver, String... lines) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> seen = printed(driver);
            for (String line : lines) {
                assertThat(seen).as("%s printed", driver).anyMatch(l -> l.startsWith(line));
            }
        });
    }
}
