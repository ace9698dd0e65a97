package org.wdf4j.device;

import org.wdf4j.object.WdfObject;

/**
 * {@code WDFDEVICE}: a device object, always a child of the driver object. The device API arrives
 * with issue #4.
 */
public interface WdfDevice extends WdfObject {
}
