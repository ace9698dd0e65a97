package org.wdf4j.disk;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequest;

/**
 * {@code DISK_GEOMETRY}, the answer to {@link DiskIoctl#IOCTL_DISK_GET_DRIVE_GEOMETRY}: a little-endian C struct of
 * 24 bytes ({@code LARGE_INTEGER Cylinders; MEDIA_TYPE MediaType; DWORD TracksPerCylinder, SectorsPerTrack,
 * BytesPerSector}). Only {@code bytesPerSector} matters on Linux; the rest is for Windows-style clients.
 *
 * @param cylinders at least 0
 * @param mediaType a {@code MEDIA_TYPE}, for example {@link #FIXED_MEDIA}
 * @param tracksPerCylinder at least 1
 * @param sectorsPerTrack at least 1
 * @param bytesPerSector at least 1
 */
public record DiskGeometry(long cylinders, int mediaType, int tracksPerCylinder, int sectorsPerTrack,
                           int bytesPerSector) {

    /** The size of the C struct. */
    public static final int SIZE = 24;
    /** {@code FixedMedia}: a hard disk (what RAMDisk reports). */
    public static final int FIXED_MEDIA = 12;

    public DiskGeometry {
        if (cylinders < 0 || tracksPerCylinder < 1 || sectorsPerTrack < 1 || bytesPerSector < 1) {
            throw new IllegalArgumentException("a disk geometry needs cylinders >= 0 and tracks per cylinder, sectors"
                    + " per track and bytes per sector >= 1, not " + cylinders + "/" + tracksPerCylinder + "/"
                    + sectorsPerTrack + "/" + bytesPerSector);
        }
    }

    /** Writes it to a control request's output buffer and sets the information; the driver completes the request. */
    public NtStatus copyToRequest(WdfRequest request) {
        return DiskParameters.toOutput(request, toBytes());
    }

    /** The C struct's bytes. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(cylinders).putInt(mediaType).putInt(tracksPerCylinder).putInt(sectorsPerTrack).putInt(bytesPerSector);
        return b.array();
    }

    /** From the C struct's bytes (a client's answer); an IllegalArgumentException when they are short or invalid. */
    public static DiskGeometry fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < SIZE) {
            throw new IllegalArgumentException("DISK_GEOMETRY needs " + SIZE + " bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return new DiskGeometry(b.getLong(0), b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20));
    }
}
