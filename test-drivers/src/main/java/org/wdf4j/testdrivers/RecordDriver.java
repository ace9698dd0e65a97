package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * A driver whose records' {@code equals}, {@code hashCode} and {@code toString} run (as the toaster bus sample's child
 * identification does): their bootstrap leaves the record class in soft caches of method handles the JDK shares
 * ({@code java.lang.runtime.ObjectMethods}), which must not keep the driver's code after it unloads.
 */
public final class RecordDriver implements DriverEntry {

    record SerialNo(int value, String bus) {
    }

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        SerialNo one = new SerialNo(1, "toaster");
        SerialNo same = new SerialNo(1, "toaster");
        DbgPrint.print("equal=%s hash=%s text=%s", one.equals(same), one.hashCode() == same.hashCode(), one);
        return NtStatus.STATUS_SUCCESS;
    }
}
