package org.wdf4j.host.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;


/** The one table from NTSTATUS to errno ({@link NtStatusErrno}); the device files themselves are DeviceFilesTest's. */
class NtStatusErrnoTest {

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
        assertThat(NtStatusErrno.errno(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED, 0, false))
                .as("H5: a request whose driver host ended").isEqualTo(NtStatusErrno.EIO);
    }
}
