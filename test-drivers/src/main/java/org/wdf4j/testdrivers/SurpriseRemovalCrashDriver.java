package org.wdf4j.testdrivers;

import java.util.UUID;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A seeded bug for {@code wdf4j verify} ({@code ROOT\SURPRISECRASH}): EvtDeviceSurpriseRemoval reads the name of the
 * "hardware" it assumes was found at prepare-hardware time, which never was: a NullPointerException on surprise removal
 * only (an orderly removal never calls it). Every request completes at once with success.
 */
public final class SurpriseRemovalCrashDriver implements DriverEntry {

    public static final UUID GUID = UUID.fromString("5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e");

    static final class DeviceContext {
        /** Never set: the bug. */
        String hardwareName;
    }

    static final ContextType<DeviceContext> DEVICE = ContextType.declare(DeviceContext.class, DeviceContext::new);

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(SurpriseRemovalCrashDriver::deviceAdd)).status();
    }

    static NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit init) {
        init.setPnpPowerEventCallbacks(WdfPnpPowerEventCallbacks.init().withSurpriseRemoval(
                d -> org.wdf4j.DbgPrint.print("surprise removal of %d-character hardware",
                        DEVICE.get(d).hardwareName.length())));
        NtResult<WdfDevice> device = Drivers.deviceWithInterface(init, WdfObjectAttributes.of(DEVICE), GUID);
        if (!device.isSuccess()) {
            return device.status();
        }
        return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoDefault((q, request) -> request.complete(NtStatus.STATUS_SUCCESS)), WdfObjectAttributes.NONE)
                .status();
    }
}
