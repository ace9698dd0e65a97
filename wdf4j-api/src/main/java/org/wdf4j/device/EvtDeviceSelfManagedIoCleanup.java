package org.wdf4j.device;

/**
 * {@code EVT_WDF_DEVICE_SELF_MANAGED_IO_CLEANUP}: frees what self-managed I/O allocated, the last PnP callback of a removal,
 * before the device object's cleanup. Called at PASSIVE_LEVEL.
 */
@FunctionalInterface
public interface EvtDeviceSelfManagedIoCleanup {
    void selfManagedIoCleanup(WdfDevice device);
}
