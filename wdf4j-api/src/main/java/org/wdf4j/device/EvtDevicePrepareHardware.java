package org.wdf4j.device;

import org.wdf4j.NtStatus;

/**
 * {@code EVT_WDF_DEVICE_PREPARE_HARDWARE}: makes the device accessible to the driver; the first callback of a start, before D0 entry. A failure
 * fails the start: the framework then calls {@link EvtDeviceReleaseHardware} and reports the device failed.
 * Called at PASSIVE_LEVEL.
 */
@FunctionalInterface
public interface EvtDevicePrepareHardware {
    NtStatus prepareHardware(WdfDevice device);
}
