package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** U6 step 5: EvtDriverUnload does not return; the host must give up after the verifier wait timeout. */
public final class HangingUnloadDriver implements DriverEntry {

    /** The system property that lets the hung callback return. */
    public static final String RELEASE = "wdf4j.test.HangingUnloadDriver.release";

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> Drivers.parkUntil(RELEASE)));
        return NtStatus.STATUS_SUCCESS;
    }
}
