package org.wdf4j.framework;

import java.util.List;
import java.util.Objects;

/**
 * What a bus driver said of a child with the {@code WdfPdoInit*} calls (ST1): the PnP manager names the child's node
 * {@link #instancePath()} and matches its driver by its hardware IDs, then compatible IDs. Immutable.
 *
 * @param deviceId {@code WdfPdoInitAssignDeviceID}
 * @param instanceId {@code WdfPdoInitAssignInstanceID}, or null (then {@code 0000})
 * @param hardwareIds most specific first; at least one
 * @param compatibleIds most specific first
 * @param description the default locale's device description, or null
 * @param location the default locale's device location, or null
 */
public record FxChildIds(String deviceId, String instanceId, List<String> hardwareIds, List<String> compatibleIds,
                         String description, String location) {

    public FxChildIds {
        Objects.requireNonNull(deviceId, "deviceId");
        hardwareIds = List.copyOf(hardwareIds);
        compatibleIds = List.copyOf(compatibleIds);
    }

    /** The child's device instance path, {@code DEVICEID\INSTANCEID}, e.g. {@code {b85b...}\MsToaster\01}. */
    public String instancePath() {
        return deviceId + "\\" + (instanceId == null ? "0000" : instanceId);
    }
}
