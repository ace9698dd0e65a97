package org.wdf4j.driver;

import org.wdf4j.NtStatus;

/**
 * A driver's entry point ({@code DriverEntry}). The driver package names the class that implements
 * it; the host creates one instance (public no-argument constructor) and calls
 * {@link #driverEntry} once, at PASSIVE_LEVEL, on a framework thread of the driver.
 *
 * <p>DriverEntry creates the framework driver object with {@link WdfDriver#create} and allocates
 * the driver-wide resources that {@link EvtDriverUnload} will release. A failure status (or an
 * exception, or a null return, which counts as STATUS_UNSUCCESSFUL) means the driver did not load:
 * {@code EvtDriverUnload} is then never called, but the objects created so far are cleaned up and
 * destroyed.
 */
@FunctionalInterface
public interface DriverEntry {
    NtStatus driverEntry(DriverObject driverObject, String registryPath);
}
