package org.wdf4j.object;

/**
 * {@code WDF_EXECUTION_LEVEL}: the highest IRQL at which the framework calls an object's callbacks.
 * Inherited driver, device, queue unless set. The driver object's effective level is
 * {@link #DISPATCH} unless the driver sets {@link #PASSIVE}.
 */
public enum WdfExecutionLevel {
    /** Take the parent's effective level (the default). */
    INHERIT_FROM_PARENT,
    /** Callbacks are called only at PASSIVE_LEVEL, deferred to a passive framework thread if need be. */
    PASSIVE,
    /** Callbacks may be called at up to DISPATCH_LEVEL. */
    DISPATCH
}
