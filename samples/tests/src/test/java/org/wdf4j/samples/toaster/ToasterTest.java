package org.wdf4j.samples.toaster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.test.DriverTest;
import org.wdf4j.test.DriverUnderTest;

/**
 * The toaster function driver's basic I/O (its class comment) on a root-enumerated toaster: what is written is read
 * back once, then reads end; the stats control counts; the toaster keeps working across sleep and wake.
 */
@DriverTest(entry = ToasterDriver.class, name = "toaster", hardwareIds = "ROOT\\TOASTER", devices = "ROOT\\TOASTER")
class ToasterTest {

    static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Test
    void whatIsWrittenIsReadBackOnceThenReadsEnd(DriverUnderTest driver) {
        try (DeviceHandle toaster = driver.open(Toaster.GUID_DEVINTERFACE_TOASTER)) {
            assertThat(toaster.write("toast".getBytes(StandardCharsets.UTF_8)).information()).isEqualTo(5);
            assertThat(toaster.write(" and jam".getBytes(StandardCharsets.UTF_8)).information()).isEqualTo(8);
            assertThat(text(toaster.read(5).data())).isEqualTo("toast");
            assertThat(text(toaster.read(64).data())).isEqualTo(" and jam");
            assertThat(toaster.read(64).information()).as("nothing left").isZero();
        }
    }

    @Test
    void aToasterKeepsAtMostItsCapacity(DriverUnderTest driver) {
        try (DeviceHandle toaster = driver.open(Toaster.GUID_DEVINTERFACE_TOASTER)) {
            assertThat(toaster.write(new byte[ToasterDriver.CAPACITY + 100]).information())
                    .isEqualTo(ToasterDriver.CAPACITY);
            assertThat(toaster.read(ToasterDriver.CAPACITY * 2).information()).isEqualTo(ToasterDriver.CAPACITY);
        }
    }

    @Test
    void theStatsControlCountsAndTheToasterWorksAcrossSleepAndWake(DriverUnderTest driver) {
        try (DeviceHandle toaster = driver.open(Toaster.GUID_DEVINTERFACE_TOASTER)) {
            toaster.write(new byte[3]);
            toaster.read(3);
            toaster.read(3);
            assertThat(text(toaster.deviceIoControl(Toaster.IOCTL_TOASTER_STATS, null, 1024).data()))
                    .isEqualTo("toaster reads=2 writes=1 controls=0\n");
            assertThat(toaster.deviceIoControl(Toaster.IOCTL_TOASTER_STATS + 4, null, 1024).status())
                    .isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
            assertThat(driver.pnp().sleep()).extracting(PnpManager.DevNode::status)
                    .containsExactly(PnpManager.Status.SUSPENDED);
            assertThat(driver.pnp().wake()).extracting(PnpManager.DevNode::status)
                    .containsExactly(PnpManager.Status.STARTED);
            assertThat(text(toaster.deviceIoControl(Toaster.IOCTL_TOASTER_STATS, null, 1024).data()))
                    .isEqualTo("toaster reads=2 writes=1 controls=1\n");
        }
    }
}
