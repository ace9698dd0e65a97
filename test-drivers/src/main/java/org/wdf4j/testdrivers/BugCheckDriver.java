package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfObject;

/**
 * A driver whose own thread uses an object after deleting it (O4): a bug check on a thread that is
 * not the framework's. The host must stop the driver (no EvtDriverUnload) and keep running.
 */
public final class BugCheckDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null)
                .withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN after a bug check")));
        Tree.build();
        WdfObject doomed = Tree.create("doomed", null);
        Thread t = new Thread(() -> {
            doomed.delete();
            doomed.reference("late"); // destroyed: WDF_INVALID_HANDLE
        }, "use-after-delete");
        t.setDaemon(true);
        t.start();
        return NtStatus.STATUS_SUCCESS;
    }
}
