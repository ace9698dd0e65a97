package org.wdf4j.device;

import java.util.UUID;
import org.wdf4j.NtResult;
import org.wdf4j.object.WdfObject;
import org.wdf4j.spi.WdfFunctions;

/**
 * A driver's registration for the arrival and removal of the device interfaces of one class (ST9): the counterpart of
 * {@code IoRegisterPlugPlayNotification(EventCategoryDeviceInterfaceChange,
 * PNPNOTIFY_DEVICE_INTERFACE_INCLUDE_EXISTING_INTERFACES, ...)} in KMDF and of {@code CM_Register_Notification} in
 * UMDF. Interfaces already enabled when it registers arrive first. It is a child of the device it is registered for;
 * deleting it (or its device) unregisters it ({@code IoUnregisterPlugPlayNotificationEx}): no callback runs after
 * {@link #delete()} returns, except one that already runs on another thread.
 *
 * <p>Interfaces of devices wherever they run (in the host, in any driver host) are told. A driver that opens an
 * interface it is told of as a remote I/O target learns of that device's removal through the target's callbacks.
 */
public interface WdfInterfaceNotification extends WdfObject {

    /**
     * Registers {@code callback} for interfaces of {@code interfaceClassGuid}, existing ones included. IRQL
     * PASSIVE_LEVEL.
     *
     * @return the registration; STATUS_INSUFFICIENT_RESOURCES; STATUS_DELETE_PENDING (the device is being deleted)
     */
    static NtResult<WdfInterfaceNotification> register(WdfDevice device, UUID interfaceClassGuid,
                                                       EvtDeviceInterfaceChange callback) {
        return WdfFunctions.get().interfaceNotificationRegister(device, interfaceClassGuid, callback);
    }

    /** The interface class it watches. */
    UUID interfaceClassGuid();

    /** The device it was registered for (its parent). */
    WdfDevice device();
}
