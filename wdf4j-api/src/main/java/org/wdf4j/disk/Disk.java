package org.wdf4j.disk;

import java.util.UUID;

/**
 * The disk device class: the device interface class that makes a device a disk.
 *
 * <pre>{@code
 * NtStatus status = device.createDeviceInterface(Disk.GUID_DEVINTERFACE_DISK, null);
 * }</pre>
 *
 * The host then asks the driver the disk's size ({@link DiskIoctl#IOCTL_DISK_GET_LENGTH_INFO}), sector size
 * ({@link DiskIoctl#IOCTL_DISK_GET_DRIVE_GEOMETRY}) and whether it is writable ({@link DiskIoctl#IOCTL_DISK_IS_WRITABLE});
 * {@link DiskParameters#answer} answers all three.
 */
public final class Disk {

    /** {@code GUID_DEVINTERFACE_DISK}, {@code {53f56307-b6bf-11d0-94f2-00a0c91efb8b}}: a disk. */
    public static final UUID GUID_DEVINTERFACE_DISK = UUID.fromString("53f56307-b6bf-11d0-94f2-00a0c91efb8b");

    private Disk() {
    }

    /** Whether an interface of this class is a disk. */
    public static boolean isDiskInterface(UUID interfaceClassGuid) {
        return GUID_DEVINTERFACE_DISK.equals(interfaceClassGuid);
    }
}
