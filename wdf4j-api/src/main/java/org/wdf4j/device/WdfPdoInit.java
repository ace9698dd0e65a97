package org.wdf4j.device;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.spi.WdfFunctions;

/**
 * A {@code WDFDEVICE_INIT} for a child device's physical device object (PDO), which a bus driver fills in with the
 * {@code WdfPdoInit*} calls and creates with {@link WdfDevice#create} (ST1). A static child is then handed to
 * {@link WdfDevice#addStaticChild}; a dynamic child's init is given to {@link EvtChildListCreateDevice} by the
 * framework, and the device created from it is reported to the PnP manager by the child list.
 *
 * <p>The PnP manager names the child's node {@code DEVICEID\INSTANCEID} and matches a function driver to it by its
 * hardware IDs, then its compatible IDs (most specific first in each list), as for any device (ST2). A device ID and at
 * least one hardware ID are required: {@link WdfDevice#create} fails with STATUS_INVALID_DEVICE_STATE without them.
 * IDs follow Windows' device ID rules (1 to 200 printable characters, no space, {@code ,} or {@code /}); a broken one
 * is refused with STATUS_INVALID_PARAMETER and a verifier finding that says why. Every method may be called at
 * PASSIVE_LEVEL only.
 */
public interface WdfPdoInit extends WdfDeviceInit {

    /**
     * {@code WdfPdoInitAllocate}: a device init for a child of {@code parent}, the bus driver's function device.
     *
     * @return the init; STATUS_INVALID_DEVICE_REQUEST when {@code parent} is a control device or itself a PDO
     */
    static NtResult<WdfPdoInit> allocate(WdfDevice parent) {
        return WdfFunctions.get().pdoInitAllocate(parent);
    }

    /** {@code WdfPdoInitAssignDeviceID}: e.g. {@code {b85b7c50-6a01-11d2-b841-00c04fad5171}\MsToaster}. */
    NtStatus assignDeviceId(String deviceId);

    /** {@code WdfPdoInitAssignInstanceID}: unique among the parent's children with the same device ID, e.g. {@code 01}. */
    NtStatus assignInstanceId(String instanceId);

    /** {@code WdfPdoInitAddHardwareID}: appends a hardware ID (the first added is the most specific). */
    NtStatus addHardwareId(String hardwareId);

    /** {@code WdfPdoInitAddCompatibleID}: appends a compatible ID (the first added is the most specific). */
    NtStatus addCompatibleId(String compatibleId);

    /**
     * {@code WdfPdoInitAddDeviceText}: the device's description and location for a locale, e.g.
     * {@code ("Microsoft_Eliyas_Toaster_01", "Toaster bus 0", 0x409)}; the default locale's text is what the device
     * tree shows.
     */
    NtStatus addDeviceText(String deviceDescription, String deviceLocation, int localeId);

    /** {@code WdfPdoInitSetDefaultLocale}: the locale whose device text the tree shows (default: the first added). */
    void setDefaultLocale(int localeId);
}
