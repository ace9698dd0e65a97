package org.wdf4j.samples.nonpnp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.test.DriverUnderTest;

/**
 * The nonpnp sample's control device {@code \\.\NONPNP} and its I/O controls (the constants' comments), through the
 * test kit; one subclass per hosting model.
 */
abstract class NonPnpTests {

    static final String PATH = "\\\\.\\" + NonPnpDriver.DEVICE_NAME;

    static long[] longs(IoResult result) {
        ByteBuffer b = ByteBuffer.wrap(result.data()).order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[result.data().length / Long.BYTES];
        for (int i = 0; i < values.length; i++) {
            values[i] = b.getLong(i * Long.BYTES);
        }
        return values;
    }

    @Test
    void theBufferedControlAnswersItsInputReversed(DriverUnderTest driver) {
        try (DeviceHandle device = driver.open(PATH)) {
            IoResult reversed = device.deviceIoControl(NonPnpDriver.IOCTL_NONPNP_METHOD_BUFFERED,
                    "abcdef".getBytes(StandardCharsets.UTF_8), 6);
            assertThat(reversed.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(new String(reversed.data(), StandardCharsets.UTF_8)).isEqualTo("fedcba");
            assertThat(device.deviceIoControl(NonPnpDriver.IOCTL_NONPNP_METHOD_BUFFERED,
                    "abcdef".getBytes(StandardCharsets.UTF_8), 3).status()).isEqualTo(NtStatus.STATUS_BUFFER_TOO_SMALL);
            assertThat(device.deviceIoControl(NonPnpDriver.IOCTL_NONPNP_METHOD_BUFFERED, new byte[0], 6).status())
                    .isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
        }
    }

    @Test
    void theRequestorControlAnswersTheOpenersProcessId(DriverUnderTest driver) {
        try (DeviceHandle device = driver.open(PATH)) {
            IoResult pid = device.deviceIoControl(NonPnpDriver.IOCTL_NONPNP_GET_REQUESTOR_PID, null,
                    NonPnpDriver.REQUESTOR_PID_LENGTH);
            assertThat(pid.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(longs(pid)).containsExactly(ProcessHandle.current().pid());
        }
    }

    @Test
    void theStatsControlCountsReadsWritesOpensAndCloses(DriverUnderTest driver) {
        driver.open(PATH).close();
        try (DeviceHandle device = driver.open(PATH)) {
            assertThat(device.write("data".getBytes(StandardCharsets.UTF_8)).information()).isEqualTo(4);
            assertThat(device.read(64).data()).isEqualTo("data".getBytes(StandardCharsets.UTF_8));
            assertThat(device.read(2).data()).isEqualTo("da".getBytes(StandardCharsets.UTF_8));
            IoResult stats = device.deviceIoControl(NonPnpDriver.IOCTL_NONPNP_GET_STATS, null,
                    NonPnpDriver.STATS_LENGTH);
            assertThat(stats.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(longs(stats)).as("reads, writes, opens, closes").containsExactly(2, 1, 2, 1);
            assertThat(device.deviceIoControl(NonPnpDriver.IOCTL_NONPNP_GET_STATS, null, 31).status())
                    .isEqualTo(NtStatus.STATUS_BUFFER_TOO_SMALL);
        }
    }

    @Test
    void anUnknownControlCodeIsAnInvalidDeviceRequest(DriverUnderTest driver) {
        try (DeviceHandle device = driver.open(PATH)) {
            assertThat(device.deviceIoControl(NonPnpDriver.IOCTL_NONPNP_GET_STATS + 0x40, null, 8).status())
                    .isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
    }
}
