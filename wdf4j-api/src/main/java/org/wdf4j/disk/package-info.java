/**
 * The disk device class (issue #15, after Microsoft's RAMDisk sample): what makes a driver's device a disk that Linux
 * programs see as a block device.
 *
 * <p>A driver declares its device a disk with a device interface of class {@link Disk#GUID_DEVINTERFACE_DISK} and
 * describes the disk with {@link DiskParameters} (size, sector size, read-only), which it answers the disk control
 * codes of {@link DiskIoctl} from. The host asks those codes when the interface appears, serves the device as a
 * seekable file of the disk's size and attaches a loop device to it. Reads and writes reach the driver as READ and
 * WRITE requests whose {@code WdfRequestParameters.deviceOffset()} is the byte offset on the disk;
 * {@code fsync} reaches it as a {@link org.wdf4j.io.WdfRequestType#FLUSH_BUFFERS} request in its
 * {@link org.wdf4j.io.EvtIoDefault}. See {@code docs/device-classes.md}.
 */
package org.wdf4j.disk;
