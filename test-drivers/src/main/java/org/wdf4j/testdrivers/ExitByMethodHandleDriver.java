package org.wdf4j.testdrivers;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * H9: looks up a method handle to {@code Runtime.halt} in DriverEntry, after looking up one to its own private
 * method (which must keep working).
 */
public final class ExitByMethodHandleDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN")));
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle own = lookup.findStatic(ExitByMethodHandleDriver.class, "twice",
                    MethodType.methodType(int.class, int.class));
            DbgPrint.print("method handle to its own method: %d", (int) own.invokeExact(21));
            MethodHandle halt = lookup.findVirtual(Runtime.class, "halt", MethodType.methodType(void.class, int.class));
            halt.invoke(Runtime.getRuntime(), 7);
        } catch (Throwable e) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e);
        }
        DbgPrint.print("after the method handle to Runtime.halt: MUST NOT RUN");
        return NtStatus.STATUS_SUCCESS;
    }

    private static int twice(int value) {
        return 2 * value;
    }
}
