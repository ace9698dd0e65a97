package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.registry.WdfKey;
import org.wdf4j.registry.WdfKeyAccess;

/**
 * Reads and writes its Parameters key: counts its starts in StartCount (REG_DWORD), prints Greeting
 * (REG_SZ, "(none)" with the status when not set) and records LastStatus; in EvtDriverUnload it
 * reads StartCount back through a read-only key.
 */
public final class ParametersDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        WdfDriver driver = Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(ParametersDriver::unload));
        NtResult<WdfKey> opened = driver.openParametersRegistryKey(WdfKeyAccess.KEY_ALL_ACCESS, WdfObjectAttributes.NONE);
        if (!opened.isSuccess()) {
            return opened.status();
        }
        try (WdfKey key = opened.value()) {
            NtResult<Long> count = key.queryULong("StartCount");
            long starts = count.isSuccess() ? count.value() + 1 : 1;
            NtStatus assigned = key.assignULong("StartCount", starts);
            NtResult<String> greeting = key.queryString("Greeting");
            DbgPrint.print("start %d assign=%s greeting=%s", starts, assigned,
                    greeting.isSuccess() ? greeting.value() : "(none) " + greeting.status());
            key.assignString("LastStatus", "started " + starts);
        }
        return NtStatus.STATUS_SUCCESS;
    }

    static void unload(WdfDriver driver) {
        WdfKey key = driver.openParametersRegistryKey(WdfKeyAccess.KEY_READ, WdfObjectAttributes.NONE).value();
        DbgPrint.print("unload StartCount=%s write=%s", key.queryULong("StartCount").value(),
                key.assignULong("StartCount", 0));
        // Not closed: the framework closes it with the driver object.
    }
}
