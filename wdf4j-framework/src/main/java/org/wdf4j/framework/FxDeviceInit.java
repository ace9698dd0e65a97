package org.wdf4j.framework;

import java.util.Optional;
import org.wdf4j.Irql;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfDeviceIoType;
import org.wdf4j.device.WdfFileObjectConfig;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * {@code WDFDEVICE_INIT}: collected settings, used by one {@code WdfDeviceCreate}. Not a framework object: it has no
 * handle of its own; a spent init is refused with a bug check (WDF_INVALID_HANDLE), as WDF frees it in
 * {@code WdfDeviceCreate}.
 */
final class FxDeviceInit implements WdfDeviceInit {

    final FxDriverGlobals globals;
    final boolean control;
    final String hardwareId;
    final String instanceId;
    WdfPnpPowerEventCallbacks pnpPower = WdfPnpPowerEventCallbacks.NONE;
    WdfFileObjectConfig fileConfig = new WdfFileObjectConfig(null, null, null);
    WdfObjectAttributes fileAttributes = WdfObjectAttributes.NONE;
    WdfObjectAttributes requestAttributes = WdfObjectAttributes.NONE;
    WdfDeviceIoType ioType = WdfDeviceIoType.BUFFERED;
    boolean exclusive;
    String name;
    String sddl;
    /** WdfFdoInitSetFilter: request types without a handler pass down untouched. */
    boolean filter;
    /** The stack the device joins, on top (PnP); null for a control device. */
    FxDeviceStack stack;
    /** A PnP init may be used only during the EvtDriverDeviceAdd it was given to. */
    volatile boolean inDeviceAdd;
    private boolean spent;
    /** The device made from this init (PnP), for the PnP manager. */
    volatile FxDevice created;

    FxDeviceInit(FxDriverGlobals globals, boolean control, String hardwareId, String instanceId, String sddl) {
        this.globals = globals;
        this.control = control;
        this.hardwareId = hardwareId;
        this.instanceId = instanceId;
        this.sddl = sddl;
    }

    private void usable(String function) {
        globals.checkIrql(function, Irql.PASSIVE_LEVEL, null);
        synchronized (this) {
            if (spent) {
                throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_HANDLE, function + ": this WDFDEVICE_INIT was "
                        + "already used by WdfDeviceCreate (or freed); a device init serves one device");
            }
        }
    }

    /** Marks the init used; false when it already was. */
    synchronized boolean spend() {
        if (spent) {
            return false;
        }
        spent = true;
        return true;
    }

    synchronized boolean isSpent() {
        return spent;
    }

    @Override
    public void setPnpPowerEventCallbacks(WdfPnpPowerEventCallbacks callbacks) {
        usable("WdfDeviceInitSetPnpPowerEventCallbacks");
        pnpPower = callbacks == null ? WdfPnpPowerEventCallbacks.NONE : callbacks;
    }

    @Override
    public void setFileObjectConfig(WdfFileObjectConfig config, WdfObjectAttributes fileObjectAttributes) {
        usable("WdfDeviceInitSetFileObjectConfig");
        fileConfig = config == null ? new WdfFileObjectConfig(null, null, null) : config;
        fileAttributes = fileObjectAttributes == null ? WdfObjectAttributes.NONE : fileObjectAttributes;
    }

    @Override
    public void setIoType(WdfDeviceIoType type) {
        usable("WdfDeviceInitSetIoType");
        ioType = type == null ? WdfDeviceIoType.BUFFERED : type;
    }

    @Override
    public void setExclusive(boolean value) {
        usable("WdfDeviceInitSetExclusive");
        exclusive = value;
    }

    @Override
    public NtStatus assignName(String value) {
        usable("WdfDeviceInitAssignName");
        Optional<String> broken = NameRule.DEVICE_NAME.violation(value);
        if (broken.isPresent()) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "WdfDeviceInitAssignName", null,
                    NameRule.DEVICE_NAME.refusal(value, broken.get()), false);
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        name = value;
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public void assignSddl(String value) {
        usable("WdfDeviceInitAssignSDDLString");
        sddl = value;
    }

    @Override
    public void setRequestAttributes(WdfObjectAttributes attributes) {
        usable("WdfDeviceInitSetRequestAttributes");
        if (attributes != null && attributes.parent() != null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_OBJECT_ERROR,
                    "WdfDeviceInitSetRequestAttributes: request attributes may not name a parent");
        }
        requestAttributes = attributes == null ? WdfObjectAttributes.NONE : attributes;
    }

    @Override
    public void setFilter() {
        usable("WdfFdoInitSetFilter");
        filter = !control;
    }

    @Override
    public void free() {
        synchronized (this) {
            spent = true;
        }
    }

    @Override
    public String hardwareId() {
        return hardwareId;
    }

    @Override
    public String toString() {
        return "WDFDEVICE_INIT(" + (control ? "control device" : hardwareId) + ")";
    }
}
