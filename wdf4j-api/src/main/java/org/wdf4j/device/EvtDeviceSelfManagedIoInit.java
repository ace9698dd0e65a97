package org.wdf4j.device;

import org.wdf4j.NtStatus;

/**
 * {@code EVT_WDF_DEVICE_SELF_MANAGED_IO_INIT}: starts the I/O the driver manages itself (not through queues), at the
 * first start only, after the power-managed queues were started. A failure fails the start. Called at PASSIVE_LEVEL.
 */
@FunctionalInterface
public interface EvtDeviceSelfManagedIoInit {
    NtStatus selfManagedIoInit(WdfDevice device);
}
