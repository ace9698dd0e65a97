package org.wdf4j.samples.nulldev;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.UUID;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * The null sample: Linux's {@code /dev/null} and {@code /dev/zero} as a PnP driver. Whatever a client writes is
 * taken and dropped; whatever it reads is zeros. The device does no work of its own, so what a client measures
 * against it is the cost of the path to the driver and back: it is the target of the FUSE benchmark
 * ({@code bench/fuse}), which compares it with {@code /dev/null}, {@code /dev/zero} and a C server built on libfuse.
 *
 * <p>It shows:
 * <ul>
 *   <li>the least a PnP driver needs: DriverEntry registers {@code EvtDriverDeviceAdd}, and the PnP manager calls it
 *       for each device with hardware ID {@code ROOT\NULL} (the package's {@code Wdf4j-Hardware-Ids});</li>
 *   <li>a device with a device interface, {@link #GUID_DEVINTERFACE_NULL}, by which applications find it, and no
 *       context, no PnP or power callbacks: the framework's defaults start and stop it;</li>
 *   <li>a parallel default queue (power managed, the default for a PnP device: it is started and stopped with the
 *       device) whose callbacks complete every request before they return. The driver has no state, so requests
 *       presented at the same time on several threads need no lock;</li>
 *   <li>an I/O path that allocates nothing of its own: the read fills the framework's output buffer in place, the
 *       write does not even look at its input.</li>
 * </ul>
 *
 * <p>Behaviour seen by a client (through {@link #GUID_DEVINTERFACE_NULL}):
 * <ul>
 *   <li>a read of {@code n} bytes completes at once with STATUS_SUCCESS and {@code n} zero bytes (a read never ends
 *       the data, as on {@code /dev/zero});</li>
 *   <li>a write of {@code n} bytes completes at once with STATUS_SUCCESS and information {@code n}; the data is
 *       dropped (as on {@code /dev/null});</li>
 *   <li>a device I/O control fails with STATUS_INVALID_DEVICE_REQUEST, whatever its code;</li>
 *   <li>zero-length reads and writes are completed by the framework with STATUS_SUCCESS and never reach the
 *       driver.</li>
 * </ul>
 */
public final class NullDriver implements DriverEntry {

    /**
     * The device interface class of null devices, {@code {f717fdc9-73e8-45fc-b499-14aaa7aea457}}, which applications
     * enumerate to find the device.
     */
    public static final UUID GUID_DEVINTERFACE_NULL = UUID.fromString("f717fdc9-73e8-45fc-b499-14aaa7aea457");

    /** Creates the driver object with the add-device callback; the devices come later, from PnP. */
    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(NullDriver::evtDriverDeviceAdd));
        if (!created.isSuccess()) {
            DbgPrint.print("Null: WdfDriverCreate failed %s", created.status());
        }
        return created.status();
    }

    /**
     * {@code EvtDriverDeviceAdd}: the PnP manager found a null device; create it, its interface and its default
     * queue. On failure the framework deletes whatever was created for the device.
     */
    static NtStatus evtDriverDeviceAdd(WdfDriver driver, WdfDeviceInit deviceInit) {
        DbgPrint.print("Null: EvtDriverDeviceAdd for %s", deviceInit.hardwareId());
        NtResult<WdfDevice> created = WdfDevice.create(deviceInit, WdfObjectAttributes.NONE);
        if (!created.isSuccess()) {
            DbgPrint.print("Null: WdfDeviceCreate failed %s", created.status());
            return created.status();
        }
        WdfDevice device = created.value();

        // Enabled when the device starts, disabled when it stops: applications find the device through it.
        NtStatus status = device.createDeviceInterface(GUID_DEVINTERFACE_NULL, null);
        if (!status.isSuccess()) {
            DbgPrint.print("Null: WdfDeviceCreateDeviceInterface failed %s", status);
            return status;
        }

        // Parallel: the queue presents every request as it comes, on the thread that brought it, without waiting for
        // the ones before to complete.
        WdfIoQueueConfig config = WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead(NullDriver::evtIoRead)
                .withIoWrite(NullDriver::evtIoWrite)
                .withIoDeviceControl(NullDriver::evtIoDeviceControl);
        NtResult<WdfQueue> queue = WdfQueue.create(device, config, WdfObjectAttributes.NONE);
        if (!queue.isSuccess()) {
            DbgPrint.print("Null: WdfIoQueueCreate failed %s", queue.status());
        }
        return queue.status();
    }

    /**
     * {@code EvtIoRead}: {@code length} zero bytes. The API does not promise that an output buffer starts zeroed (what
     * the client receives is what the driver wrote there), so the driver zeroes it; a bulk fill of the buffer in
     * place, which allocates nothing once compiled.
     */
    static void evtIoRead(WdfQueue queue, WdfRequest request, long length) {
        NtResult<ByteBuffer> output = request.retrieveOutputBuffer(length);
        if (!output.isSuccess()) {
            request.complete(output.status());
            return;
        }
        MemorySegment.ofBuffer(output.value()).fill((byte) 0);
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
    }

    /** {@code EvtIoWrite}: all {@code length} bytes are taken, and dropped unread. */
    static void evtIoWrite(WdfQueue queue, WdfRequest request, long length) {
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
    }

    /** {@code EvtIoDeviceControl}: the device has no control codes. */
    static void evtIoDeviceControl(WdfQueue queue, WdfRequest request, long outputBufferLength,
                                   long inputBufferLength, int ioControlCode) {
        request.complete(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
    }
}
