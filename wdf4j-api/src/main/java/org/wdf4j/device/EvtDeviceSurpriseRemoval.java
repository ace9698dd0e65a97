package org.wdf4j.device;

/**
 * {@code EVT_WDF_DEVICE_SURPRISE_REMOVAL}: the device is gone without warning (unplugged); the framework has not yet
 * stopped I/O or powered it down. Not synchronized with the power callbacks that follow. Called at PASSIVE_LEVEL.
 */
@FunctionalInterface
public interface EvtDeviceSurpriseRemoval {
    void surpriseRemoval(WdfDevice device);
}
