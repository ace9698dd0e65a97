package org.wdf4j.host.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.UUID;
import org.wdf4j.NtResult;
import org.wdf4j.io.WdfRequestor;

/**
 * The way in to devices, in the shape of Win32: find devices by interface class
 * ({@code SetupDiGetClassDevs}/{@code SetupDiEnumDeviceInterfaces}), open one by path ({@code CreateFile}), then
 * read, write, control and close through the {@link DeviceHandle}. Every other way in (the CLI, the FUSE reflector)
 * goes through this. Obtained from {@code DriverHost.client()}.
 *
 * <p>Paths: {@code \\.\Name} (or just {@code Name}) for a device given a name with {@code WdfDeviceInit.assignName}
 * (control devices); for a device interface, the path {@link #interfaces} answers, e.g.
 * {@code \\?\ROOT#ECHO#0000#{cdc35b6e-0be4-4936-bf5f-5537380a7c1a}} (with {@code \ReferenceString} when it has one).
 */
public interface IoClient {

    /** The enabled interfaces of that class, in the order the devices were added; each with its path. */
    List<DeviceInterface> interfaces(UUID interfaceClassGuid);

    /** {@code CreateFile} as the host's own process and user. */
    NtResult<DeviceHandle> open(String path);

    /**
     * {@code CreateFile} on behalf of {@code requestor} (the FUSE reflector opens for the calling program).
     *
     * @return the handle; STATUS_OBJECT_NAME_NOT_FOUND (no such device or interface, or it is disabled);
     *     STATUS_DELETE_PENDING (the device is being removed); STATUS_SHARING_VIOLATION (an exclusive device already
     *     open); STATUS_DEVICE_NOT_READY (a control device not finished initializing); or the status the driver's
     *     EvtDeviceFileCreate completed the create request with
     */
    NtResult<DeviceHandle> open(String path, WdfRequestor requestor);

    /**
     * {@code CreateFile} on behalf of {@code requestor}, without waiting: completes (never exceptionally) with what
     * {@link #open(String, WdfRequestor)} answers, however long the driver takes; if the caller gives up on it, it
     * must close the handle the future may still complete with ({@code thenAccept(r -> r.value().close())}).
     */
    CompletableFuture<NtResult<DeviceHandle>> openAsync(String path, WdfRequestor requestor);

    /**
     * Asks to be told when the driver host of a device fails (UMDF's {@code GUID_WUDF_DEVICE_HOST_PROBLEM}): its
     * requests were completed with STATUS_DRIVER_PROCESS_TERMINATED and its handles reach nothing; reopen it once it
     * is back (the driver is restarted when its restart policy allows). The listener runs on a host thread and must not
     * block. Closing the registration stops it.
     */
    AutoCloseable registerDeviceHostProblem(java.util.function.Consumer<DeviceHostProblem> listener);

    /**
     * A device whose driver host failed (H5).
     *
     * @param instanceId the device, e.g. {@code ROOT\ECHO\0000}
     * @param driver its driver
     * @param problem STATUS_DRIVER_PROCESS_TERMINATED
     * @param cause how the driver host ended, in words
     * @param interfaces the paths its interfaces had (now gone)
     */
    record DeviceHostProblem(String instanceId, String driver, org.wdf4j.NtStatus problem, String cause,
                             List<String> interfaces) {
    }

    /** A device interface: its class, reference string, path, and the device instance it belongs to. */
    record DeviceInterface(UUID interfaceClassGuid, String referenceString, String path, String instanceId) {
    }
}
