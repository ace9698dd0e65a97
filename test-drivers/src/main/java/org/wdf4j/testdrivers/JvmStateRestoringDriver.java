package org.wdf4j.testdrivers;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.TimeZone;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** Changes the same JVM-wide state as {@link JvmStateDriver}, and restores all of it in EvtDriverUnload: clean. */
public final class JvmStateRestoringDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        String tmpdir = System.getProperty("java.io.tmpdir");
        PrintStream out = System.out;
        PrintStream err = System.err;
        Locale locale = Locale.getDefault();
        Locale display = Locale.getDefault(Locale.Category.DISPLAY);
        Locale format = Locale.getDefault(Locale.Category.FORMAT);
        TimeZone zone = TimeZone.getDefault();
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> {
            System.setProperty("java.io.tmpdir", tmpdir);
            System.clearProperty("jvm.state.restoring.added");
            System.setOut(out);
            System.setErr(err);
            Locale.setDefault(locale);
            Locale.setDefault(Locale.Category.DISPLAY, display);
            Locale.setDefault(Locale.Category.FORMAT, format);
            TimeZone.setDefault(zone);
        }));
        System.setProperty("java.io.tmpdir", "/tmp/jvm-state-restoring");
        System.setProperty("jvm.state.restoring.added", "yes");
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
        return NtStatus.STATUS_SUCCESS;
    }
}
