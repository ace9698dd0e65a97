package org.wdf4j.testdrivers;

import java.lang.reflect.Method;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * H9: reaches {@code System.exit(6)} through reflection in DriverEntry, after using reflection on its own
 * package-private method (which must keep working as before: the JDK still sees this class as the caller).
 */
public final class ExitByReflectionDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN")));
        try {
            Method own = ExitByReflectionDriver.class.getDeclaredMethod("greet", String.class);
            DbgPrint.print("reflection on its own method: %s", own.invoke(null, "reflection"));
            Method exit = Class.forName("java.lang.System").getMethod("exit", int.class);
            exit.invoke(null, 6);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        DbgPrint.print("after Method.invoke of System.exit: MUST NOT RUN");
        return NtStatus.STATUS_SUCCESS;
    }

    static String greet(String who) {
        return "hello " + who;
    }
}
