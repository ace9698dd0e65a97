package org.wdf4j.disk;

import java.util.Map;
import org.wdf4j.io.CtlCode;

/**
 * The disk I/O control codes of {@code ntdddisk.h} a disk driver answers, with Windows' values
 * ({@code CTL_CODE(IOCTL_DISK_BASE, n, METHOD_BUFFERED, access)}, {@code IOCTL_DISK_BASE} being
 * {@code FILE_DEVICE_DISK}). Each says which buffer it returns.
 */
public final class DiskIoctl {

    /** {@code FILE_DEVICE_DISK}, which is {@code IOCTL_DISK_BASE}. */
    public static final int FILE_DEVICE_DISK = 0x07;
    private static final int DISK_CODES = FILE_DEVICE_DISK << 16;
    private static final int READ_ACCESS = CtlCode.FILE_READ_DATA << 14;

    /** Output: {@link DiskGeometry} ({@code DISK_GEOMETRY}, 24 bytes). */
    public static final int IOCTL_DISK_GET_DRIVE_GEOMETRY = DISK_CODES;
    /** No buffers: STATUS_SUCCESS when the disk can be written, STATUS_MEDIA_WRITE_PROTECTED when it cannot. */
    public static final int IOCTL_DISK_IS_WRITABLE = DISK_CODES | (0x0009 << 2);
    /** Output: a {@code GET_LENGTH_INFORMATION}, the disk's length in bytes (a LONGLONG, 8 bytes). */
    public static final int IOCTL_DISK_GET_LENGTH_INFO = DISK_CODES | READ_ACCESS | (0x0017 << 2);
    /** No buffers: STATUS_SUCCESS while the medium is there (a RAM disk's always is). */
    public static final int IOCTL_DISK_CHECK_VERIFY = DISK_CODES | READ_ACCESS | (0x0200 << 2);

    private static final Map<Integer, String> NAMES = Map.of(
            IOCTL_DISK_GET_DRIVE_GEOMETRY, "IOCTL_DISK_GET_DRIVE_GEOMETRY",
            IOCTL_DISK_IS_WRITABLE, "IOCTL_DISK_IS_WRITABLE",
            IOCTL_DISK_GET_LENGTH_INFO, "IOCTL_DISK_GET_LENGTH_INFO",
            IOCTL_DISK_CHECK_VERIFY, "IOCTL_DISK_CHECK_VERIFY");

    private DiskIoctl() {
    }

    /** The code's name ({@code IOCTL_DISK_GET_LENGTH_INFO}), or its {@link CtlCode#describe description}. */
    public static String name(int code) {
        String name = NAMES.get(code);
        return name != null ? name : CtlCode.describe(code);
    }
}
