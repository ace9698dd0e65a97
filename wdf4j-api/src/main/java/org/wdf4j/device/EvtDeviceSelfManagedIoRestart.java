package org.wdf4j.device;

import org.wdf4j.NtStatus;

/**
 * {@code EVT_WDF_DEVICE_SELF_MANAGED_IO_RESTART}: restarts self-managed I/O after a resume from sleep, after the
 * power-managed queues were restarted. A failure fails the device. Called at PASSIVE_LEVEL.
 */
@FunctionalInterface
public interface EvtDeviceSelfManagedIoRestart {
    NtStatus selfManagedIoRestart(WdfDevice device);
}
