package org.wdf4j.testdrivers;

import org.wdf4j.Irql;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfObjectAttributes;

/** D2/O9: WdfDriver.create at DISPATCH_LEVEL; with the verifier on this is a bug check. */
public final class DispatchCreateDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE, WdfDriverConfig.init(null)).status();
        }
    }
}
