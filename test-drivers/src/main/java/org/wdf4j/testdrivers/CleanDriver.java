package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.Irql;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfObject;

/** A well-behaved driver: builds the test tree and prints what it sees in EvtDriverUnload. */
public final class CleanDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(CleanDriver::unload));
        Tree.build();
        return NtStatus.STATUS_SUCCESS;
    }

    static void unload(WdfDriver driver) {
        // The driver object and its children are alive and usable during EvtDriverUnload (U6 step 1).
        WdfObject probe = WdfObject.create(null).value();
        DbgPrint.print("unload irql=%s thread=%s get-is-driver=%s probe=%s", Irql.current(),
                Thread.currentThread().getName(), WdfDriver.get() == driver, probe.delete());
    }
}
