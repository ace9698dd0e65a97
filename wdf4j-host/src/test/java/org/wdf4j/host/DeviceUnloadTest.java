package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.PnpManager.DevNode;
import org.wdf4j.host.PnpManager.Status;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;

/** U7 with devices: a PnP driver's devices are removed before it unloads; control devices go after EvtDriverUnload. */
class DeviceUnloadTest {

    private final DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    // U7: stopping a PnP driver first removes its devices, in creation order, through the PnP manager: each device's
    // remove (D0Exit, ReleaseHardware, the device's cleanup) runs before EvtDriverUnload, which finds no device left.
    // The nodes stay in the tree without a driver, and get their devices back when the driver starts again.
    @Test
    void u7_stoppingAPnpDriverRemovesItsDevicesFirst() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pnpTestDriver("pnptest"), VerifierSettings.on());
        String first = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        String second = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        String disabled = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        host.pnp().disable(disabled);
        // A client keeps a handle open on the first device across the unload.
        DeviceHandle handle = host.client().open(host.client().interfaces(PnpManagerTest.GUID_PNPTEST).getFirst().path())
                .value();

        UnloadReport report = host.stop(hosted);

        assertThat(report.devicesRemoved()).containsExactly(first, second);
        assertThat(TestDrivers.printed(report)).containsSubsequence(
                "D0Exit ROOT\\PNPTEST#0 to D3_FINAL", "ReleaseHardware ROOT\\PNPTEST#0", "device cleanup ROOT\\PNPTEST#0",
                "D0Exit ROOT\\PNPTEST#1 to D3_FINAL", "ReleaseHardware ROOT\\PNPTEST#1", "device cleanup ROOT\\PNPTEST#1",
                "EvtDriverUnload with 0 device(s) alive");
        // In the framework's journal too: both removes are done before EvtDriverUnload is called.
        List<String> callbacks = report.callbacks();
        int unload = indexOf(callbacks, "EvtDriverUnload(");
        assertThat(unload).isPositive();
        assertThat(lastIndexOf(callbacks, "(" + first + "): REMOVE: STARTED -> REMOVED")).isBetween(0, unload);
        assertThat(lastIndexOf(callbacks, "(" + second + "): REMOVE: STARTED -> REMOVED")).isBetween(0, unload);
        assertThat(lastIndexOf(callbacks, "(" + first + "): REMOVE"))
                .isLessThan(lastIndexOf(callbacks, "(" + second + "): REMOVE"));
        assertThat(report.evtDriverUnloadCalled()).isTrue();
        assertThat(report.render()).contains("  Devices removed first:  " + first + ", " + second + "\n"
                + "  EvtDriverUnload called: yes");
        assertThat(report.toJson()).contains("\"devicesRemoved\":[\"ROOT\\\\PNPTEST\\\\0000\",\"ROOT\\\\PNPTEST\\\\0001\"]");
        // The client's handle does not keep the driver: the report is clean and its loader collected.
        assertThat(report.clean()).as(report.render()).isTrue();
        assertThat(report.classLoaderCollected()).isTrue();

        assertThat(host.pnp().devices()).extracting(DevNode::instanceId, DevNode::driver, DevNode::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(first, null, Status.NO_DRIVER),
                org.assertj.core.groups.Tuple.tuple(second, null, Status.NO_DRIVER),
                org.assertj.core.groups.Tuple.tuple(disabled, null, Status.DISABLED));
        assertThat(host.client().interfaces(PnpManagerTest.GUID_PNPTEST)).isEmpty();
        assertThat(handle.read(8).status()).isEqualTo(NtStatus.STATUS_NO_SUCH_DEVICE);
        handle.close();
        assertThat(handle.read(8).status()).isEqualTo(NtStatus.STATUS_FILE_CLOSED);

        // The driver comes back: the nodes waiting for it get their devices again; the disabled one stays disabled.
        host.start(TestDrivers.pnpTestDriver("pnptest"));
        assertThat(host.pnp().devices()).extracting(DevNode::status)
                .containsExactly(Status.STARTED, Status.STARTED, Status.DISABLED);
    }

    // U7: a PnP driver stopped by the host after a bug check is not called again (no remove callbacks, no
    // EvtDriverUnload): the framework deletes its devices with the driver object, and its nodes are left without a
    // driver.
    @Test
    void u7_aFailedPnpDriverStoppedByTheHostLeavesItsNodesWithoutADriver() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pnpTestDriver("pnptest"), VerifierSettings.on());
        String ok = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        String bad = host.pnp().addDevice("ROOT\\PNPBUGCHECK").instanceId(); // D0Entry bug-checks
        await().atMost(Duration.ofSeconds(30)).until(() -> hosted.report() != null);
        UnloadReport report = hosted.report();
        assertThat(report.failure()).contains("WDF_INVALID_HANDLE");
        assertThat(report.evtDriverUnloadCalled()).isFalse();
        assertThat(report.devicesRemoved()).isEmpty();
        assertThat(TestDrivers.printed(report)).doesNotContain("D0Exit ROOT\\PNPTEST#0 to D3_FINAL")
                .contains("device cleanup ROOT\\PNPTEST#0");
        assertThat(report.classLoaderCollected()).isTrue();
        assertThat(host.pnp().devices()).extracting(DevNode::instanceId, DevNode::driver, DevNode::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple(ok, null, Status.NO_DRIVER),
                org.assertj.core.groups.Tuple.tuple(bad, null, Status.NO_DRIVER));
        assertThat(host.client().interfaces(PnpManagerTest.GUID_PNPTEST)).isEmpty();
    }

    // U7: the control devices a non-PnP driver still has at unload are deleted by the framework after its
    // EvtDriverUnload returns. A client handle left open on one: EvtDriverUnload sees it open, the framework closes it
    // with the device, and the client's later I/O fails at once (nothing hangs, nothing keeps the driver loaded).
    @Test
    @Timeout(60)
    void u7_controlDevicesAreDeletedAfterEvtDriverUnload() throws Exception {
        HostedDriver nonpnp = host.start(TestDrivers.sample(TestDrivers.NONPNP), VerifierSettings.on());
        DeviceHandle handle = host.client().open("\\\\.\\NONPNP").value();
        assertThat(handle.write("left open".getBytes(StandardCharsets.UTF_8)).isSuccess()).isTrue();

        UnloadReport report = host.stop(nonpnp);

        assertThat(report.evtDriverUnloadCalled()).isTrue();
        assertThat(report.devicesRemoved()).isEmpty();
        List<String> printed = TestDrivers.printed(report);
        int unload = indexOf(printed, "NonPnp: EvtDriverUnload");
        assertThat(printed.get(unload)).as("the device and its open were alive in EvtDriverUnload")
                .contains("opens=1", "closes=0");
        assertThat(indexOf(printed, "NonPnp: EvtFileClose")).as("the open is closed with the device, after unload")
                .isGreaterThan(unload);
        assertThat(indexOf(printed, "NonPnp: driver object cleanup")).isGreaterThan(indexOf(printed, "NonPnp: EvtFileClose"));
        assertThat(report.clean()).as(report.render()).isTrue();
        assertThat(report.classLoaderCollected()).isTrue();

        IoResult read = handle.read(16);
        assertThat(read.status()).isEqualTo(NtStatus.STATUS_NO_SUCH_DEVICE);
        assertThat(handle.deviceIoControl(0x00222000, new byte[] {1}, 1).status()).isEqualTo(NtStatus.STATUS_NO_SUCH_DEVICE);
        assertThat(handle.cancelAll()).isZero();
        handle.close();
        assertThat(host.client().open("\\\\.\\NONPNP").status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        assertThat(host.pnp().devices()).isEmpty();
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<String> lines, String part) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
