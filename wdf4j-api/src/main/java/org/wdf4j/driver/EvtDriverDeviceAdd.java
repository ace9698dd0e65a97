package org.wdf4j.driver;

import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDeviceInit;

/**
 * {@code EVT_WDF_DRIVER_DEVICE_ADD}: the PnP manager found a device this driver binds to; the
 * driver fills in {@code deviceInit} and creates its device. Called at PASSIVE_LEVEL.
 */
@FunctionalInterface
public interface EvtDriverDeviceAdd {
    NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit deviceInit);
}
