package org.wdf4j.framework;

import org.wdf4j.driver.DriverObject;

/** The system's object for a loaded driver, handed to DriverEntry; it binds the call to the driver's globals. */
final class FxDriverObject implements DriverObject {

    final FxDriverGlobals globals;

    FxDriverObject(FxDriverGlobals globals) {
        this.globals = globals;
    }

    @Override
    public String driverName() {
        return globals.name();
    }

    @Override
    public String toString() {
        return "DRIVER_OBJECT " + globals.name();
    }
}
