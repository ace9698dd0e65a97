package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** U2: starts a thread that outlives its unload, which keeps its class loader alive. */
public final class ThreadLeakingDriver implements DriverEntry {

    /** The system property that lets the leaked thread end. */
    public static final String RELEASE = "wdf4j.test.ThreadLeakingDriver.release";

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        Thread poller = new Thread(() -> Drivers.parkUntil(RELEASE), "poller-1");
        poller.setDaemon(true);
        poller.start();
        return NtStatus.STATUS_SUCCESS;
    }
}
