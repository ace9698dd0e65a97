package org.wdf4j.testdrivers;

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
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A seeded bug for {@code wdf4j verify} ({@code ROOT\ALLOCLEAK}): EvtDriverDeviceAdd makes a scratch object, takes a
 * reference on it while it makes the queue, and gives the reference back only when the queue was made; when the
 * queue's allocation fails it returns the status with the reference still held, so the object outlives the driver (a
 * leak on a failed allocation path, V2). Every request completes at once with success.
 */
public final class AllocateFailLeakDriver implements DriverEntry {

    public static final UUID GUID = UUID.fromString("7d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a");

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(AllocateFailLeakDriver::deviceAdd)).status();
    }

    static NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit init) {
        NtResult<WdfDevice> device = Drivers.deviceWithInterface(init, WdfObjectAttributes.NONE, GUID);
        if (!device.isSuccess()) {
            return device.status();
        }
        NtResult<WdfObject> scratch = WdfObject.create(WdfObjectAttributes.init().withParent(device.value()));
        if (!scratch.isSuccess()) {
            return scratch.status();
        }
        scratch.value().reference("making the queue");
        NtResult<WdfQueue> queue = WdfQueue.create(device.value(),
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoDefault((q, request) -> request.complete(NtStatus.STATUS_SUCCESS)),
                WdfObjectAttributes.NONE);
        if (!queue.isSuccess()) {
            return queue.status(); // the bug: the reference taken above is never given back
        }
        scratch.value().dereference("making the queue");
        return NtStatus.STATUS_SUCCESS;
    }
}
