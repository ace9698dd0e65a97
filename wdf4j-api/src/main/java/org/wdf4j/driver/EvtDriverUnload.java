package org.wdf4j.driver;

/**
 * {@code EVT_WDF_DRIVER_UNLOAD}: called before the driver is unloaded, while the driver object and
 * all its children are still alive and usable. Release here the non-device-specific resources that
 * DriverEntry allocated.
 *
 * <p>Called once at most, at PASSIVE_LEVEL, on a framework thread that may block, with no framework
 * synchronization lock held. Never called when DriverEntry failed. After it returns the framework
 * cleans up and destroys the driver's object tree, children before parents, and releases the
 * driver's code. A non-PnP driver can be stopped only if it sets this callback.
 */
@FunctionalInterface
public interface EvtDriverUnload {
    void unload(WdfDriver driver);
}
