package org.wdf4j.device;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.spi.WdfFunctions;

/**
 * {@code WDFDEVICE_INIT}: what a driver sets up before creating a device: PnP and power callbacks, file-object
 * callbacks, the I/O type, exclusivity, a name. The framework gives one to {@code EvtDriverDeviceAdd} for each PnP
 * device; a non-PnP driver allocates one with {@link #controlDeviceInitAllocate} for a control device.
 *
 * <p>A device init serves one device, as in WDF, where {@code WdfDeviceCreate} frees it. A PnP init is spent by
 * {@link WdfDevice#create}, whatever it answers, and when its {@code EvtDriverDeviceAdd} returns. A control device init
 * is spent by a successful create; after a failed one the driver still owns it and must {@link #free()} it (or correct
 * it and create again). Any call on a spent init is a bug check (WDF_INVALID_HANDLE). Every method may be called at
 * PASSIVE_LEVEL only.
 */
public interface WdfDeviceInit {

    /**
     * {@code WdfControlDeviceInitAllocate}: a device init for a control device, a device outside PnP that a non-PnP
     * driver creates in DriverEntry, names with {@link #assignName}, and finishes with
     * {@link WdfDevice#controlFinishInitializing}.
     *
     * @param sddl the security descriptor (SDDL) clients are checked against, for example
     *     {@code "D:P(A;;GA;;;SY)(A;;GA;;;BA)"}; the host maps it to the owner and mode of the device's file
     * @return the init, or STATUS_INSUFFICIENT_RESOURCES; a null driver or SDDL is a bug check
     */
    static NtResult<WdfDeviceInit> controlDeviceInitAllocate(WdfDriver driver, String sddl) {
        return WdfFunctions.get().controlDeviceInitAllocate(driver, sddl);
    }

    /** {@code WdfDeviceInitSetPnpPowerEventCallbacks}. Ignored for control devices, which have no PnP life. */
    void setPnpPowerEventCallbacks(WdfPnpPowerEventCallbacks callbacks);

    /**
     * {@code WdfDeviceInitSetFileObjectConfig}: the file-object callbacks, and the attributes (a context type, cleanup
     * and destroy callbacks) of every file object the framework makes for this device.
     */
    void setFileObjectConfig(WdfFileObjectConfig config, WdfObjectAttributes fileObjectAttributes);

    /** {@code WdfDeviceInitSetIoType}; see {@link WdfDeviceIoType}. */
    void setIoType(WdfDeviceIoType ioType);

    /** {@code WdfDeviceInitSetExclusive}: at most one open at a time; a second open fails with STATUS_SHARING_VIOLATION. */
    void setExclusive(boolean exclusive);

    /**
     * {@code WdfDeviceInitAssignName}: the name clients open the device by ({@code \Device\Name} in Windows; here
     * {@code Name}). Names are unique in the host.
     *
     * @return STATUS_SUCCESS, or STATUS_INVALID_PARAMETER for an empty name or one with {@code /} or {@code \}
     */
    NtStatus assignName(String name);

    /** {@code WdfDeviceInitAssignSDDLString}: the security descriptor of the device, as for a control device. */
    void assignSddl(String sddl);

    /**
     * {@code WdfDeviceInitSetRequestAttributes}: the attributes (context type, callbacks) of every request the
     * framework presents to this device's queues.
     */
    void setRequestAttributes(WdfObjectAttributes requestAttributes);

    /**
     * {@code WdfDeviceInitFree}: gives back an init that was not used to create a device (for example after a failed
     * {@link WdfDevice#create} of a control device). Harmless on a spent init.
     */
    void free();

    /**
     * {@code WdfFdoInitSetFilter}: the device is a filter: a request of a type for which none of its queues has a
     * handler (no queue configured for it, or one without a handler for the type and without {@code EvtIoDefault})
     * passes to the next lower device untouched, without the driver seeing it. Ignored for control devices.
     */
    void setFilter();

    /**
     * {@code WdfFdoInitSetDefaultChildListConfig}: the device is a bus with a default child list
     * ({@link WdfDevice#defaultChildList}) whose children get their devices from {@code config}'s
     * {@link EvtChildListCreateDevice}. Ignored for control devices and PDOs.
     */
    void setDefaultChildListConfig(WdfChildListConfig config);

    /** The hardware ID the PnP manager matched this driver by, or null for a control device. */
    String hardwareId();
}
