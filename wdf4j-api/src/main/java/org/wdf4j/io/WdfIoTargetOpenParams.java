package org.wdf4j.io;

import java.util.Objects;

/**
 * {@code WDF_IO_TARGET_OPEN_PARAMS}: which device a remote I/O target opens, and the callbacks that follow that
 * device's life (ST9).
 *
 * @param targetDeviceName the device's name: the name a device was given with {@code WdfDeviceInit.assignName}
 *     ({@code \Device\Name} in Windows; here {@code Name}), or the symbolic link of an enabled device interface
 *     ({@code \\?\ROOT#TOASTER#0000#{guid}}, as a device interface arrival names it), resolved by the host. Requests
 *     sent to the target enter that device's stack at its top, as Windows sends them to the top of the stack a name
 *     opens. Null for {@link #reopen()}.
 * @param reopening {@code WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN}: open again the device the target had open before
 *     it was closed for a query-remove, with the callbacks it had
 * @param evtIoTargetQueryRemove null: the framework closes the target for the query-remove
 * @param evtIoTargetRemoveCanceled null: the framework reopens the target
 * @param evtIoTargetRemoveComplete null: the framework closes the target
 */
public record WdfIoTargetOpenParams(String targetDeviceName, boolean reopening,
                                    EvtIoTargetQueryRemove evtIoTargetQueryRemove,
                                    EvtIoTargetRemoveCanceled evtIoTargetRemoveCanceled,
                                    EvtIoTargetRemoveComplete evtIoTargetRemoveComplete) {

    private static final WdfIoTargetOpenParams REOPEN = new WdfIoTargetOpenParams(null, true, null, null, null);

    public WdfIoTargetOpenParams {
        if (!reopening) {
            Objects.requireNonNull(targetDeviceName, "targetDeviceName");
        }
    }

    /** Opens by name, without callbacks. */
    public WdfIoTargetOpenParams(String targetDeviceName) {
        this(targetDeviceName, false, null, null, null);
    }

    /** {@code WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME}: a device name or an interface's symbolic link. */
    public static WdfIoTargetOpenParams openByName(String targetDeviceName) {
        return new WdfIoTargetOpenParams(targetDeviceName);
    }

    /**
     * {@code WDF_IO_TARGET_OPEN_PARAMS_INIT_REOPEN}: for {@link EvtIoTargetRemoveCanceled}, opens the target's
     * device again.
     */
    public static WdfIoTargetOpenParams reopen() {
        return REOPEN;
    }

    public WdfIoTargetOpenParams withEvtIoTargetQueryRemove(EvtIoTargetQueryRemove callback) {
        return new WdfIoTargetOpenParams(targetDeviceName, reopening, callback, evtIoTargetRemoveCanceled,
                evtIoTargetRemoveComplete);
    }

    public WdfIoTargetOpenParams withEvtIoTargetRemoveCanceled(EvtIoTargetRemoveCanceled callback) {
        return new WdfIoTargetOpenParams(targetDeviceName, reopening, evtIoTargetQueryRemove, callback,
                evtIoTargetRemoveComplete);
    }

    public WdfIoTargetOpenParams withEvtIoTargetRemoveComplete(EvtIoTargetRemoveComplete callback) {
        return new WdfIoTargetOpenParams(targetDeviceName, reopening, evtIoTargetQueryRemove,
                evtIoTargetRemoveCanceled, callback);
    }
}
