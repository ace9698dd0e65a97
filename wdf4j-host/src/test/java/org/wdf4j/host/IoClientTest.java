package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.host.PnpManager.Status;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.client.IoException;
import org.wdf4j.host.client.PendingIo;

/** The host's client API: paths, names, interfaces, exclusive devices, closed handles, bounded waits. */
class IoClientTest {

    private final DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    private IoClient client() {
        return host.client();
    }

    private static String readName(DeviceHandle handle) {
        return new String(handle.read(100).data(), StandardCharsets.UTF_8);
    }

    @Test
    void pathsThatNameNothingAreNotFoundAndEmptyNamesAreInvalid() throws Exception {
        host.start(TestDrivers.pnpTestDriver("pnptest"));
        String id = host.pnp().addDevice("ROOT\\PNPTEST").instanceId();
        String path = client().interfaces(PnpManagerTest.GUID_PNPTEST).getFirst().path();

        assertThat(client().open("").status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_INVALID);
        assertThat(client().open("\\\\.\\").status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_INVALID);
        assertThat(client().open("\\\\.\\NOSUCH").status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        assertThat(client().open("NOSUCH").status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        assertThat(client().open("\\\\?\\ROOT#NOSUCH#0000#{" + PnpManagerTest.GUID_PNPTEST + "}").status())
                .isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        assertThat(client().open("\\\\?\\garbage").status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        assertThat(client().open(path).status()).isEqualTo(NtStatus.STATUS_SUCCESS);

        // A disabled device's interface is gone: its path names nothing.
        host.pnp().disable(id);
        assertThat(client().interfaces(PnpManagerTest.GUID_PNPTEST)).isEmpty();
        assertThat(client().open(path).status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
    }

    @Test
    void namesAndInterfacePathsResolveCaseInsensitivelyAndPassTheRestAsTheFileName() throws Exception {
        host.start(TestDrivers.pnpTestDriver("pnptest"));
        host.pnp().addDevice("ROOT\\PNPTEST");
        host.pnp().addDevice("ROOT\\PNPEXCLUSIVE");
        IoClient.DeviceInterface plain = client().interfaces(PnpManagerTest.GUID_PNPTEST).get(0);
        IoClient.DeviceInterface withRef = client().interfaces(PnpManagerTest.GUID_PNPTEST).get(1);
        assertThat(plain.path()).isEqualTo("\\\\?\\ROOT#PNPTEST#0000#{" + PnpManagerTest.GUID_PNPTEST + "}");
        assertThat(plain.referenceString()).isEmpty();
        assertThat(withRef.path()).isEqualTo("\\\\?\\ROOT#PNPEXCLUSIVE#0000#{" + PnpManagerTest.GUID_PNPTEST + "}\\ref");
        assertThat(withRef.referenceString()).isEqualTo("ref");
        assertThat(withRef.instanceId()).isEqualTo("ROOT\\PNPEXCLUSIVE\\0000");

        try (DeviceHandle h = client().open(plain.path().toUpperCase()).value()) {
            assertThat(readName(h)).isEmpty();
        }
        try (DeviceHandle h = client().open(plain.path() + "\\some\\file").value()) {
            assertThat(readName(h)).isEqualTo("some\\file");
        }
        try (DeviceHandle h = client().open(withRef.path()).value()) {
            assertThat(readName(h)).as("the reference string is the file name").isEqualTo("ref");
        }
        try (DeviceHandle h = client().open("\\\\.\\pnpexclusive\\x.txt").value()) {
            assertThat(readName(h)).isEqualTo("x.txt");
        }
        try (DeviceHandle h = client().open("PNPEXCLUSIVE").value()) {
            assertThat(h.path()).isEqualTo("PNPEXCLUSIVE");
            assertThat(readName(h)).isEmpty();
        }
    }

    @Test
    void anExclusiveDeviceTakesOneOpenAtATime() throws Exception {
        host.start(TestDrivers.pnpTestDriver("pnptest"));
        host.pnp().addDevice("ROOT\\PNPEXCLUSIVE");
        NtResult<DeviceHandle> first = client().open("\\\\.\\PNPEXCLUSIVE");
        assertThat(first.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(client().open("\\\\.\\PNPEXCLUSIVE").status()).isEqualTo(NtStatus.STATUS_SHARING_VIOLATION);
        first.value().close();
        NtResult<DeviceHandle> again = client().open("\\\\.\\PNPEXCLUSIVE");
        assertThat(again.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        again.value().close();
    }

    @Test
    void namesAreUniqueAcrossTheHost() throws Exception {
        host.start(TestDrivers.pnpTestDriver("pnptest"));
        assertThat(host.pnp().addDevice("ROOT\\PNPEXCLUSIVE").status()).isEqualTo(Status.STARTED);
        // A second device with the same name, from the same driver: its WdfDeviceCreate fails.
        PnpManager.DevNode second = host.pnp().addDevice("ROOT\\PNPEXCLUSIVE");
        assertThat(second.status()).isEqualTo(Status.FAILED);
        assertThat(second.problem()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_COLLISION);
        // The nonpnp sample twice, under two driver names: the second one's control device cannot take NONPNP.
        HostedDriver one = host.start(TestDrivers.sample(TestDrivers.NONPNP));
        assertThat(one.isRunning()).isTrue();
        DriverPackage pkg = TestDrivers.sample(TestDrivers.NONPNP);
        HostedDriver two = host.start(DriverPackage.of(pkg.jar(), pkg.entryClass(), "nonpnp2", pkg.frameworkVersion()));
        assertThat(two.report()).isNotNull();
        assertThat(two.report().driverEntryStatus()).contains("STATUS_OBJECT_NAME_COLLISION");
        assertThat(two.report().classLoaderCollected()).isTrue();
        // The first keeps its name.
        try (DeviceHandle h = client().open("\\\\.\\NONPNP").value()) {
            assertThat(h.write(new byte[] {1}).isSuccess()).isTrue();
        }
    }

    @Test
    void aClosedHandleFailsItsIoWithFileClosedAndClosesOnce() throws Exception {
        host.start(TestDrivers.sample(TestDrivers.NONPNP));
        DeviceHandle handle = client().open("\\\\.\\NONPNP").value();
        handle.close();
        handle.close(); // nothing more
        assertThat(handle.read(10).status()).isEqualTo(NtStatus.STATUS_FILE_CLOSED);
        assertThat(handle.write(new byte[] {1}).status()).isEqualTo(NtStatus.STATUS_FILE_CLOSED);
        assertThat(handle.deviceIoControl(NonPnpSampleTest.IOCTL_NONPNP_GET_STATS, null, 32).status())
                .isEqualTo(NtStatus.STATUS_FILE_CLOSED);
        PendingIo late = handle.readAsync(10);
        assertThat(late.result()).isDone();
        assertThat(late.cancel()).isFalse();
        assertThat(late.await(Duration.ZERO).status()).isEqualTo(NtStatus.STATUS_FILE_CLOSED);
        assertThat(handle.cancelAll()).isZero();
        assertThatThrownBy(() -> handle.read(1).orThrow("ReadFile")).isInstanceOf(IoException.class)
                .hasMessage("ReadFile failed: " + NtStatus.STATUS_FILE_CLOSED);
    }

    @Test
    void awaitIsBoundedAndThrowsTimeoutWhileTheRequestStaysInFlight() throws Exception {
        host.start(TestDrivers.sample(TestDrivers.ECHO));
        host.pnp().addDevice("ROOT\\ECHO");
        try (DeviceHandle echo = client().open(client().interfaces(EchoSampleTest.GUID_DEVINTERFACE_ECHO).getFirst().path())
                .value()) {
            host.pnp().sleep(); // the device's queue holds requests while it is in D3
            PendingIo read = echo.readAsync(10);
            assertThatThrownBy(() -> read.await(Duration.ofMillis(50)))
                    .isInstanceOf(IoException.class)
                    .hasMessageContaining("ReadFile of 10 bytes")
                    .satisfies(e -> assertThat(((IoException) e).status()).isEqualTo(NtStatus.STATUS_TIMEOUT));
            assertThat(read.result()).isNotDone();
            assertThat(echo.cancelAll()).isEqualTo(1);
            assertThat(read.await(EchoSampleTest.WAIT).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
            host.pnp().wake();
        }
    }
}
