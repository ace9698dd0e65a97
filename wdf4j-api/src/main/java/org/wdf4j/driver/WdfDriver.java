package org.wdf4j.driver;

import org.wdf4j.NtResult;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.registry.WdfKey;
import org.wdf4j.registry.WdfKeyAccess;
import org.wdf4j.spi.WdfFunctions;

/**
 * The framework driver object ({@code WDFDRIVER}): the root of the driver's object tree.
 *
 * <p>A driver creates it once, in {@link DriverEntry}, with {@link #create}. It cannot be deleted
 * by the driver ({@link #delete()} answers STATUS_CANNOT_DELETE); the framework deletes it at
 * unload, after {@link EvtDriverUnload}.
 */
public interface WdfDriver extends WdfObject {

    /**
     * {@code WdfDriverCreate}. Callable at PASSIVE_LEVEL only.
     *
     * <p>Checks, in order: a null driver object, registry path or config is a bug check
     * (WDF_REQUIRED_PARAMETER_IS_NULL); a call above PASSIVE_LEVEL answers
     * STATUS_INVALID_DEVICE_REQUEST (a bug check with the verifier on); a second successful call
     * for the same driver answers STATUS_DRIVER_INTERNAL_ERROR and leaves the first driver object
     * as it was; NON_PNP_DRIVER together with a DeviceAdd callback answers
     * STATUS_INVALID_PARAMETER; attributes naming a parent answer
     * STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED. When it fails, none of the callbacks given to it
     * is ever called and the driver may call it again.
     *
     * @param attributes the driver object's attributes (context, cleanup, destroy, levels); use
     *     {@link WdfObjectAttributes#NONE} for none
     */
    static NtResult<WdfDriver> create(DriverObject driverObject, String registryPath,
                                      WdfObjectAttributes attributes, WdfDriverConfig config) {
        return WdfFunctions.get().driverCreate(driverObject, registryPath, attributes, config);
    }

    /**
     * {@code WdfGetDriver}: the calling driver's own driver object, or null when it has not created
     * one yet. Callable at any IRQL.
     */
    static WdfDriver get() {
        return WdfFunctions.get().driverGet(WdfFunctions.CALLER.getCallerClass());
    }

    /** {@code WdfDriverGetRegistryPath}: the registry path DriverEntry received. Callable at PASSIVE_LEVEL only. */
    String registryPath();

    /** The driver's name: the last component of its registry path. */
    String driverName();

    /** The pool tag: the configured one, or the one derived from the name. */
    int poolTag();

    /** The configuration given to {@link #create}. */
    WdfDriverConfig config();

    /** {@code WdfDriverWdmGetDriverObject}. */
    DriverObject wdmDriverObject();

    /**
     * {@code WdfDriverOpenParametersRegistryKey}: opens the driver's Parameters key, its persistent
     * configuration (a value store per driver, kept by the host across restarts). Callable at
     * PASSIVE_LEVEL only.
     *
     * <p>The key is a framework object ({@code WDFKEY}); its parent is the driver object unless the
     * attributes name another, so it is closed with the driver at the latest. Close it with
     * {@link WdfKey#close()} ({@code WdfRegistryClose}) when done.
     *
     * @param access what the key may be used for: {@link WdfKeyAccess#KEY_READ} refuses assignments,
     *     {@link WdfKeyAccess#KEY_WRITE} refuses queries, with STATUS_ACCESS_DENIED
     * @param attributes the key object's attributes (parent, callbacks, context); use
     *     {@link WdfObjectAttributes#NONE} for none
     * @return the key, or STATUS_INSUFFICIENT_RESOURCES (allocation failed or injected by the
     *     verifier), STATUS_DELETE_PENDING (the parent is being deleted)
     */
    NtResult<WdfKey> openParametersRegistryKey(WdfKeyAccess access, WdfObjectAttributes attributes);

    /** {@link #openParametersRegistryKey(WdfKeyAccess, WdfObjectAttributes)} with {@link WdfKeyAccess#KEY_ALL_ACCESS}. */
    default NtResult<WdfKey> openParametersRegistryKey(WdfObjectAttributes attributes) {
        return openParametersRegistryKey(WdfKeyAccess.KEY_ALL_ACCESS, attributes);
    }
}
