package org.wdf4j.framework;

import java.util.Objects;

/**
 * One child a bus device reports to the PnP manager when asked for its bus relations
 * ({@link FxDeviceEndpoint#busRelations()}, IRP_MN_QUERY_DEVICE_RELATIONS/BusRelations): its PDO, what the bus driver
 * said of it, and whether the bus driver asked to eject it. A child not reported is missing. Immutable.
 *
 * @param pdo the child's physical device object, a device of the bus driver
 * @param ids its IDs and device text
 * @param ejectRequested {@code WdfPdoRequestEject} or {@code WdfChildListRequestChildEject}: remove its stack in order,
 *     then it is gone
 */
public record FxChildDescription(FxDeviceEndpoint pdo, FxChildIds ids, boolean ejectRequested) {

    public FxChildDescription {
        Objects.requireNonNull(pdo, "pdo");
        Objects.requireNonNull(ids, "ids");
    }
}
