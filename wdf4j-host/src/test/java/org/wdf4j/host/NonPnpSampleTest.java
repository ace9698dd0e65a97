package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.io.CtlCode;
import org.wdf4j.io.WdfRequestor;

/**
 * The nonpnp sample (samples/nonpnp) in the host, driven as Microsoft's nonpnp test application drives it: open the
 * control device by name, send its control codes, read and write, close, and stop the driver.
 */
class NonPnpSampleTest {

    // NonPnpDriver's control codes (its classes are not on the test class path): CTL_CODE(FILE_DEVICE_UNKNOWN, 0x80N,
    // METHOD_BUFFERED, FILE_ANY_ACCESS).
    static final int IOCTL_NONPNP_METHOD_BUFFERED = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x800, CtlCode.METHOD_BUFFERED,
            CtlCode.FILE_ANY_ACCESS);
    static final int IOCTL_NONPNP_GET_REQUESTOR_PID = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x801,
            CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);
    static final int IOCTL_NONPNP_GET_STATS = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x802, CtlCode.METHOD_BUFFERED,
            CtlCode.FILE_ANY_ACCESS);

    private final DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    private static long[] longs(IoResult result) {
        ByteBuffer b = ByteBuffer.wrap(result.data()).order(ByteOrder.LITTLE_ENDIAN);
        long[] values = new long[result.data().length / 8];
        for (int i = 0; i < values.length; i++) {
            values[i] = b.getLong(i * 8);
        }
        return values;
    }

    @Test
    void openByNameControlCodesReadWriteCloseAndStop() throws Exception {
        assertThat(IOCTL_NONPNP_METHOD_BUFFERED).isEqualTo(0x00222000);
        HostedDriver nonpnp = host.start(TestDrivers.sample(TestDrivers.NONPNP), VerifierSettings.on());
        assertThat(nonpnp.isRunning()).as("%s", nonpnp.report()).isTrue();

        NtResult<DeviceHandle> opened = host.client().open("\\\\.\\NONPNP");
        assertThat(opened.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        try (DeviceHandle device = opened.value()) {
            assertThat(device.path()).isEqualTo("\\\\.\\NONPNP");
            // Who opened it: this process, as /proc/self says.
            assertThat(device.requestor().processId()).isEqualTo(ProcessHandle.current().pid());
            assertThat(device.requestor().userId())
                    .isEqualTo(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue());
            assertThat(device.requestor().groupId())
                    .isEqualTo(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).intValue());

            IoResult pid = device.deviceIoControl(IOCTL_NONPNP_GET_REQUESTOR_PID, new byte[0], 8);
            assertThat(pid.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(pid.information()).isEqualTo(8);
            assertThat(longs(pid)).containsExactly(ProcessHandle.current().pid());

            IoResult reversed = device.deviceIoControl(IOCTL_NONPNP_METHOD_BUFFERED, new byte[] {1, 2, 3, 4, 5}, 5);
            assertThat(reversed.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(reversed.data()).containsExactly(5, 4, 3, 2, 1);

            // Buffers too small, an empty input, an unknown control code.
            assertThat(device.deviceIoControl(IOCTL_NONPNP_GET_REQUESTOR_PID, new byte[0], 4).status())
                    .isEqualTo(NtStatus.STATUS_BUFFER_TOO_SMALL);
            assertThat(device.deviceIoControl(IOCTL_NONPNP_METHOD_BUFFERED, new byte[] {1, 2, 3}, 2).status())
                    .isEqualTo(NtStatus.STATUS_BUFFER_TOO_SMALL);
            assertThat(device.deviceIoControl(IOCTL_NONPNP_GET_STATS, new byte[0], 31).status())
                    .isEqualTo(NtStatus.STATUS_BUFFER_TOO_SMALL);
            assertThat(device.deviceIoControl(IOCTL_NONPNP_METHOD_BUFFERED, new byte[0], 8).status())
                    .isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
            int unknown = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x8FF, CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);
            IoResult refused = device.deviceIoControl(unknown, new byte[0], 0);
            assertThat(refused.status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
            assertThat(refused.data()).isEmpty();

            byte[] text = "hello, nonpnp".getBytes(StandardCharsets.UTF_8);
            assertThat(device.write(text).information()).isEqualTo(text.length);
            assertThat(device.read(5).data()).isEqualTo("hello".getBytes(StandardCharsets.UTF_8));
            assertThat(device.readAsync(100).await(java.time.Duration.ofSeconds(30)).data()).isEqualTo(text);

            // Another open, on behalf of another program (as the FUSE reflector opens): the driver records it.
            try (DeviceHandle other = host.client().open("nonpnp", new WdfRequestor(4242, 1000, 1000)).value()) {
                assertThat(longs(other.deviceIoControl(IOCTL_NONPNP_GET_REQUESTOR_PID, null, 8)))
                        .containsExactly(4242L);
                assertThat(other.read(100).data()).as("one buffer shared by every open").isEqualTo(text);
            }

            IoResult stats = device.deviceIoControl(IOCTL_NONPNP_GET_STATS, new byte[0], 32);
            assertThat(stats.information()).isEqualTo(32);
            // reads, writes, opens, closes
            assertThat(longs(stats)).containsExactly(3, 1, 2, 1);
        }
        assertThat(host.client().open("\\\\.\\NONPNP").value()).satisfies(DeviceHandle::close);

        UnloadReport report = host.stop(nonpnp);
        assertThat(report.evtDriverUnloadCalled()).isTrue();
        assertThat(TestDrivers.printed(report)).contains("NonPnp: EvtDriverUnload, Stats[reads=3, writes=1, opens=3, closes=3]");
        assertThat(report.leaks()).isEmpty();
        assertThat(report.findings()).isEmpty();
        assertThat(report.classLoaderCollected()).isTrue();
        assertThat(report.clean()).as(report.render()).isTrue();
        assertThat(host.client().open("\\\\.\\NONPNP").status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
    }
}
