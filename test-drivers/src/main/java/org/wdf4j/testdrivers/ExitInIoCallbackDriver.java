package org.wdf4j.testdrivers;

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
 * H9: a PnP driver for hardware ID {@code ROOT\EXITONREAD} whose EvtIoRead calls {@code System.exit(9)}: a client's
 * read is what tries to end the host. Each device has interface {@link #GUID_EXITONREAD} and a parallel default
 * queue; writes complete at once with their length.
 */
public final class ExitInIoCallbackDriver implements DriverEntry {

    /** The interface class of the devices. */
    public static final UUID GUID_EXITONREAD = UUID.fromString("0b0e4f6c-5a7d-4c55-9f43-3b6d2a1e9c07");

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(ExitInIoCallbackDriver::deviceAdd)
                        .withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN"))).status();
    }

    static NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit init) {
        NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
        if (!device.isSuccess()) {
            return device.status();
        }
        NtStatus status = device.value().createDeviceInterface(GUID_EXITONREAD, null);
        if (!status.isSuccess()) {
            return status;
        }
        return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead(ExitInIoCallbackDriver::read)
                .withIoWrite(ExitInIoCallbackDriver::write), WdfObjectAttributes.NONE).status();
    }

    static void read(WdfQueue queue, WdfRequest request, long length) {
        DbgPrint.print("EvtIoRead: exiting");
        System.exit(9);
        DbgPrint.print("after System.exit in EvtIoRead: MUST NOT RUN");
        request.complete(NtStatus.STATUS_SUCCESS);
    }

    static void write(WdfQueue queue, WdfRequest request, long length) {
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
    }
}
