package org.wdf4j.samples.ramdisk;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.disk.DiskParameters;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.registry.WdfKey;
import org.wdf4j.registry.WdfKeyAccess;

/**
 * A RAM disk after Microsoft's KMDF RAMDisk sample: {@code ROOT\RAMDISK} is a disk kept in memory, of the size the
 * driver's Parameters key gives ({@value #DISK_SIZE} in bytes, default {@value #DEFAULT_DISK_SIZE}; and
 * {@value #BYTES_PER_SECTOR}, default 512), answering reads and writes at their offsets, flushes, and the disk control
 * codes ({@link RamDiskDevice}). The host serves it as a seekable file and a loop device ({@code diskWDF0 ->
 * /dev/loopN}), which {@code mkfs} and {@code mount} use; see {@code docs/device-classes.md}.
 *
 * <p>A size that cannot be a disk (0, or not a whole number of sectors) fails EvtDriverDeviceAdd with
 * STATUS_INVALID_PARAMETER and a debug message that says what to set instead.
 */
public final class RamDiskDriver implements DriverEntry {

    /** The hardware ID. */
    public static final String HARDWARE_ID = "ROOT\\RAMDISK";
    /** The Parameters value of the disk's size in bytes (a REG_DWORD, as RAMDisk's). */
    public static final String DISK_SIZE = "DiskSize";
    /** The Parameters value of the sector size in bytes. */
    public static final String BYTES_PER_SECTOR = "BytesPerSector";
    /** 16 MiB. */
    public static final long DEFAULT_DISK_SIZE = 16L * 1024 * 1024;

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        WdfDriverConfig config = WdfDriverConfig.init(RamDiskDriver::evtDriverDeviceAdd);
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE, config);
        return created.status();
    }

    /** {@code EvtDriverDeviceAdd}: reads the disk's size from the Parameters key and makes the disk. */
    static NtStatus evtDriverDeviceAdd(WdfDriver driver, WdfDeviceInit deviceInit) {
        long size = DEFAULT_DISK_SIZE;
        long sector = DiskParameters.DEFAULT_SECTOR_SIZE;
        NtResult<WdfKey> opened = driver.openParametersRegistryKey(WdfKeyAccess.KEY_READ, WdfObjectAttributes.NONE);
        if (opened.isSuccess()) {
            try (WdfKey key = opened.value()) {
                NtResult<Long> configured = key.queryULong(DISK_SIZE);
                if (configured.isSuccess()) {
                    size = configured.value();
                }
                NtResult<Long> bytesPerSector = key.queryULong(BYTES_PER_SECTOR);
                if (bytesPerSector.isSuccess()) {
                    sector = bytesPerSector.value();
                }
            }
        }
        DiskParameters disk;
        try {
            disk = new DiskParameters(size, (int) Math.min(sector, Integer.MAX_VALUE), false);
        } catch (IllegalArgumentException e) {
            DbgPrint.print("RamDisk: bad Parameters %s=%d %s=%d: %s", DISK_SIZE, size, BYTES_PER_SECTOR, sector,
                    e.getMessage());
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        DbgPrint.print("RamDisk: EvtDriverDeviceAdd, a disk of %s", disk);
        return RamDiskDevice.create(deviceInit, disk);
    }
}
