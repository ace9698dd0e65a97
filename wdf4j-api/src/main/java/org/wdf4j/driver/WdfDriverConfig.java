package org.wdf4j.driver;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code WDF_DRIVER_CONFIG}: the driver-wide callbacks and flags given to {@link WdfDriver#create}.
 *
 * <p>Defaults ({@link #init(EvtDriverDeviceAdd)}, {@code WDF_DRIVER_CONFIG_INIT}): no unload
 * callback, no flags, pool tag 0 (the framework then derives one from the driver's name).
 *
 * <pre>{@code
 * WdfDriverConfig config = WdfDriverConfig.init(null)        // a non-PnP driver has no DeviceAdd
 *         .withFlags(WdfDriverInitFlag.NON_PNP_DRIVER)
 *         .withUnload(MyDriver::evtDriverUnload);
 * }</pre>
 *
 * @param evtDriverDeviceAdd the PnP add-device callback, or null
 * @param evtDriverUnload the unload callback, or null (the default)
 * @param driverInitFlags the flags, never null (a copy is kept)
 * @param driverPoolTag the pool tag; 0 lets the framework derive one from the name
 */
public record WdfDriverConfig(
        EvtDriverDeviceAdd evtDriverDeviceAdd,
        EvtDriverUnload evtDriverUnload,
        Set<WdfDriverInitFlag> driverInitFlags,
        int driverPoolTag) {

    public WdfDriverConfig {
        driverInitFlags = driverInitFlags == null || driverInitFlags.isEmpty()
                ? Set.of() : Set.copyOf(EnumSet.copyOf(driverInitFlags));
    }

    /** {@code WDF_DRIVER_CONFIG_INIT(&config, evtDriverDeviceAdd)}. */
    public static WdfDriverConfig init(EvtDriverDeviceAdd evtDriverDeviceAdd) {
        return new WdfDriverConfig(evtDriverDeviceAdd, null, Set.of(), 0);
    }

    public WdfDriverConfig withUnload(EvtDriverUnload callback) {
        return new WdfDriverConfig(evtDriverDeviceAdd, callback, driverInitFlags, driverPoolTag);
    }

    public WdfDriverConfig withDeviceAdd(EvtDriverDeviceAdd callback) {
        return new WdfDriverConfig(callback, evtDriverUnload, driverInitFlags, driverPoolTag);
    }

    public WdfDriverConfig withFlags(WdfDriverInitFlag... flags) {
        EnumSet<WdfDriverInitFlag> set = EnumSet.noneOf(WdfDriverInitFlag.class);
        set.addAll(driverInitFlags);
        set.addAll(java.util.List.of(flags));
        return new WdfDriverConfig(evtDriverDeviceAdd, evtDriverUnload, set, driverPoolTag);
    }

    public WdfDriverConfig withPoolTag(int tag) {
        return new WdfDriverConfig(evtDriverDeviceAdd, evtDriverUnload, driverInitFlags, tag);
    }

    /** True when {@link WdfDriverInitFlag#NON_PNP_DRIVER} is set. */
    public boolean isNonPnp() {
        return driverInitFlags.contains(WdfDriverInitFlag.NON_PNP_DRIVER);
    }
}
