package org.wdf4j.device;

/** {@code WDF_POWER_DEVICE_STATE}: the device power states the power callbacks name. */
public enum WdfPowerDeviceState {
    /** Working. */
    D0,
    D1,
    D2,
    /** Off, and coming back: the system sleeps. */
    D3,
    /** Off for good: the device is being removed or stopped, or (as a previous state) starting for the first time. */
    D3_FINAL
}
