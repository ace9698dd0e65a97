package org.wdf4j.testdrivers;

import org.wdf4j.NtResult;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;

/** Shared steps of the test drivers. */
final class Drivers {

    private Drivers() {
    }

    /** Creates the driver object with the printing callbacks of {@link Tree#named}; throws on failure. */
    static WdfDriver create(DriverObject driverObject, String registryPath, WdfDriverConfig config) {
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, Tree.named("driver"), config);
        if (!created.isSuccess()) {
            throw new IllegalStateException("WdfDriver.create: " + created.status());
        }
        Tree.NAME.get(created.value()).value = "driver";
        return created.value();
    }

    /**
     * A PnP device with an interface of class {@code interfaceGuid} (how a client finds and opens it); answers the
     * device, or the status that failed.
     */
    static NtResult<org.wdf4j.device.WdfDevice> deviceWithInterface(org.wdf4j.device.WdfDeviceInit init,
            org.wdf4j.object.WdfObjectAttributes attributes, java.util.UUID interfaceGuid) {
        NtResult<org.wdf4j.device.WdfDevice> device = org.wdf4j.device.WdfDevice.create(init, attributes);
        if (!device.isSuccess()) {
            return device;
        }
        org.wdf4j.NtStatus status = device.value().createDeviceInterface(interfaceGuid, null);
        return status.isSuccess() ? device : NtResult.failure(status);
    }

    /** Parks the calling thread until the system property is set (how a test releases a stuck driver). */
    static void parkUntil(String property) {
        while (System.getProperty(property) == null) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
        }
    }
}
