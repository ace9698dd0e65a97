package org.wdf4j.device;

import org.wdf4j.NtStatus;

/**
 * {@code EVT_WDF_DEVICE_D0_ENTRY}: the device enters its working state D0, coming from {@code previousState}
 * ({@link WdfPowerDeviceState#D3_FINAL} at a start, D3 at a resume). A failure fails the start or resume and the
 * device is reported failed. Called at PASSIVE_LEVEL.
 */
@FunctionalInterface
public interface EvtDeviceD0Entry {
    NtStatus d0Entry(WdfDevice device, WdfPowerDeviceState previousState);
}
