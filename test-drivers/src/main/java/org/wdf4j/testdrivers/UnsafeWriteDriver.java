package org.wdf4j.testdrivers;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * H9: gets {@code sun.misc.Unsafe}'s {@code theUnsafe} by reflection in DriverEntry and calls
 * {@code putLong(address, value)} with a bogus address. The host's JVM runs with
 * {@code --sun-misc-unsafe-memory-access=deny}, so the write throws UnsupportedOperationException, which DriverEntry
 * lets through; without that flag it would crash the JVM, so load it only where the flag is known to be set.
 * (Unsafe is reached by reflection only so that compiling this needs no internal API.)
 */
public final class UnsafeWriteDriver implements DriverEntry {

    /** An address no Java object is at: the write must never happen. */
    private static final long BOGUS_ADDRESS = 0x10L;

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN")));
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field field = type.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            Method putLong = type.getMethod("putLong", long.class, long.class);
            DbgPrint.print("got theUnsafe");
            putLong.invoke(unsafe, BOGUS_ADDRESS, 0xDEADL);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException thrown) {
                throw thrown; // UnsupportedOperationException, from the JVM's denial
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        DbgPrint.print("after Unsafe.putLong: MUST NOT RUN");
        return NtStatus.STATUS_SUCCESS;
    }
}
