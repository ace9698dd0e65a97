package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;

/** A bad package: the entry class has no public constructor without arguments. */
public final class NoDefaultConstructorDriver implements DriverEntry {

    private final String name;

    public NoDefaultConstructorDriver(String name) {
        this.name = name;
    }

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return name.isEmpty() ? NtStatus.STATUS_UNSUCCESSFUL : NtStatus.STATUS_SUCCESS;
    }
}
