package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;

/** Isolation: a driver that tries to load framework and host classes must get ClassNotFoundException. */
public final class FrameworkPeekDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        for (String name : new String[] {"org.wdf4j.framework.FxObject", "org.wdf4j.host.DriverHost",
                "org.wdf4j.spi.WdfFunctions", "org.slf4j.Logger", "org.wdf4j.NtStatus"}) {
            String outcome;
            try {
                Class.forName(name, false, getClass().getClassLoader());
                outcome = "visible";
            } catch (ClassNotFoundException e) {
                outcome = "ClassNotFoundException";
            }
            DbgPrint.print("%s: %s", name, outcome);
        }
        return NtStatus.STATUS_UNSUCCESSFUL;
    }
}
