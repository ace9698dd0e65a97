package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.PnpManager.DevNode;
import org.wdf4j.host.PnpManager.Status;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;

/**
 * The echo sample (samples/echo) in the host: a PnP device added by the PnP manager, found by its interface class and
 * driven through the client API, as Microsoft's echoapp drives it. ({@code EchoApp.runAll} itself is tested in
 * samples/echoapp, which is built after this module.)
 *
 * <p>H1, H3: the whole class runs once per hosting model, the driver in the host's process and isolated in a driver
 * host process, with the same assertions: the same driver JAR, the same callbacks, statuses and report.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(HostingModel.class)
class EchoSampleTest {

    @Parameter
    HostingModel hosting;

    /** {@code EchoDriver.GUID_DEVINTERFACE_ECHO}; the driver's classes are not on the test class path. */
    static final UUID GUID_DEVINTERFACE_ECHO = UUID.fromString("cdc35b6e-0be4-4936-bf5f-5537380a7c1a");
    static final int MAX_WRITE_LENGTH = 40 * 1024;
    static final Duration WAIT = Duration.ofSeconds(30);

    private final DriverHost host = DriverHost.create();
    private HostedDriver echo;
    private DevNode node;

    @BeforeEach
    void startEcho() throws Exception {
        echo = host.start(TestDrivers.sample(TestDrivers.ECHO), VerifierSettings.on(), hosting);
        assertThat(echo.hosting()).isEqualTo(hosting);
        assertThat(echo.isRunning()).as("%s", echo.report()).isTrue();
        node = host.pnp().addDevice("ROOT\\ECHO");
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    private DeviceHandle open() {
        List<IoClient.DeviceInterface> interfaces = host.client().interfaces(GUID_DEVINTERFACE_ECHO);
        assertThat(interfaces).hasSize(1);
        var opened = host.client().open(interfaces.getFirst().path());
        assertThat(opened.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return opened.value();
    }

    static byte[] pattern(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void h1_h3_theDeviceIsAddedStartedAndFoundByItsInterfaceClass() {
        assertThat(node.instanceId()).isEqualTo("ROOT\\ECHO\\0000");
        assertThat(node.driver()).isEqualTo("echo");
        assertThat(node.status()).isEqualTo(Status.STARTED);
        String path = "\\\\?\\ROOT#ECHO#0000#{cdc35b6e-0be4-4936-bf5f-5537380a7c1a}";
        assertThat(node.interfaces()).containsExactly(path);
        assertThat(host.client().interfaces(GUID_DEVINTERFACE_ECHO)).singleElement()
                .isEqualTo(new IoClient.DeviceInterface(GUID_DEVINTERFACE_ECHO, "", path, "ROOT\\ECHO\\0000"));
    }

    @Test
    void h1_h3_writesAndReadsBackThePatternAt512BytesAnd30KiB() {
        try (DeviceHandle device = open()) {
            for (int length : List.of(512, 30 * 1024)) {
                byte[] data = pattern(length);
                IoResult written = device.writeAsync(data).await(WAIT);
                assertThat(written.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                assertThat(written.information()).isEqualTo(length);
                IoResult read = device.readAsync(length).await(WAIT);
                assertThat(read.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                assertThat(read.information()).isEqualTo(length);
                assertThat(read.data()).isEqualTo(data);
            }
            // the synchronous forms too
            assertThat(device.write(pattern(100)).information()).isEqualTo(100);
            assertThat(device.read(1000).data()).isEqualTo(pattern(100));
        }
    }

    @Test
    void aWriteLongerThan40KiBFailsWithBufferOverflow() {
        try (DeviceHandle device = open()) {
            assertThat(device.writeAsync(pattern(MAX_WRITE_LENGTH)).await(WAIT).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            IoResult tooLong = device.writeAsync(pattern(MAX_WRITE_LENGTH + 1)).await(WAIT);
            assertThat(tooLong.status()).isEqualTo(NtStatus.STATUS_BUFFER_OVERFLOW);
            assertThat(tooLong.information()).isZero();
            // the data stored before is kept
            assertThat(device.readAsync(MAX_WRITE_LENGTH).await(WAIT).data()).isEqualTo(pattern(MAX_WRITE_LENGTH));
        }
    }

    @Test
    void h1_h3_aPendingReadThatIsCancelledCompletesWithStatusCancelled() {
        try (DeviceHandle device = open()) {
            device.writeAsync(pattern(64)).await(WAIT);

            // While the system sleeps the device's queue is stopped: a read waits in it, and a cancel completes it.
            host.pnp().sleep();
            PendingIo waiting = device.readAsync(64);
            assertThat(waiting.cancel()).isTrue();
            IoResult cancelled = waiting.await(WAIT);
            assertThat(cancelled.status()).isEqualTo(NtStatus.STATUS_CANCELLED);
            assertThat(cancelled.information()).isZero();
            assertThat(waiting.cancel()).as("already completed").isFalse();
            host.pnp().wake();

            // Reads the driver holds pending (cancelable, until the next timer tick) or that wait behind them: those
            // not yet completed when the cancel comes complete with STATUS_CANCELLED, the others with the data.
            List<PendingIo> reads = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                reads.add(device.readAsync(64));
            }
            assertThat(device.cancelAll()).isPositive();
            List<IoResult> results = reads.stream().map(r -> r.await(WAIT)).toList();
            assertThat(results).allSatisfy(r -> assertThat(r.status()).isIn(NtStatus.STATUS_SUCCESS, NtStatus.STATUS_CANCELLED));
            assertThat(results).filteredOn(r -> r.status().equals(NtStatus.STATUS_CANCELLED)).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.information()).isZero());

            // The device works on after its cancels.
            assertThat(device.readAsync(64).await(WAIT).data()).isEqualTo(pattern(64));
        }
    }

    // As EchoApp.performAsyncIo: 100 reads and 100 writes of 40 KiB in flight at once on one handle.
    @Test
    void aHundredReadsAndAHundredWritesInFlightAtOnceAllSucceed() throws Exception {
        try (DeviceHandle device = open()) {
            byte[] data = pattern(MAX_WRITE_LENGTH);
            List<PendingIo> reads = new ArrayList<>();
            List<PendingIo> writes = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                reads.add(device.readAsync(MAX_WRITE_LENGTH));
                writes.add(device.writeAsync(data));
            }
            List<PendingIo> all = new ArrayList<>(reads);
            all.addAll(writes);
            CompletableFuture.allOf(all.stream().map(PendingIo::result).toArray(CompletableFuture[]::new))
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
            for (PendingIo write : writes) {
                IoResult r = write.result().join();
                assertThat(r.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                assertThat(r.information()).isEqualTo(MAX_WRITE_LENGTH);
            }
            for (PendingIo read : reads) {
                IoResult r = read.result().join();
                assertThat(r.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                // a prefix of the pattern (the first read may come before any write: 0 bytes)
                assertThat(r.data()).isEqualTo(pattern(r.data().length));
            }
        }
    }

    @Test
    void h1_h8_theDeviceKeepsWorkingAcrossSleepAndWakeAndIsRemovedBeforeTheDriverUnloads() {
        try (DeviceHandle device = open()) {
            device.writeAsync(pattern(10)).await(WAIT);
            assertThat(host.pnp().sleep()).extracting(DevNode::status).containsExactly(Status.SUSPENDED);
            assertThat(host.pnp().wake()).extracting(DevNode::status).containsExactly(Status.STARTED);
            assertThat(device.readAsync(10).await(WAIT).data()).isEqualTo(pattern(10));
        }
        UnloadReport report = host.stop(echo);
        assertThat(report.devicesRemoved()).containsExactly("ROOT\\ECHO\\0000");
        assertThat(TestDrivers.printed(report)).containsSubsequence("Echo: EvtDeviceD0Exit to D3", "Echo: EvtDeviceD0Entry from D3",
                "Echo: EvtDeviceD0Exit to D3_FINAL", "Echo: EvtDriverUnload after 1 device(s) added");
        assertThat(report.clean()).as(report.render()).isTrue();
        assertThat(host.pnp().devices()).singleElement().extracting(DevNode::status).isEqualTo(Status.NO_DRIVER);
    }

    // A program may keep its handle open while the driver is stopped (removal does not wait for handles, as in WDF):
    // the driver's code must still be released, in a driver host as in the host's process, and the handle fails after.
    @Test
    void h1_h8_aDriverStoppedWhileAHandleIsStillOpenUnloadsCleanAndTheHandleFailsAfter() {
        try (DeviceHandle device = open()) {
            device.writeAsync(pattern(10)).await(WAIT);
            UnloadReport report = host.stop(echo);
            assertThat(report.devicesRemoved()).containsExactly("ROOT\\ECHO\\0000");
            assertThat(report.clean()).as(report.render()).isTrue();
            assertThat(device.readAsync(10).await(WAIT).status()).isEqualTo(NtStatus.STATUS_NO_SUCH_DEVICE);
        }
    }
}
