package org.wdf4j.framework;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.wdf4j.NtResult;
import org.wdf4j.io.WdfRequestor;

/**
 * A device as the host and its clients reach it, wherever its driver runs: {@link FxDevice} itself when the driver
 * runs in the host's process, or the host's proxy of a device in a driver host process. Everything the PnP manager,
 * the device namespace, the client API and the device files do with a device goes through this; nothing else of the
 * device is visible to them.
 */
public interface FxDeviceEndpoint {

    /** The driver's name. */
    String driverName();

    /** The PnP manager's instance ID (e.g. {@code ROOT\ECHO\0000}); null for a control device. */
    String instanceId();

    /** The security descriptor the driver gave, or null. */
    String sddl();

    /** Whether this is a control device (outside PnP, opened by its name). */
    boolean isControl();

    /** The name the driver assigned ({@code WdfDeviceInitAssignName}), or null. */
    String assignedName();

    /** Whether a control device finished initializing. */
    boolean isControlReady();

    /** Where the device stands in the PnP state machine; REMOVED once it is deleted. */
    FxPnpMachine.State pnpState();

    /** The device's interfaces, in the order the driver registered them. */
    List<FxDevice.DeviceInterface> interfaces();

    /** Runs a PnP or power event and waits for it (bounded: a driver that does not return is reported as hung). */
    FxDevice.PnpOutcome pnp(FxPnpMachine.Event event);

    /**
     * {@code CreateFile} on this device: completes with the open, or with the status that failed it; never
     * exceptionally.
     */
    CompletableFuture<? extends NtResult<? extends FxFileEndpoint>> open(WdfRequestor requestor, String fileName);

    /**
     * Calls {@code listener} whenever the driver sets a device readiness that makes a read or write possible. It
     * must not block.
     */
    void addReadinessListener(Runnable listener);

    void removeReadinessListener(Runnable listener);

    /**
     * IRP_MN_QUERY_DEVICE_RELATIONS for BusRelations (ST1): the children this bus device reports present, their PDOs
     * made first where needed; empty for a device that is not a bus; null when the driver could not answer (hung, or
     * its process ended), which changes nothing.
     */
    default List<FxChildDescription> busRelations() {
        return List.of();
    }
}
