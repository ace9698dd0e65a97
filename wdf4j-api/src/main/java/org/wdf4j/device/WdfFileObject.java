package org.wdf4j.device;

import org.wdf4j.io.WdfIoReadiness;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfObject;

/**
 * {@code WDFFILEOBJECT}: one open of a device by a client. Made by the framework when a client opens the device and
 * deleted after {@link EvtFileClose}; the driver cannot delete it (STATUS_CANNOT_DELETE). A child of the device.
 */
public interface WdfFileObject extends WdfObject {

    /** {@code WdfFileObjectGetDevice}. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfDevice device();

    /**
     * {@code WdfFileObjectGetFileName}: what the client named after the device's name or interface (the reference
     * string, or the rest of the path), empty when nothing. IRQL PASSIVE_LEVEL.
     */
    String fileName();

    /** Who opened the device: process, user and group. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfRequestor requestor();

    /**
     * This open's own readiness for programs polling it (see {@link WdfIoReadiness}), which from now on wins over the
     * device's ({@code WdfDevice.setIoReadiness}). Null goes back to following the device's. A change that makes a read
     * or write possible wakes the program waiting for it. IRQL {@code <= DISPATCH_LEVEL}.
     */
    void setIoReadiness(WdfIoReadiness readiness);

    /**
     * What a program polling this open is told: its own readiness if set, else the device's. IRQL
     * {@code <= DISPATCH_LEVEL}.
     */
    WdfIoReadiness ioReadiness();
}
