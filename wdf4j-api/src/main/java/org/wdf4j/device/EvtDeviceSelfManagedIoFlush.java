package org.wdf4j.device;

/**
 * {@code EVT_WDF_DEVICE_SELF_MANAGED_IO_FLUSH}: flushes (completes) the requests of self-managed I/O after the device was
 * removed, after {@link EvtDeviceReleaseHardware}. Called at PASSIVE_LEVEL.
 */
@FunctionalInterface
public interface EvtDeviceSelfManagedIoFlush {
    void selfManagedIoFlush(WdfDevice device);
}
