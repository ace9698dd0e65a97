package org.wdf4j.io;

import java.util.Objects;

/**
 * {@code WDF_IO_TARGET_OPEN_PARAMS}: which device a remote I/O target opens.
 *
 * @param targetDeviceName the device's name: the name a device was given with {@code WdfDeviceInit.assignName}
 *     ({@code \Device\Name} in Windows; here {@code Name}), resolved by the host. Requests sent to the target enter
 *     that device's stack at its top, as Windows sends them to the top of the stack a name opens.
 */
public record WdfIoTargetOpenParams(String targetDeviceName) {

    public WdfIoTargetOpenParams {
        Objects.requireNonNull(targetDeviceName, "targetDeviceName");
    }

    /** {@code WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME}. */
    public static WdfIoTargetOpenParams openByName(String targetDeviceName) {
        return new WdfIoTargetOpenParams(targetDeviceName);
    }
}
