package org.wdf4j.device;

/**
 * {@code WDF_PNP_POWER_EVENT_CALLBACKS}: the PnP and power callbacks of a device, given to
 * {@link WdfDeviceInit#setPnpPowerEventCallbacks}. Every one is optional (null); a missing callback is a success.
 *
 * <p>The framework calls them at PASSIVE_LEVEL, one at a time, in the orders WDF documents ("PnP and Power Management
 * Scenarios"; {@code docs/devices.md} lists each sequence):
 * <ul>
 *   <li>start: PrepareHardware, D0Entry(D3_FINAL), power-managed queues started, SelfManagedIoInit;</li>
 *   <li>orderly removal (and disable): power-managed queues stopped, SelfManagedIoSuspend, D0Exit(D3_FINAL),
 *       ReleaseHardware, queues purged, SelfManagedIoFlush, SelfManagedIoCleanup, the device object's cleanup;</li>
 *   <li>surprise removal: SurpriseRemoval first, then as an orderly removal;</li>
 *   <li>system sleep: queues stopped, SelfManagedIoSuspend, D0Exit(D3); resume: D0Entry(D3), queues restarted,
 *       SelfManagedIoRestart.</li>
 * </ul>
 */
public record WdfPnpPowerEventCallbacks(
        EvtDevicePrepareHardware evtDevicePrepareHardware,
        EvtDeviceReleaseHardware evtDeviceReleaseHardware,
        EvtDeviceD0Entry evtDeviceD0Entry,
        EvtDeviceD0Exit evtDeviceD0Exit,
        EvtDeviceSelfManagedIoInit evtDeviceSelfManagedIoInit,
        EvtDeviceSelfManagedIoSuspend evtDeviceSelfManagedIoSuspend,
        EvtDeviceSelfManagedIoRestart evtDeviceSelfManagedIoRestart,
        EvtDeviceSelfManagedIoFlush evtDeviceSelfManagedIoFlush,
        EvtDeviceSelfManagedIoCleanup evtDeviceSelfManagedIoCleanup,
        EvtDeviceSurpriseRemoval evtDeviceSurpriseRemoval) {

    /** {@code WDF_PNP_POWER_EVENT_CALLBACKS_INIT}: no callbacks. */
    public static final WdfPnpPowerEventCallbacks NONE = new WdfPnpPowerEventCallbacks(null, null, null, null, null, null,
            null, null, null, null);

    /** {@code WDF_PNP_POWER_EVENT_CALLBACKS_INIT}. */
    public static WdfPnpPowerEventCallbacks init() {
        return NONE;
    }

    public WdfPnpPowerEventCallbacks withPrepareHardware(EvtDevicePrepareHardware c) {
        return new WdfPnpPowerEventCallbacks(c, evtDeviceReleaseHardware, evtDeviceD0Entry, evtDeviceD0Exit,
                evtDeviceSelfManagedIoInit, evtDeviceSelfManagedIoSuspend, evtDeviceSelfManagedIoRestart,
                evtDeviceSelfManagedIoFlush, evtDeviceSelfManagedIoCleanup, evtDeviceSurpriseRemoval);
    }

    public WdfPnpPowerEventCallbacks withReleaseHardware(EvtDeviceReleaseHardware c) {
        return new WdfPnpPowerEventCallbacks(evtDevicePrepareHardware, c, evtDeviceD0Entry, evtDeviceD0Exit,
                evtDeviceSelfManagedIoInit, evtDeviceSelfManagedIoSuspend, evtDeviceSelfManagedIoRestart,
                evtDeviceSelfManagedIoFlush, evtDeviceSelfManagedIoCleanup, evtDeviceSurpriseRemoval);
    }

    public WdfPnpPowerEventCallbacks withD0Entry(EvtDeviceD0Entry c) {
        return new WdfPnpPowerEventCallbacks(evtDevicePrepareHardware, evtDeviceReleaseHardware, c, evtDeviceD0Exit,
                evtDeviceSelfManagedIoInit, evtDeviceSelfManagedIoSuspend, evtDeviceSelfManagedIoRestart,
                evtDeviceSelfManagedIoFlush, evtDeviceSelfManagedIoCleanup, evtDeviceSurpriseRemoval);
    }

    public WdfPnpPowerEventCallbacks withD0Exit(EvtDeviceD0Exit c) {
        return new WdfPnpPowerEventCallbacks(evtDevicePrepareHardware, evtDeviceReleaseHardware, evtDeviceD0Entry, c,
                evtDeviceSelfManagedIoInit, evtDeviceSelfManagedIoSuspend, evtDeviceSelfManagedIoRestart,
                evtDeviceSelfManagedIoFlush, evtDeviceSelfManagedIoCleanup, evtDeviceSurpriseRemoval);
    }

    public WdfPnpPowerEventCallbacks withSelfManagedIoInit(EvtDeviceSelfManagedIoInit c) {
        return new WdfPnpPowerEventCallbacks(evtDevicePrepareHardware, evtDeviceReleaseHardware, evtDeviceD0Entry,
                evtDeviceD0Exit, c, evtDeviceSelfManagedIoSuspend, evtDeviceSelfManagedIoRestart,
                evtDeviceSelfManagedIoFlush, evtDeviceSelfManagedIoCleanup, evtDeviceSurpriseRemoval);
    }

    public WdfPnpPowerEventCallbacks withSelfManagedIoSuspend(EvtDeviceSelfManagedIoSuspend c) {
        return new WdfPnpPowerEventCallbacks(evtDevicePrepareHardware, evtDeviceReleaseHardware, evtDeviceD0Entry,
                evtDeviceD0Exit, evtDeviceSelfManagedIoInit, c, evtDeviceSelfManagedIoRestart,
                evtDeviceSelfManagedIoFlush, evtDeviceSelfManagedIoCleanup, evtDeviceSurpriseRemoval);
    }

    public WdfPnpPowerEventCallbacks withSelfManagedIoRestart(EvtDeviceSelfManagedIoRestart c) {
        return new WdfPnpPowerEventCallbacks(evtDevicePrepareHardware, evtDeviceReleaseHardware, evtDeviceD0Entry,
                evtDeviceD0Exit, evtDeviceSelfManagedIoInit, evtDeviceSelfManagedIoSuspend, c,
                evtDeviceSelfManagedIoFlush, evtDeviceSelfManagedIoCleanup, evtDeviceSurpriseRemoval);
    }

    public WdfPnpPowerEventCallbacks withSelfManagedIoFlush(EvtDeviceSelfManagedIoFlush c) {
        return new WdfPnpPowerEventCallbacks(evtDevicePrepareHardware, evtDeviceReleaseHardware, evtDeviceD0Entry,
                evtDeviceD0Exit, evtDeviceSelfManagedIoInit, evtDeviceSelfManagedIoSuspend, evtDeviceSelfManagedIoRestart,
                c, evtDeviceSelfManagedIoCleanup, evtDeviceSurpriseRemoval);
    }

    public WdfPnpPowerEventCallbacks withSelfManagedIoCleanup(EvtDeviceSelfManagedIoCleanup c) {
        return new WdfPnpPowerEventCallbacks(evtDevicePrepareHardware, evtDeviceReleaseHardware, evtDeviceD0Entry,
                evtDeviceD0Exit, evtDeviceSelfManagedIoInit, evtDeviceSelfManagedIoSuspend, evtDeviceSelfManagedIoRestart,
                evtDeviceSelfManagedIoFlush, c, evtDeviceSurpriseRemoval);
    }

    public WdfPnpPowerEventCallbacks withSurpriseRemoval(EvtDeviceSurpriseRemoval c) {
        return new WdfPnpPowerEventCallbacks(evtDevicePrepareHardware, evtDeviceReleaseHardware, evtDeviceD0Entry,
                evtDeviceD0Exit, evtDeviceSelfManagedIoInit, evtDeviceSelfManagedIoSuspend, evtDeviceSelfManagedIoRestart,
                evtDeviceSelfManagedIoFlush, evtDeviceSelfManagedIoCleanup, c);
    }
}
