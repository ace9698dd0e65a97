package org.wdf4j.test.sample;

import java.nio.ByteBuffer;
import java.util.UUID;
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
 * The test kit's sample driver: a PnP device ({@link #HARDWARE_ID}) with an interface and a sequential default queue;
 * a write stores its bytes in the device's context, a read gives them back.
 */
public final class StoreDriver implements DriverEntry {

    public static final String HARDWARE_ID = "ROOT\\WDF4JSTORE";
    public static final UUID GUID_DEVINTERFACE_STORE = UUID.fromString("0c4b3f3e-8a51-4f55-9a5e-3c2b9d0e7a11");

    static final class DeviceContext {
        byte[] stored = new byte[0];
    }

    static final ContextType<DeviceContext> DEVICE_CONTEXT = ContextType.declare(DeviceContext.class, DeviceContext::new);

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(StoreDriver::evtDriverDeviceAdd));
        return created.status();
    }

    static NtStatus evtDriverDeviceAdd(WdfDriver driver, WdfDeviceInit deviceInit) {
        NtResult<WdfDevice> device = WdfDevice.create(deviceInit, WdfObjectAttributes.of(DEVICE_CONTEXT));
        if (!device.isSuccess()) {
            return device.status();
        }
        NtStatus status = device.value().createDeviceInterface(GUID_DEVINTERFACE_STORE, null);
        if (!status.isSuccess()) {
            return status;
        }
        WdfIoQueueConfig config = WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL)
                .withIoRead(StoreDriver::evtIoRead)
                .withIoWrite(StoreDriver::evtIoWrite);
        return WdfQueue.create(device.value(), config, WdfObjectAttributes.NONE).status();
    }

    static void evtIoWrite(WdfQueue queue, WdfRequest request, long length) {
        NtResult<ByteBuffer> input = request.retrieveInputBuffer(length);
        if (!input.isSuccess()) {
            request.complete(input.status());
            return;
        }
        byte[] data = new byte[(int) length];
        input.value().get(0, data);
        DEVICE_CONTEXT.get(queue.device()).stored = data;
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
    }

    static void evtIoRead(WdfQueue queue, WdfRequest request, long length) {
        byte[] stored = DEVICE_CONTEXT.get(queue.device()).stored;
        int count = (int) Math.min(length, stored.length);
        NtResult<ByteBuffer> output = request.retrieveOutputBuffer(count);
        if (!output.isSuccess()) {
            request.complete(output.status());
            return;
        }
        output.value().put(0, stored, 0, count);
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, count);
    }
}
