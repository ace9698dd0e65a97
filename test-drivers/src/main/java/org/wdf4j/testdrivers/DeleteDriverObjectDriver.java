package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;

/** D5/O5: tries to delete its own driver object. */
public final class DeleteDriverObjectDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        WdfDriver driver = Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        NtStatus deleted = driver.delete();
        DbgPrint.print("delete: %s still-usable=%s", deleted, driver.registryPath().equals(registryPath));
        return NtStatus.STATUS_SUCCESS;
    }
}
