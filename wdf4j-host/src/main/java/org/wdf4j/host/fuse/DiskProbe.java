package org.wdf4j.host.fuse;

import java.io.IOException;
import java.time.Duration;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.disk.DiskGeometry;
import org.wdf4j.disk.DiskIoctl;
import org.wdf4j.disk.DiskParameters;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.client.IoException;
import org.wdf4j.host.client.IoResult;

/**
 * Asks a disk's driver what the disk is, as Windows' disk class driver does when a disk arrives: its length
 * ({@link DiskIoctl#IOCTL_DISK_GET_LENGTH_INFO}), its sector size ({@link DiskIoctl#IOCTL_DISK_GET_DRIVE_GEOMETRY}'s
 * BytesPerSector) and whether it can be written ({@link DiskIoctl#IOCTL_DISK_IS_WRITABLE}), through one open of the
 * device with the host's client API. Blocking: run it on a thread of its own, never on a FUSE reader or a driver's.
 */
public final class DiskProbe {

    /** How long the driver has to answer each control code. */
    static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    private DiskProbe() {
    }

    /**
     * The disk behind {@code devicePath}.
     *
     * @throws IOException naming what the driver answered wrong (a failed code, a size of 0, a size that is not a
     *     whole number of sectors) and how to fix it
     */
    public static DiskParameters query(IoClient client, String devicePath) throws IOException {
        NtResult<DeviceHandle> opened = client.open(devicePath);
        if (!opened.isSuccess()) {
            throw new IOException("the host could not open the disk to ask its size: " + opened.status());
        }
        try (DeviceHandle handle = opened.value()) {
            IoResult length = ask(handle, DiskIoctl.IOCTL_DISK_GET_LENGTH_INFO, 8);
            IoResult geometry = ask(handle, DiskIoctl.IOCTL_DISK_GET_DRIVE_GEOMETRY, DiskGeometry.SIZE);
            IoResult writable = ask(handle, DiskIoctl.IOCTL_DISK_IS_WRITABLE, 0);
            if (!length.status().isSuccess() || !geometry.status().isSuccess()) {
                throw new IOException("the driver must answer IOCTL_DISK_GET_LENGTH_INFO and"
                        + " IOCTL_DISK_GET_DRIVE_GEOMETRY (DiskParameters.answer does); it answered "
                        + length.status() + " and " + geometry.status());
            }
            boolean readOnly = writable.status().equals(NtStatus.STATUS_MEDIA_WRITE_PROTECTED);
            try {
                int sectorSize = DiskGeometry.fromBytes(geometry.data()).bytesPerSector();
                return new DiskParameters(DiskParameters.lengthFromBytes(length.data()), sectorSize, readOnly);
            } catch (IllegalArgumentException e) {
                throw new IOException("the driver describes a disk that cannot be: " + e.getMessage(), e);
            }
        } catch (IoException e) {
            throw new IOException("the driver did not answer the disk control codes: " + e.getMessage(), e);
        }
    }

    private static IoResult ask(DeviceHandle handle, int code, int outputLength) {
        return handle.deviceIoControlAsync(code, new byte[0], outputLength).await(ANSWER_WITHIN);
    }
}
