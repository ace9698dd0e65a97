package org.wdf4j.driver;

/**
 * The system's object for a loaded driver image (WDM's {@code DRIVER_OBJECT}), handed to
 * {@link DriverEntry}. A driver passes it on to {@link WdfDriver#create} and otherwise has little
 * use for it.
 */
public interface DriverObject {
    /** The name under which the host loaded the driver (its service name). */
    String driverName();
}
