package org.wdf4j.testdrivers;

import java.util.concurrent.atomic.AtomicReference;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;

/** D6: prints what WdfDriver.get() answers in DriverEntry, on its own thread, and in EvtDriverUnload. */
public final class GetDriverDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        DbgPrint.print("before-create get=%s", WdfDriver.get());
        WdfDriver driver = Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null)
                .withUnload(d -> DbgPrint.print("unload get=%s", WdfDriver.get().driverName())));
        DbgPrint.print("entry get=%s path=%s", WdfDriver.get().driverName(), WdfDriver.get().registryPath());
        AtomicReference<String> seen = new AtomicReference<>();
        Thread own = new Thread(() -> seen.set(WdfDriver.get() == driver ? WdfDriver.get().driverName() : "OTHER"));
        own.start();
        try {
            own.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DbgPrint.print("own-thread get=%s", seen.get());
        return NtStatus.STATUS_SUCCESS;
    }
}
