package org.wdf4j.device;

/**
 * {@code WDFDEVICE_INIT}: what a driver sets up before creating a device (PnP and power callbacks,
 * file-object callbacks, I/O type). The PnP manager and devices arrive with issue #4; until then
 * the framework never calls {@code EvtDriverDeviceAdd}.
 */
public interface WdfDeviceInit {
}
