package org.wdf4j.framework;

import java.util.UUID;

/**
 * What the host learns from a driver's devices (in its own process, or from a driver host process): names to keep
 * unique, interfaces appearing and going, control devices becoming ready, devices deleted. Called on framework threads;
 * implementations must be quick and must not call back into the device synchronously.
 */
public interface FxDeviceListener {

    /** Claims {@code name} for {@code device}; false when another device has it (WdfDeviceCreate fails). */
    boolean claimName(String name, FxDeviceEndpoint device);

    void releaseName(String name, FxDeviceEndpoint device);

    /** A device interface was enabled or disabled. */
    void interfaceStateChanged(FxDeviceEndpoint device, UUID interfaceClassGuid, String referenceString, boolean enabled);

    /** A control device finished initializing ({@code WdfControlFinishInitializing}): clients may open it by name. */
    void controlDeviceReady(FxDeviceEndpoint device);

    /** The device object was deleted (removed, or deleted with its driver). */
    void deviceDeleted(FxDeviceEndpoint device);

    /**
     * A bus device's children changed (IoInvalidateDeviceRelations, ST1): the host asks it for its
     * {@link FxDeviceEndpoint#busRelations()} soon, on another thread.
     */
    default void busRelationsChanged(FxDeviceEndpoint bus) {
    }

    /** A listener for drivers run without a host: names are unique within the driver only. */
    static FxDeviceListener standalone() {
        java.util.Map<String, FxDeviceEndpoint> names = new java.util.concurrent.ConcurrentHashMap<>();
        return new FxDeviceListener() {
            @Override
            public boolean claimName(String name, FxDeviceEndpoint device) {
                return names.putIfAbsent(name, device) == null;
            }

            @Override
            public void releaseName(String name, FxDeviceEndpoint device) {
                names.remove(name, device);
            }

            @Override
            public void interfaceStateChanged(FxDeviceEndpoint device, UUID guid, String ref, boolean enabled) {
            }

            @Override
            public void controlDeviceReady(FxDeviceEndpoint device) {
            }

            @Override
            public void deviceDeleted(FxDeviceEndpoint device) {
            }
        };
    }
}
