package org.wdf4j.testdrivers;

import java.util.ArrayList;
import java.util.List;
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
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * The bug of issue 13: a PnP driver ({@code ROOT\HOLDWRITE}) whose sequential default queue presents a write to
 * EvtIoWrite, which keeps the request and never completes it (no EvtIoStop either). Every later write waits in the
 * queue behind it; a read is completed at once with no data. Its device has interface {@link #GUID_HOLDWRITE}.
 */
public final class HoldingWriteDriver implements DriverEntry {

    public static final UUID GUID_HOLDWRITE = UUID.fromString("6a1c2f0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b");

    static final class DeviceContext {
        /**
         * The writes it holds; touched only in EvtIoWrite, which the sequential queue calls one at a time
         * ({@link HoldingFilterDriver}'s parallel queue and cancel routine lock the list itself).
         */
        final List<WdfRequest> held = new ArrayList<>();
    }

    static final ContextType<DeviceContext> DEVICE = ContextType.declare(DeviceContext.class, DeviceContext::new);

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(HoldingWriteDriver::deviceAdd)).status();
    }

    static NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit init) {
        NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.of(DEVICE));
        if (!device.isSuccess()) {
            return device.status();
        }
        NtStatus status = device.value().createDeviceInterface(GUID_HOLDWRITE, null);
        if (!status.isSuccess()) {
            return status;
        }
        return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL)
                .withIoWrite(HoldingWriteDriver::write)
                .withIoRead((queue, request, length) -> request.completeWithInformation(NtStatus.STATUS_SUCCESS, 0)),
                WdfObjectAttributes.NONE).status();
    }

    /** Keeps the write: the bug. */
    static void write(WdfQueue queue, WdfRequest request, long length) {
        DbgPrint.print("EvtIoWrite %s of %d bytes: held, never completed", request, length);
        DEVICE.get(queue.device()).held.add(request);
    }
}
