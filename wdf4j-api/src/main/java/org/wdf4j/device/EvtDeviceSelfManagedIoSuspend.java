package org.wdf4j.device;

import org.wdf4j.NtStatus;

/**
 * {@code EVT_WDF_DEVICE_SELF_MANAGED_IO_SUSPEND}: suspends self-managed I/O before the device leaves D0 (sleep, removal),
 * after the power-managed queues were stopped. A failure is reported and the transition goes on. Called at
 * PASSIVE_LEVEL.
 */
@FunctionalInterface
public interface EvtDeviceSelfManagedIoSuspend {
    NtStatus selfManagedIoSuspend(WdfDevice device);
}
