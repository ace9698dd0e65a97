package org.wdf4j.device;

import java.util.Objects;
import java.util.UUID;

/**
 * {@code DEVICE_INTERFACE_CHANGE_NOTIFICATION}: a device interface arrived (was enabled, or was enabled already when
 * the driver registered) or was removed (disabled, or its device removed).
 *
 * @param arrival true for {@code GUID_DEVICE_INTERFACE_ARRIVAL}, false for {@code GUID_DEVICE_INTERFACE_REMOVAL}
 * @param symbolicLinkName the interface's path ({@code \\?\ROOT#TOASTER#0000#{guid}}), which
 *     {@code WdfIoTargetOpenParams.openByName} opens
 */
public record WdfDeviceInterfaceChange(boolean arrival, UUID interfaceClassGuid, String symbolicLinkName) {

    public WdfDeviceInterfaceChange {
        Objects.requireNonNull(interfaceClassGuid, "interfaceClassGuid");
        Objects.requireNonNull(symbolicLinkName, "symbolicLinkName");
    }
}
