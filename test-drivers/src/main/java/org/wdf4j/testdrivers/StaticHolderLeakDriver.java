package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * U2: puts one of its objects in the JDK's system properties (a JDK static no registry API reports); only the GC
 * root path explains what holds its class loader.
 */
public final class StaticHolderLeakDriver implements DriverEntry {

    /** The system property the driver leaves its settings in. */
    public static final String KEY = "wdf4j.test.StaticHolderLeakDriver.settings";

    /** The driver's settings. */
    static final class DeviceSettings {
        final int pollMillis = 5;
    }

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        System.getProperties().put(KEY, new DeviceSettings());
        return NtStatus.STATUS_SUCCESS;
    }
}
