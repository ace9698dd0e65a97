package org.wdf4j.driver;

/** {@code WDF_DRIVER_INIT_FLAGS}. */
public enum WdfDriverInitFlag {
    /** {@code WdfDriverInitNonPnpDriver}: a driver with control devices only; it must set EvtDriverUnload to be stoppable. */
    NON_PNP_DRIVER,
    /** {@code WdfDriverInitNoDispatchOverride}: the framework does not route I/O to this driver. */
    NO_DISPATCH_OVERRIDE
}
