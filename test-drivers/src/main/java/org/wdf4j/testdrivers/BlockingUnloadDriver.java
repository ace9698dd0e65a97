package org.wdf4j.testdrivers;

import java.util.concurrent.atomic.AtomicReference;
import org.wdf4j.DbgPrint;
import org.wdf4j.Irql;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.object.WdfSynchronizationScope;

/**
 * U4: a driver with synchronization scope DEVICE whose EvtDriverUnload blocks on another thread
 * that creates and deletes an object under the driver object. If the framework held the driver
 * object's lock around EvtDriverUnload, that thread could not finish.
 */
public final class BlockingUnloadDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.init()
                        .withSynchronizationScope(WdfSynchronizationScope.DEVICE)
                        .withExecutionLevel(WdfExecutionLevel.PASSIVE),
                WdfDriverConfig.init(null).withUnload(BlockingUnloadDriver::unload));
        return NtStatus.STATUS_SUCCESS;
    }

    static void unload(WdfDriver driver) {
        AtomicReference<String> other = new AtomicReference<>("did not finish");
        Thread t = new Thread(() -> {
            WdfObject o = WdfObject.create(WdfObjectAttributes.init().withParent(driver)).value();
            other.set("created-and-deleted " + o.delete());
        }, "unload-helper");
        t.start();
        boolean joined;
        try {
            t.join(30_000);
            joined = !t.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            joined = false;
        }
        DbgPrint.print("unload irql=%s thread=%s joined=%s other=%s", Irql.current(), Thread.currentThread().getName(),
                joined, other.get());
    }
}
