package org.wdf4j.framework;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.wdf4j.Irql;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.device.WdfChildListConfig;
import org.wdf4j.device.WdfPdoInit;
import org.wdf4j.device.WdfDeviceIoType;
import org.wdf4j.device.WdfFileObjectConfig;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * {@code WDFDEVICE_INIT}: collected settings, used by one {@code WdfDeviceCreate}: of a control device, of a device the
 * PnP manager adds (EvtDriverDeviceAdd), or of a bus driver's child ({@code WdfPdoInitAllocate}, {@link #forPdo}). Not a framework object: it has no
 * handle of its own; a spent init is refused with a bug check (WDF_INVALID_HANDLE), as WDF frees it in
 * {@code WdfDeviceCreate}.
 */
final class FxDeviceInit implements WdfPdoInit {

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
    /** WdfFdoInitSetDefaultChildListConfig; null without a child list. */
    WdfChildListConfig childListConfig;
    /** For a PDO's init: the bus device it is a child of; null otherwise. */
    final FxDevice parent;
    /** A PDO's IDs (WdfPdoInit*), set on the driver's thread before WdfDeviceCreate. */
    String deviceId;
    String pdoInstanceId;
    final List<String> hardwareIds = new ArrayList<>(2);
    final List<String> compatibleIds = new ArrayList<>(2);
    /** Device text by locale, in the order added: description and location. */
    final Map<Integer, String[]> deviceText = new LinkedHashMap<>();
    Integer defaultLocale;

    FxDeviceInit(FxDriverGlobals globals, boolean control, String hardwareId, String instanceId, String sddl) {
        this(globals, control, hardwareId, instanceId, sddl, null);
    }

    private FxDeviceInit(FxDriverGlobals globals, boolean control, String hardwareId, String instanceId, String sddl,
                         FxDevice parent) {
        this.parent = parent;
        this.globals = globals;
        this.control = control;
        this.hardwareId = hardwareId;
        this.instanceId = instanceId;
        this.sddl = sddl;
    }

    /** {@code WdfPdoInitAllocate}: the init of a child of {@code bus}. */
    static FxDeviceInit forPdo(FxDevice bus) {
        return new FxDeviceInit(bus.globals, false, null, null, null, bus);
    }

    boolean isPdo() {
        return parent != null;
    }

    /** What the PnP manager learns of the child, or null (not a PDO). */
    FxChildIds childIds() {
        if (parent == null) {
            return null;
        }
        String[] text = defaultLocale != null && deviceText.containsKey(defaultLocale) ? deviceText.get(defaultLocale)
                : deviceText.values().stream().findFirst().orElse(new String[2]);
        return new FxChildIds(deviceId, pdoInstanceId, hardwareIds, compatibleIds, text[0], text[1]);
    }

    /** Why a PDO cannot be created from this init, or null. */
    String pdoProblem() {
        if (deviceId == null) {
            return "no device ID (WdfPdoInitAssignDeviceID)";
        }
        if (hardwareIds.isEmpty()) {
            return "no hardware ID (WdfPdoInitAddHardwareID)";
        }
        return null;
    }

    private NtStatus pdoId(String function, String value, java.util.function.Consumer<String> set) {
        usable(function);
        if (parent == null) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, function, null, function
                    + " is for a PDO's init (WdfPdoInitAllocate), not " + this, false);
            return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
        }
        NtStatus refused = refusal(NameRule.HARDWARE_ID, function, value);
        if (refused != null) {
            return refused;
        }
        set.accept(value);
        return NtStatus.STATUS_SUCCESS;
    }

    /** A value {@code rule} refuses: a verifier finding that names the rule, and STATUS_INVALID_PARAMETER; else null. */
    private NtStatus refusal(NameRule rule, String function, String value) {
        Optional<String> broken = rule.violation(value);
        if (broken.isEmpty()) {
            return null;
        }
        globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, function, null, rule.refusal(value, broken.get()), false);
        return NtStatus.STATUS_INVALID_PARAMETER;
    }

    @Override
    public NtStatus assignDeviceId(String value) {
        return pdoId("WdfPdoInitAssignDeviceID", value, v -> deviceId = v);
    }

    @Override
    public NtStatus assignInstanceId(String value) {
        return pdoId("WdfPdoInitAssignInstanceID", value, v -> pdoInstanceId = v);
    }

    @Override
    public NtStatus addHardwareId(String value) {
        return pdoId("WdfPdoInitAddHardwareID", value, hardwareIds::add);
    }

    @Override
    public NtStatus addCompatibleId(String value) {
        return pdoId("WdfPdoInitAddCompatibleID", value, compatibleIds::add);
    }

    @Override
    public NtStatus addDeviceText(String deviceDescription, String deviceLocation, int localeId) {
        usable("WdfPdoInitAddDeviceText");
        if (parent == null || deviceDescription == null) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        deviceText.put(localeId, new String[] {deviceDescription, deviceLocation});
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public void setDefaultLocale(int localeId) {
        usable("WdfPdoInitSetDefaultLocale");
        defaultLocale = localeId;
    }

    @Override
    public void setDefaultChildListConfig(WdfChildListConfig config) {
        usable("WdfFdoInitSetDefaultChildListConfig");
        childListConfig = control || parent != null ? null : config;
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
        NtStatus refused = refusal(NameRule.DEVICE_NAME, "WdfDeviceInitAssignName", value);
        if (refused != null) {
            return refused;
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
        return "WDFDEVICE_INIT(" + (control ? "control device" : parent != null ? "child of " + parent : hardwareId) + ")";
    }
}
