package org.wdf4j.disk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestParameters;

/**
 * What a disk is, as its driver declares it when it creates the device (the RAMDisk sample's disk size, bytes per
 * sector and write protection): immutable, checked when made. The driver answers the host's disk control codes with
 * {@link #answer} and checks each read and write with {@link #checkTransfer}.
 *
 * @param sizeBytes the disk's length in bytes: more than 0 and a whole number of sectors
 * @param sectorSize bytes per sector: a power of two from 512 to 4096 (what Linux's loop device takes as its logical
 *     block size)
 * @param readOnly whether the disk refuses writes (STATUS_MEDIA_WRITE_PROTECTED); the host then attaches it read-only
 */
public record DiskParameters(long sizeBytes, int sectorSize, boolean readOnly) {

    /** The usual sector size. */
    public static final int DEFAULT_SECTOR_SIZE = 512;
    /** RAMDisk's made-up geometry: 2 tracks per cylinder, 32 sectors per track. */
    private static final int TRACKS_PER_CYLINDER = 2;
    private static final int SECTORS_PER_TRACK = 32;

    /**
     * @throws IllegalArgumentException naming the bad value and what it must be
     */
    public DiskParameters {
        if (sectorSize < 512 || sectorSize > 4096 || Integer.bitCount(sectorSize) != 1) {
            throw new IllegalArgumentException("a disk's sector size must be 512, 1024, 2048 or 4096 bytes, not "
                    + sectorSize);
        }
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("a disk's size must be more than 0 bytes, not " + sizeBytes
                    + " (give it a size that is a multiple of its sector size, " + sectorSize + ")");
        }
        if (sizeBytes % sectorSize != 0) {
            throw new IllegalArgumentException("a disk's size must be a whole number of sectors: " + sizeBytes
                    + " bytes is not a multiple of the sector size " + sectorSize + " (for example "
                    + (sizeBytes / sectorSize + 1) * sectorSize + ")");
        }
    }

    /** A writable disk of {@code sizeBytes} with 512-byte sectors. */
    public static DiskParameters of(long sizeBytes) {
        return new DiskParameters(sizeBytes, DEFAULT_SECTOR_SIZE, false);
    }

    /** The geometry {@link DiskIoctl#IOCTL_DISK_GET_DRIVE_GEOMETRY} answers (RAMDisk's: fixed media, 2 x 32). */
    public DiskGeometry geometry() {
        long cylinders = sizeBytes / ((long) sectorSize * TRACKS_PER_CYLINDER * SECTORS_PER_TRACK);
        return new DiskGeometry(cylinders, DiskGeometry.FIXED_MEDIA, TRACKS_PER_CYLINDER, SECTORS_PER_TRACK, sectorSize);
    }

    /**
     * Answers a disk control code: {@link DiskIoctl#IOCTL_DISK_GET_LENGTH_INFO} (the size),
     * {@link DiskIoctl#IOCTL_DISK_GET_DRIVE_GEOMETRY} ({@link #geometry()}), {@link DiskIoctl#IOCTL_DISK_IS_WRITABLE}
     * and {@link DiskIoctl#IOCTL_DISK_CHECK_VERIFY}: fills the output buffer and sets the information; the driver then
     * completes the request with the status returned (STATUS_BUFFER_TOO_SMALL for a short buffer). Any other code:
     * STATUS_INVALID_DEVICE_REQUEST, untouched.
     */
    public NtStatus answer(WdfRequest request, int ioControlCode) {
        return switch (ioControlCode) {
            case DiskIoctl.IOCTL_DISK_GET_LENGTH_INFO -> toOutput(request, lengthBytes(sizeBytes));
            case DiskIoctl.IOCTL_DISK_GET_DRIVE_GEOMETRY -> geometry().copyToRequest(request);
            case DiskIoctl.IOCTL_DISK_IS_WRITABLE -> readOnly ? NtStatus.STATUS_MEDIA_WRITE_PROTECTED
                    : NtStatus.STATUS_SUCCESS;
            case DiskIoctl.IOCTL_DISK_CHECK_VERIFY -> NtStatus.STATUS_SUCCESS;
            default -> NtStatus.STATUS_INVALID_DEVICE_REQUEST;
        };
    }

    /**
     * Checks a READ or WRITE request against the disk, as RAMDisk does: STATUS_INVALID_PARAMETER when it reaches
     * beyond the end (or starts before 0), STATUS_MEDIA_WRITE_PROTECTED for a write to a read-only disk, else
     * STATUS_SUCCESS. Offsets need not be sector-aligned: the host's loop device always sends whole sectors, but a
     * program may read the disk's file at any offset.
     */
    public NtStatus checkTransfer(WdfRequestParameters parameters) {
        long offset = parameters.deviceOffset();
        long length = parameters.length();
        if (offset < 0 || length < 0 || offset > sizeBytes || length > sizeBytes - offset) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        if (readOnly && parameters.type() == org.wdf4j.io.WdfRequestType.WRITE) {
            return NtStatus.STATUS_MEDIA_WRITE_PROTECTED;
        }
        return NtStatus.STATUS_SUCCESS;
    }

    /** {@code GET_LENGTH_INFORMATION}'s bytes: a little-endian LONGLONG. */
    public static byte[] lengthBytes(long length) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length).array();
    }

    /** The length from {@code GET_LENGTH_INFORMATION}'s bytes (a client's answer). */
    public static long lengthFromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < 8) {
            throw new IllegalArgumentException("GET_LENGTH_INFORMATION needs 8 bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }

    /** Copies {@code bytes} to the request's output buffer and sets the information to their length. */
    static NtStatus toOutput(WdfRequest request, byte[] bytes) {
        NtResult<ByteBuffer> output = request.retrieveOutputBuffer(bytes.length);
        if (!output.isSuccess()) {
            return output.status();
        }
        output.value().put(0, bytes);
        request.setInformation(bytes.length);
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public String toString() {
        return sizeBytes + " bytes in " + sectorSize + "-byte sectors" + (readOnly ? ", read-only" : "");
    }
}
