package org.wdf4j.device;

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
}
