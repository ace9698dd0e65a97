package org.wdf4j.device;

import org.wdf4j.io.WdfRequest;

/**
 * {@code EVT_WDF_DEVICE_FILE_CREATE}: a client opens the device. The driver completes {@code request} (success lets the open succeed, a
 * failure fails it), now or later. {@code fileObject} names the open and carries the requestor's identity. Called at
 * PASSIVE_LEVEL unless the device's execution level is DISPATCH.
 */
@FunctionalInterface
public interface EvtDeviceFileCreate {
    void fileCreate(WdfDevice device, WdfRequest request, WdfFileObject fileObject);
}
