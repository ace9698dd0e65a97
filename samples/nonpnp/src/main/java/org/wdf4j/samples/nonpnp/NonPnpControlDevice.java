package org.wdf4j.samples.nonpnp;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfDeviceIoType;
import org.wdf4j.device.WdfFileObject;
import org.wdf4j.device.WdfFileObjectConfig;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.sync.WdfSpinLock;

/**
 * The nonpnp control device (Microsoft's {@code NonPnpDeviceAdd} and file callbacks): a device outside PnP, created
 * from a control device init, opened by name, with a file-object context per open.
 *
 * <p>Its queue is parallel and the driver sets no synchronization scope, so the I/O and file callbacks may run at the
 * same time on several threads; the device context is guarded by a framework spin lock, held only for short copies
 * (code holding it runs at DISPATCH_LEVEL and must not block).
 */
final class NonPnpControlDevice {

    /** The device's state, guarded by {@link #lock}. */
    static final class DeviceContext {
        /** Guards every other field; a child of the device. */
        WdfSpinLock lock;
        /** The data of the last write, shared by every open. */
        byte[] data = new byte[0];
        long reads;
        long writes;
        long opens;
        long closes;
    }

    /** Per open: who opened the device. */
    static final class FileContext {
        WdfRequestor requestor;
    }

    /** A snapshot of the device's counters, as {@code IOCTL_NONPNP_GET_STATS} returns them. */
    record Stats(long reads, long writes, long opens, long closes) {
    }

    static final ContextType<DeviceContext> DEVICE_CONTEXT = ContextType.declare(DeviceContext.class, DeviceContext::new);
    static final ContextType<FileContext> FILE_CONTEXT = ContextType.declare(FileContext.class, FileContext::new);

    private NonPnpControlDevice() {
    }

    /**
     * Sets up {@code deviceInit}, creates the control device, its lock and its default queue, and finishes its
     * initialization, after which clients can open it.
     *
     * <p>{@code WdfDevice.create} spends the init, successful or not. When the device is not created (the name is
     * refused, or the creation fails) the init is freed here, as {@code WdfDeviceInitFree} must be called for a
     * control device init that did not make a device. Failures after the device exists need no cleanup: the driver
     * fails to load and the framework deletes the device with the driver object.
     */
    static NtResult<WdfDevice> create(WdfDeviceInit deviceInit) {
        deviceInit.setIoType(WdfDeviceIoType.BUFFERED);
        deviceInit.setFileObjectConfig(
                WdfFileObjectConfig.init(NonPnpControlDevice::evtDeviceFileCreate, NonPnpControlDevice::evtFileClose,
                        null),
                WdfObjectAttributes.of(FILE_CONTEXT));
        NtStatus named = deviceInit.assignName(NonPnpDriver.DEVICE_NAME);
        if (!named.isSuccess()) {
            DbgPrint.print("NonPnp: WdfDeviceInitAssignName failed %s", named);
            deviceInit.free();
            return NtResult.failure(named);
        }

        NtResult<WdfDevice> created = WdfDevice.create(deviceInit, WdfObjectAttributes.of(DEVICE_CONTEXT));
        if (!created.isSuccess()) {
            DbgPrint.print("NonPnp: WdfDeviceCreate failed %s", created.status());
            deviceInit.free();
            return created;
        }
        WdfDevice device = created.value();

        NtResult<WdfSpinLock> lock = WdfSpinLock.create(WdfObjectAttributes.init().withParent(device));
        if (!lock.isSuccess()) {
            DbgPrint.print("NonPnp: WdfSpinLockCreate failed %s", lock.status());
            return NtResult.failure(lock.status());
        }
        DEVICE_CONTEXT.get(device).lock = lock.value();

        NtStatus status = NonPnpQueue.initialize(device);
        if (!status.isSuccess()) {
            return NtResult.failure(status);
        }

        // Until now clients could not open the device.
        device.controlFinishInitializing();
        return created;
    }

    /**
     * {@code EvtDeviceFileCreate}: a client opens the device. Records who opened it in the file object's context and
     * lets the open succeed.
     */
    static void evtDeviceFileCreate(WdfDevice device, WdfRequest request, WdfFileObject fileObject) {
        WdfRequestor requestor = fileObject.requestor();
        FILE_CONTEXT.get(fileObject).requestor = requestor;
        DeviceContext context = DEVICE_CONTEXT.get(device);
        context.lock.acquire();
        try {
            context.opens++;
        } finally {
            context.lock.release();
        }
        DbgPrint.print("NonPnp: EvtDeviceFileCreate by process %d (uid %d, gid %d)", requestor.processId(),
                requestor.userId(), requestor.groupId());
        request.complete(NtStatus.STATUS_SUCCESS);
    }

    /** {@code EvtFileClose}: every request of the open is done; the file object goes after this returns. */
    static void evtFileClose(WdfFileObject fileObject) {
        DeviceContext context = DEVICE_CONTEXT.get(fileObject.device());
        context.lock.acquire();
        try {
            context.closes++;
        } finally {
            context.lock.release();
        }
        DbgPrint.print("NonPnp: EvtFileClose of the open by process %d",
                FILE_CONTEXT.get(fileObject).requestor.processId());
    }

    /** A consistent snapshot of the device's counters. */
    static Stats stats(WdfDevice device) {
        DeviceContext context = DEVICE_CONTEXT.get(device);
        context.lock.acquire();
        try {
            return new Stats(context.reads, context.writes, context.opens, context.closes);
        } finally {
            context.lock.release();
        }
    }
}
