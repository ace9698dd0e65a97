package org.wdf4j.host.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.UnloadReport;

/**
 * Real programs reach a wdf4j device through a FUSE file: the echo sample's device behind a mounted file, written by
 * {@code sh} and read by {@code dd}, every request going through the host's client API to the driver.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DeviceFileTest {

    private static final Path ECHO_JAR = Path.of(System.getProperty("wdf4j.test.drivers", "target/drivers"))
            .resolve("wdf4j-sample-echo.jar");

    /** The echo sample's interface class (its jar is kept off the test class path, as every driver package is). */
    private static final UUID GUID_DEVINTERFACE_ECHO = UUID.fromString("cdc35b6e-0be4-4936-bf5f-5537380a7c1a");

    @TempDir
    Path dir;

    private final DriverHost host = DriverHost.create();
    private FuseSession session;

    @AfterEach
    void tearDown() {
        if (session != null) {
            session.close();
        }
        host.close();
    }

    @Test
    void shAndDdTalkToTheEchoDeviceThroughItsFile() throws Exception {
        var echo = host.start(DriverPackage.open(ECHO_JAR), VerifierSettings.on());
        host.pnp().addDevice("ROOT\\ECHO");
        String path = host.client().interfaces(GUID_DEVINTERFACE_ECHO).getFirst().path();
        Path file = dir.resolve("echo0");
        session = FuseTests.mountOrSkip(file, new DeviceFileHandler(host.client(), path));

        assertThat(FuseTests.ok("sh", "-c", "printf hello > \"$1\"", "sh", file.toString())).isEmpty();
        // The echo device answers every read with what was written last; dd reads once.
        assertThat(FuseTests.ok("dd", "if=" + file, "bs=5", "count=1", "status=none")).isEqualTo("hello");
        // Writes over 40 KiB fail in the driver with STATUS_BUFFER_OVERFLOW: the program sees EOVERFLOW.
        FuseTests.Ran tooLong = FuseTests.run("dd", "if=/dev/zero", "of=" + file, "bs=41000", "count=1", "status=none");
        assertThat(tooLong.exit()).isNotZero();
        assertThat(tooLong.output()).contains("Value too large");

        session.close();
        session = null;
        UnloadReport report = host.stop(echo);
        assertThat(report.clean()).as(report.render()).isTrue();
    }

    @Test
    void statusesBecomeErrnosThroughOneTable() {
        assertThat(NtStatusErrno.errno(NtStatus.STATUS_SUCCESS, 0, false)).isZero();
        assertThat(NtStatusErrno.errno(NtStatus.STATUS_CANCELLED, 0, false)).isEqualTo(NtStatusErrno.EINTR);
        assertThat(NtStatusErrno.errno(NtStatus.STATUS_INVALID_DEVICE_REQUEST, 0, true)).isEqualTo(NtStatusErrno.ENOTTY);
        assertThat(NtStatusErrno.errno(NtStatus.STATUS_INVALID_DEVICE_REQUEST, 0, false)).isEqualTo(NtStatusErrno.EINVAL);
        assertThat(NtStatusErrno.errno(NtStatus.STATUS_NO_SUCH_DEVICE, 0, false)).isEqualTo(NtStatusErrno.ENODEV);
        assertThat(NtStatusErrno.errno(NtStatus.STATUS_BUFFER_TOO_SMALL, 0, false)).isEqualTo(NtStatusErrno.EINVAL);
        assertThat(NtStatusErrno.errno(NtStatus.STATUS_BUFFER_OVERFLOW, 0, false)).isEqualTo(NtStatusErrno.EOVERFLOW);
        assertThat(NtStatusErrno.errno(NtStatus.STATUS_BUFFER_OVERFLOW, 16, false)).as("a warning with data").isZero();
        assertThat(NtStatusErrno.errno(NtStatus.STATUS_DRIVER_INTERNAL_ERROR, 0, false)).isEqualTo(NtStatusErrno.EIO);
    }
}
