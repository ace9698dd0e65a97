package org.wdf4j.testdrivers;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * H9: makes a method reference {@code System::exit} in DriverEntry (harmless until called), then has a JDK class
 * call it: {@code IntStream.of(8).forEach(System::exit)}.
 */
public final class ExitByMethodRefDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN")));
        IntConsumer exit = System::exit;
        DbgPrint.print("made the method reference %s", exit != null);
        IntStream.of(8).forEach(exit);
        DbgPrint.print("after calling System::exit: MUST NOT RUN");
        return NtStatus.STATUS_SUCCESS;
    }
}
