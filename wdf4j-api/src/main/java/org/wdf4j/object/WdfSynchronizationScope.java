package org.wdf4j.object;

/**
 * {@code WDF_SYNCHRONIZATION_SCOPE}: which object's lock the framework holds around an object's I/O,
 * cancel and (with automatic serialization) timer callbacks. Inherited driver, device, queue unless
 * set; the driver object's effective scope is {@link #NONE} unless the driver sets another.
 */
public enum WdfSynchronizationScope {
    /** Take the parent's effective scope (the default). */
    INHERIT_FROM_PARENT,
    /** One lock per device serializes the callbacks of the device and all its queues. */
    DEVICE,
    /** One lock per queue serializes that queue's callbacks. */
    QUEUE,
    /** No serialization by the framework. */
    NONE
}
