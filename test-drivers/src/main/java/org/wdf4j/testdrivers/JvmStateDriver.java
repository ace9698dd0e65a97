package org.wdf4j.testdrivers;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.TimeZone;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * Issue #11: changes JVM-wide state in DriverEntry (system properties, System.out and System.err, the default locale
 * and time zone) and leaves it so after its unload; its unload report must name each change. The streams it sets are
 * of a JDK class, so that they do not keep its class loader (the report is about the state, not a leak).
 */
public final class JvmStateDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        System.setProperty("java.io.tmpdir", "/tmp/jvm-state-driver");
        System.setProperty("user.home", "/nonexistent/jvm-state-driver");
        System.setProperty("line.separator", "\r\n");
        System.setProperty("jvm.state.driver.added", "yes");
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
        return NtStatus.STATUS_SUCCESS;
    }
}
