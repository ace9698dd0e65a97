package org.wdf4j.device;

import java.util.UUID;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.io.WdfIoReadiness;
import org.wdf4j.io.WdfIoTarget;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.spi.WdfFunctions;

/**
 * {@code WDFDEVICE}: a device object, always a child of the driver object (the attributes may not name a parent).
 *
 * <p>A PnP device is created in {@code EvtDriverDeviceAdd} and lives until the PnP manager removes it: the driver
 * cannot delete it (STATUS_CANNOT_DELETE). A control device is created by a non-PnP driver; the driver may delete it
 * at PASSIVE_LEVEL, and the framework deletes it after {@code EvtDriverUnload} if the driver did not (U7).
 *
 * <p>A device's execution level and synchronization scope (from its attributes, else inherited from the driver
 * object) are inherited by its queues, timers and work items. With scope DEVICE the framework serializes the I/O,
 * cancel and (with automatic serialization) timer callbacks of all its queues under one lock, the device's.
 */
public interface WdfDevice extends WdfObject {

    /**
     * {@code WdfDeviceCreate}: creates the device described by {@code deviceInit} (see {@link WdfDeviceInit} for when
     * the init is spent; a spent init is a bug check, WDF_INVALID_HANDLE). IRQL PASSIVE_LEVEL.
     *
     * @return the device; STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED when the attributes name a parent;
     *     STATUS_OBJECT_NAME_COLLISION when another device in the host has the assigned name;
     *     STATUS_INSUFFICIENT_RESOURCES
     */
    static NtResult<WdfDevice> create(WdfDeviceInit deviceInit, WdfObjectAttributes attributes) {
        return WdfFunctions.get().deviceCreate(deviceInit, attributes);
    }

    /** {@code WdfDeviceGetDriver}. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfDriver driver();

    /** {@code WdfDeviceGetDefaultQueue}: the default queue, or null when the driver made none. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfQueue defaultQueue();

    /**
     * {@code WdfDeviceConfigureRequestDispatching}: requests of {@code requestType} (READ, WRITE or DEVICE_CONTROL)
     * go to {@code queue} instead of the default queue. Such a queue cannot be deleted by the driver. IRQL
     * {@code <= DISPATCH_LEVEL}.
     *
     * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER for another request type, a queue of another device, or a
     *     type already configured
     */
    NtStatus configureRequestDispatching(WdfQueue queue, WdfRequestType requestType);

    /**
     * {@code WdfDeviceCreateDeviceInterface}: registers a device interface, the way clients find the device: the
     * interface class and an optional reference string (which the file object's {@link WdfFileObject#fileName()}
     * answers when a client opens through it). The interface is enabled when the device starts and disabled when it
     * stops or is removed. IRQL PASSIVE_LEVEL.
     *
     * @return STATUS_SUCCESS; STATUS_OBJECT_NAME_EXISTS when this class and reference string are already registered;
     *     STATUS_INVALID_DEVICE_REQUEST for a control device (which is opened by name)
     */
    NtStatus createDeviceInterface(UUID interfaceClassGuid, String referenceString);

    /**
     * {@code WdfDeviceSetDeviceInterfaceState}: enables or disables a registered interface; disabled, clients can no
     * longer open it (opens already made go on). IRQL PASSIVE_LEVEL.
     */
    void setDeviceInterfaceState(UUID interfaceClassGuid, String referenceString, boolean enabled);

    /**
     * {@code WdfControlFinishInitializing}: a control device is ready; until this call clients cannot open it.
     * IRQL {@code <= DISPATCH_LEVEL}. Calling it for a PnP device is a bug check.
     */
    void controlFinishInitializing();

    /** The name the device was given with {@link WdfDeviceInit#assignName}, or null. IRQL {@code <= DISPATCH_LEVEL}. */
    String name();

    /** The hardware ID the device was enumerated with, or null for a control device. IRQL {@code <= DISPATCH_LEVEL}. */
    String hardwareId();

    /** The current device power state (D0 while started). IRQL {@code <= DISPATCH_LEVEL}. */
    WdfPowerDeviceState devicePowerState();

    /**
     * {@code WdfObjectAcquireLock}: takes the lock under which the framework serializes this device's callbacks (its
     * synchronization scope), to touch state those callbacks share from other code (a work item, a thread). A
     * DISPATCH-level device's lock is taken at DISPATCH_LEVEL, as WDF's spin lock: the calling thread's level is raised
     * until {@link #releaseLock()}. Taking it again on the same thread (for example from one of the callbacks it
     * serializes) is a bug check (WDF_RECURSIVE_LOCK), as is releasing it without holding it. IRQL
     * {@code <= DISPATCH_LEVEL} (PASSIVE_LEVEL for a PASSIVE-level device).
     */
    void acquireLock();

    /** {@code WdfObjectReleaseLock}: releases the lock {@link #acquireLock()} took and restores the level. */
    void releaseLock();

    /**
     * Tells programs polling the device's files whether a read or write would complete now (see
     * {@link WdfIoReadiness}): for every open of the device that has no readiness of its own. A change that makes a
     * read or write possible wakes the programs waiting for it. Until called, the device is
     * {@link WdfIoReadiness#READ_WRITE}. A null readiness is a bug check. IRQL {@code <= DISPATCH_LEVEL}.
     */
    void setIoReadiness(WdfIoReadiness readiness);

    /** The readiness last set with {@link #setIoReadiness}. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfIoReadiness ioReadiness();

    /**
     * {@code WdfDeviceGetIoTarget}: the device's default (local) I/O target, the next lower device in its stack, where
     * a filter or function driver forwards requests; null for the bottom device of a stack (a PDO, or a device
     * with nothing below it) and for a control device. The framework opens and starts it; the driver may stop and start
     * it, but not close or delete it. IRQL {@code <= DISPATCH_LEVEL}.
     */
    WdfIoTarget ioTarget();

    /**
     * {@code WdfFdoAddStaticChild}: reports {@code child}, a PDO this bus driver created from a {@link WdfPdoInit} of
     * this device, as a child for as long as it is not {@link #markMissing() marked missing} or ejected (ST1). The PnP
     * manager enumerates it once this device has started (or at once, when it has).
     *
     * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER when {@code child} is not a PDO made for this device;
     *     STATUS_OBJECT_NAME_EXISTS when it was added already
     */
    NtStatus addStaticChild(WdfDevice child);

    /** {@code WdfFdoGetDefaultChildList}: the child list set up with {@link WdfDeviceInit#setDefaultChildListConfig}, or null. */
    WdfChildList defaultChildList();

    /** {@code WdfPdoGetParent}: for a PDO, the bus driver's device it is a child of; null for any other device. */
    WdfDevice parentDevice();

    /**
     * {@code WdfPdoMarkMissing}: the child (a static child, or a dynamic child's PDO) is gone without warning: the PnP
     * manager surprise-removes its stack, then removes it.
     *
     * @return STATUS_SUCCESS; STATUS_INVALID_DEVICE_REQUEST for a device that is not a PDO; STATUS_NO_SUCH_DEVICE when
     *     it is already missing
     */
    NtStatus markMissing();

    /**
     * {@code WdfPdoRequestEject}: asks the PnP manager to eject this PDO's device: its stack is removed in order (not
     * surprise-removed), then the child is gone. Ignored for a device that is not a PDO.
     */
    void requestEject();
}
