package org.wdf4j.samples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;
import org.wdf4j.test.DriverUnderTest;

/**
 * The echo sample's behaviour (its class comment), through the test kit; one subclass per hosting model. Every test's
 * unload must be clean (the kit checks it after each).
 */
abstract class EchoTests {

    static final Duration WAIT = Duration.ofSeconds(10);

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void whatIsWrittenIsReadBackAndReadsDoNotConsumeIt(DriverUnderTest driver) {
        try (DeviceHandle echo = driver.open(EchoDriver.GUID_DEVINTERFACE_ECHO)) {
            assertThat(echo.read(16).information()).as("nothing written yet").isZero();
            IoResult written = echo.write(bytes("hello, echo"));
            assertThat(written.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(written.information()).isEqualTo(11);
            assertThat(echo.read(64).data()).isEqualTo(bytes("hello, echo"));
            assertThat(echo.read(5).data()).isEqualTo(bytes("hello"));
        }
    }

    @Test
    void aWriteLongerThan40KiBFailsAtOnceAndKeepsTheStoredData(DriverUnderTest driver) {
        try (DeviceHandle echo = driver.open(EchoDriver.GUID_DEVINTERFACE_ECHO)) {
            echo.write(bytes("kept"));
            IoResult tooLong = echo.write(new byte[EchoDriver.MAX_WRITE_LENGTH + 1]);
            assertThat(tooLong.status()).isEqualTo(NtStatus.STATUS_BUFFER_OVERFLOW);
            assertThat(tooLong.information()).isZero();
            assertThat(echo.read(64).data()).isEqualTo(bytes("kept"));
        }
    }

    @Test
    void theSequentialQueueCompletesRequestsOneAtATimeInArrivalOrder(DriverUnderTest driver) {
        try (DeviceHandle echo = driver.open(EchoDriver.GUID_DEVINTERFACE_ECHO)) {
            // Sent at once; each waits in the queue while the one before is pending until a timer tick: every read
            // sees the write sent just before it, never a later one.
            List<PendingIo> reads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                echo.writeAsync(bytes("write " + i));
                reads.add(echo.readAsync(64));
            }
            for (int i = 0; i < reads.size(); i++) {
                IoResult read = reads.get(i).await(WAIT);
                assertThat(read.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                assertThat(new String(read.data(), StandardCharsets.UTF_8)).isEqualTo("write " + i);
            }
        }
    }

    @Test
    void aRequestWaitingInTheQueueIsCancelledAndTheDeviceWorksOn(DriverUnderTest driver) {
        try (DeviceHandle echo = driver.open(EchoDriver.GUID_DEVINTERFACE_ECHO)) {
            echo.write(bytes("before"));
            // While the system sleeps the device's power-managed queue holds its requests: a read waits there.
            assertThat(driver.pnp().sleep()).extracting(PnpManager.DevNode::status)
                    .containsExactly(PnpManager.Status.SUSPENDED);
            PendingIo waiting = echo.readAsync(64);
            assertThat(waiting.cancel()).isTrue();
            IoResult cancelled = waiting.await(WAIT);
            assertThat(cancelled.status()).isEqualTo(NtStatus.STATUS_CANCELLED);
            assertThat(cancelled.information()).isZero();
            assertThat(driver.pnp().wake()).extracting(PnpManager.DevNode::status)
                    .containsExactly(PnpManager.Status.STARTED);
            assertThat(echo.read(64).data()).isEqualTo(bytes("before"));
        }
    }
}
