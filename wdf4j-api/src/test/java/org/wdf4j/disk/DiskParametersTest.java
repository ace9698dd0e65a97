package org.wdf4j.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequestParameters;
import org.wdf4j.io.WdfRequestType;

/** The disk class's buffers and checks: Windows' control code values and layouts, and clear errors for bad disks. */
class DiskParametersTest {

    @Test
    void controlCodesHaveWindowsValues() {
        assertThat(DiskIoctl.IOCTL_DISK_GET_DRIVE_GEOMETRY).isEqualTo(0x00070000);
        assertThat(DiskIoctl.IOCTL_DISK_IS_WRITABLE).isEqualTo(0x00070024);
        assertThat(DiskIoctl.IOCTL_DISK_GET_LENGTH_INFO).isEqualTo(0x0007405C);
        assertThat(DiskIoctl.IOCTL_DISK_CHECK_VERIFY).isEqualTo(0x00074800);
        assertThat(DiskIoctl.name(DiskIoctl.IOCTL_DISK_GET_LENGTH_INFO)).isEqualTo("IOCTL_DISK_GET_LENGTH_INFO");
    }

    @Test
    void badSizesAreRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> new DiskParameters(0, 512, false)).hasMessageContaining("more than 0 bytes, not 0");
        assertThatThrownBy(() -> new DiskParameters(1000, 512, false))
                .hasMessageContaining("1000 bytes is not a multiple of the sector size 512 (for example 1024)");
        assertThatThrownBy(() -> new DiskParameters(4096, 768, false))
                .hasMessageContaining("512, 1024, 2048 or 4096 bytes, not 768");
    }

    @Test
    void geometryAndLengthRoundTrip() {
        DiskParameters disk = new DiskParameters(16L << 20, 4096, true);
        DiskGeometry geometry = DiskGeometry.fromBytes(disk.geometry().toBytes());
        assertThat(geometry.bytesPerSector()).isEqualTo(4096);
        assertThat(geometry.mediaType()).isEqualTo(DiskGeometry.FIXED_MEDIA);
        assertThat(DiskParameters.lengthFromBytes(DiskParameters.lengthBytes(disk.sizeBytes()))).isEqualTo(16L << 20);
    }

    @Test
    void transfersAreCheckedAgainstTheEndAndWriteProtection() {
        DiskParameters disk = new DiskParameters(8192, 512, true);
        assertThat(disk.checkTransfer(new WdfRequestParameters(WdfRequestType.READ, 512, 0, 0, 0, 7680)))
                .isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(disk.checkTransfer(new WdfRequestParameters(WdfRequestType.READ, 1024, 0, 0, 0, 7680)))
                .isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
        assertThat(disk.checkTransfer(new WdfRequestParameters(WdfRequestType.WRITE, 512, 0, 0, 0, 0)))
                .isEqualTo(NtStatus.STATUS_MEDIA_WRITE_PROTECTED);
    }
}
