package org.wdf4j.device;

import org.wdf4j.NtStatus;

/**
 * {@code EVT_WDF_DEVICE_D0_EXIT}: the device leaves D0 for {@code targetState} (D3 to sleep, {@link WdfPowerDeviceState#D3_FINAL} to
 * be removed or stopped); I/O in power-managed queues is already stopped. A failure is reported and the transition
 * goes on. Called at PASSIVE_LEVEL.
 */
@FunctionalInterface
public interface EvtDeviceD0Exit {
    NtStatus d0Exit(WdfDevice device, WdfPowerDeviceState targetState);
}
