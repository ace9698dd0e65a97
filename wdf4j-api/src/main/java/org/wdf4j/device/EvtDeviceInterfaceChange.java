package org.wdf4j.device;

/**
 * The callback of a {@link WdfInterfaceNotification} (the driver's routine that {@code IoRegisterPlugPlayNotification}
 * with {@code EventCategoryDeviceInterfaceChange} names). Called at PASSIVE_LEVEL on the driver's passive thread, one
 * change at a time, in the order they happened.
 */
@FunctionalInterface
public interface EvtDeviceInterfaceChange {

    void interfaceChange(WdfInterfaceNotification notification, WdfDeviceInterfaceChange change);
}
