package org.wdf4j.testdrivers;

import java.time.Duration;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.driver.WdfDriverInitFlag;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.sync.WdfSpinLock;
import org.wdf4j.sync.WdfWaitLock;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;
import org.wdf4j.workitem.WdfWorkItem;
import org.wdf4j.workitem.WdfWorkItemConfig;

/**
 * {@code wdf4j inspect driver} shows timers, work items and locks (issue 13): a non-PnP driver whose DriverEntry
 * starts a periodic timer (every hour, so it stays due), creates a work item and runs it once, creates a spin lock it
 * never takes, and takes a wait lock it never releases (held by its passive thread until the driver unloads).
 */
public final class SyncObjectsDriver implements DriverEntry {

    /** The timer's period: long enough that it is always due while a test looks. */
    public static final Duration PERIOD = Duration.ofHours(1);

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        WdfDriver driver = Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null)
                .withFlags(WdfDriverInitFlag.NON_PNP_DRIVER)
                .withUnload(d -> DbgPrint.print("sync objects: unload")));
        WdfObjectAttributes ofDriver = WdfObjectAttributes.init().withParent(driver);
        NtResult<WdfTimer> timer = WdfTimer.create(WdfTimerConfig.initPeriodic(t -> DbgPrint.print("tick"), PERIOD)
                .withAutomaticSerialization(false), ofDriver);
        if (!timer.isSuccess()) {
            return timer.status();
        }
        timer.value().start(PERIOD);
        NtResult<WdfWorkItem> item = WdfWorkItem.create(WdfWorkItemConfig.init(w -> DbgPrint.print("work item ran"))
                .withAutomaticSerialization(false), ofDriver);
        if (!item.isSuccess()) {
            return item.status();
        }
        item.value().enqueue();
        NtResult<WdfSpinLock> spin = WdfSpinLock.create(ofDriver);
        NtResult<WdfWaitLock> wait = WdfWaitLock.create(ofDriver);
        if (!spin.isSuccess() || !wait.isSuccess()) {
            return NtStatus.STATUS_INSUFFICIENT_RESOURCES;
        }
        NtStatus acquired = wait.value().acquire(null);
        DbgPrint.print("sync objects: wait lock acquired: %s", acquired);
        return NtStatus.STATUS_SUCCESS;
    }
}
