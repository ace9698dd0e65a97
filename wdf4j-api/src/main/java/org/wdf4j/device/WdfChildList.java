package org.wdf4j.device;

import org.wdf4j.NtStatus;

/**
 * {@code WDFCHILDLIST}: a bus driver's list of dynamically enumerated children (ST1), each known by its identification
 * description. The driver reports children present or missing; the framework tells the PnP manager, which asks for the
 * bus's children, has the framework create the PDO of each new one ({@link EvtChildListCreateDevice}), matches and
 * starts a function driver for it, and surprise-removes a child reported missing (ST4).
 *
 * <p>A scan ({@link #beginScan}, reports, {@link #endScan}) replaces the list: a child not reported present during the
 * scan is missing at its end. Outside a scan each report takes effect at once. Reports may be made at IRQL
 * {@code <= DISPATCH_LEVEL}; {@link #retrievePdo} too.
 */
public interface WdfChildList {

    /** {@code WdfChildListGetDevice}: the bus driver's device the list belongs to. */
    WdfDevice device();

    /** {@code WdfChildListBeginScan}: every child not reported present before {@link #endScan} will be missing. */
    void beginScan();

    /** {@code WdfChildListEndScan}: ends the scan and tells the PnP manager what changed. */
    void endScan();

    /**
     * {@code WdfChildListAddOrUpdateChildDescriptionAsPresent}.
     *
     * @return STATUS_SUCCESS for a new child; STATUS_OBJECT_NAME_EXISTS when it was present already (nothing changes);
     *     STATUS_INVALID_PARAMETER for a null description
     */
    NtStatus addOrUpdateChildDescriptionAsPresent(Object identificationDescription);

    /**
     * {@code WdfChildListUpdateChildDescriptionAsMissing}: the child is gone (unplugged): its device is surprise-removed.
     *
     * @return STATUS_SUCCESS; STATUS_NO_SUCH_DEVICE when no such child is present
     */
    NtStatus updateChildDescriptionAsMissing(Object identificationDescription);

    /**
     * {@code WdfChildListRetrievePdo}: the child's device once the framework made it, else null (not made yet, or no
     * such child).
     */
    WdfDevice retrievePdo(Object identificationDescription);

    /**
     * {@code WdfChildListRequestChildEject}: asks the PnP manager to eject the child: its stack is removed in order
     * (not surprise-removed), then the child leaves the list.
     *
     * @return false when no such child is present
     */
    boolean requestChildEject(Object identificationDescription);
}
