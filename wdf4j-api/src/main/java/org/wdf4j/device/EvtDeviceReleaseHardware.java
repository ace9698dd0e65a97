package org.wdf4j.device;

import org.wdf4j.NtStatus;

/**
 * {@code EVT_WDF_DEVICE_RELEASE_HARDWARE}: undoes {@link EvtDevicePrepareHardware}; called after the device left D0 for good (orderly or surprise
 * removal), and after a failed start whenever PrepareHardware was called. A failure is reported and the removal
 * goes on. Called at PASSIVE_LEVEL.
 */
@FunctionalInterface
public interface EvtDeviceReleaseHardware {
    NtStatus releaseHardware(WdfDevice device);
}
