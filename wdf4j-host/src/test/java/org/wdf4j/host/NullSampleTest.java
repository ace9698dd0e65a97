package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.PnpManager.DevNode;
import org.wdf4j.host.PnpManager.Status;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;
import org.wdf4j.io.CtlCode;

/**
 * The null sample (samples/null) in the host: a PnP device added by the PnP manager, found by its interface class and
 * driven through the client API: reads give zeros, writes are taken whole, control codes are refused.
 */
class NullSampleTest {

    /** The null sample: PnP, hardware ID {@code ROOT\NULL}. */
    static final Path NULL = TestDrivers.DIR.resolve("wdf4j-sample-null.jar");
    /** {@code NullDriver.GUID_DEVINTERFACE_NULL}; the driver's classes are not on the test class path. */
    static final UUID GUID_DEVINTERFACE_NULL = UUID.fromString("f717fdc9-73e8-45fc-b499-14aaa7aea457");
    static final Duration WAIT = Duration.ofSeconds(30);

    private final DriverHost host = DriverHost.create();
    private HostedDriver nul;
    private DevNode node;

    @BeforeEach
    void startNull() throws Exception {
        nul = host.start(TestDrivers.sample(NULL), VerifierSettings.on());
        assertThat(nul.isRunning()).as("%s", nul.report()).isTrue();
        node = host.pnp().addDevice("ROOT\\NULL");
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    private DeviceHandle open() {
        List<IoClient.DeviceInterface> interfaces = host.client().interfaces(GUID_DEVINTERFACE_NULL);
        assertThat(interfaces).hasSize(1);
        var opened = host.client().open(interfaces.getFirst().path());
        assertThat(opened.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return opened.value();
    }

    static byte[] ones(int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) 0xff);
        return b;
    }

    @Test
    void theDeviceIsAddedStartedAndFoundByItsInterfaceClass() {
        assertThat(node.instanceId()).isEqualTo("ROOT\\NULL\\0000");
        assertThat(node.driver()).isEqualTo("null");
        assertThat(node.status()).isEqualTo(Status.STARTED);
        assertThat(node.interfaces()).containsExactly("\\\\?\\ROOT#NULL#0000#{f717fdc9-73e8-45fc-b499-14aaa7aea457}");
    }

    @Test
    void readsGiveZerosWritesAreTakenWholeControlCodesAreRefused() {
        try (DeviceHandle device = open()) {
            for (int length : List.of(1, 4096, 64 * 1024, 1024 * 1024)) {
                IoResult written = device.write(ones(length));
                assertThat(written.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                assertThat(written.information()).isEqualTo(length);
                // what was written is not given back: a read is zeros, as many as asked for
                IoResult read = device.read(length);
                assertThat(read.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                assertThat(read.information()).isEqualTo(length);
                assertThat(read.data()).isEqualTo(new byte[length]);
            }
            int anyCode = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x800, CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);
            IoResult control = device.deviceIoControl(anyCode, new byte[] {1, 2, 3}, 16);
            assertThat(control.status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
            assertThat(control.information()).isZero();
        }
    }

    @Test
    void manyReadsAndWritesInFlightAtOnceAllSucceed() {
        try (DeviceHandle device = open()) {
            List<PendingIo> reads = new ArrayList<>();
            List<PendingIo> writes = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                reads.add(device.readAsync(4096));
                writes.add(device.writeAsync(ones(4096)));
            }
            assertThat(writes).allSatisfy(w -> {
                IoResult r = w.await(WAIT);
                assertThat(r.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                assertThat(r.information()).isEqualTo(4096);
            });
            assertThat(reads).allSatisfy(w -> {
                IoResult r = w.await(WAIT);
                assertThat(r.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                assertThat(r.data()).isEqualTo(new byte[4096]);
            });
        }
    }

    @Test
    void theDeviceIsRemovedBeforeTheDriverUnloadsAndTheUnloadIsClean() {
        try (DeviceHandle device = open()) {
            assertThat(device.read(10).data()).isEqualTo(new byte[10]);
        }
        UnloadReport report = host.stop(nul);
        assertThat(report.devicesRemoved()).containsExactly("ROOT\\NULL\\0000");
        assertThat(TestDrivers.printed(report)).contains("Null: EvtDriverDeviceAdd for ROOT\\NULL");
        assertThat(report.clean()).as(report.render()).isTrue();
        assertThat(host.pnp().devices()).singleElement().extracting(DevNode::status).isEqualTo(Status.NO_DRIVER);
    }
}
