package org.wdf4j.device;

/**
 * {@code WDF_FILEOBJECT_CONFIG}: the file-object callbacks of a device, given to
 * {@link WdfDeviceInit#setFileObjectConfig}. Each is optional: without EvtDeviceFileCreate every open succeeds.
 *
 * @param evtDeviceFileCreate a client opens the device, or null
 * @param evtFileCleanup the client closed its handle, or null
 * @param evtFileClose the open is finished, or null
 */
public record WdfFileObjectConfig(EvtDeviceFileCreate evtDeviceFileCreate, EvtFileCleanup evtFileCleanup,
                                  EvtFileClose evtFileClose) {

    /** {@code WDF_FILEOBJECT_CONFIG_INIT}. */
    public static WdfFileObjectConfig init(EvtDeviceFileCreate create, EvtFileClose close, EvtFileCleanup cleanup) {
        return new WdfFileObjectConfig(create, cleanup, close);
    }
}
