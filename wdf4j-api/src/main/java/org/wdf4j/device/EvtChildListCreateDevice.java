package org.wdf4j.device;

import org.wdf4j.NtStatus;

/**
 * {@code EVT_WDF_CHILD_LIST_CREATE_DEVICE}: the PnP manager asked for the children of a bus and a child reported present
 * has no device yet: the bus driver fills in {@code childInit} (IDs, device text, the PDO's PnP and power callbacks,
 * which run in the bus driver) and creates the PDO with {@link WdfDevice#create}. Called at PASSIVE_LEVEL, on the bus
 * driver's passive thread.
 *
 * @param identificationDescription the description the driver reported present (its own record: the framework
 *     compares descriptions with {@code equals})
 * @return STATUS_SUCCESS after creating the device; any failure leaves the child without a device, and the framework
 *     forgets the description (as KMDF does)
 */
@FunctionalInterface
public interface EvtChildListCreateDevice {
    NtStatus createDevice(WdfChildList childList, Object identificationDescription, WdfPdoInit childInit);
}
