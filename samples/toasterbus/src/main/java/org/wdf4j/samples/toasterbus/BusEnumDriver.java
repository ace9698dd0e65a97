package org.wdf4j.samples.toasterbus;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfChildList;
import org.wdf4j.device.WdfChildListConfig;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfPdoInit;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.io.CtlCode;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * The toaster bus driver, after Microsoft's {@code toaster\bus} (busenum) sample: its device has the interface
 * {@link #GUID_DEVINTERFACE_BUSENUM_TOASTER} and answers three I/O controls, each with a little-endian 32-bit serial
 * number first:
 * <ul>
 *   <li>{@link #IOCTL_BUSENUM_PLUGIN_HARDWARE}: serial number, then the child's hardware ID in UTF-8 (empty: the
 *       toaster's, {@link #TOASTER_HARDWARE_ID}); the child is reported present in the default child list. Serial 0 or
 *       one plugged in already: STATUS_INVALID_PARAMETER.</li>
 *   <li>{@link #IOCTL_BUSENUM_UNPLUG_HARDWARE}: the child is reported missing (surprise removal); serial 0 unplugs
 *       every child. None such: STATUS_INVALID_PARAMETER.</li>
 *   <li>{@link #IOCTL_BUSENUM_EJECT_HARDWARE}: the child is ejected (removed in order). None such:
 *       STATUS_INVALID_PARAMETER.</li>
 * </ul>
 * Each child is {@code {b85b7c50-6a01-11d2-b841-00c04fad5171}\MsToaster\NN} (NN the serial number), with the plugged
 * hardware ID and the compatible ID {@code {b85b7c50-6a01-11d2-b841-00c04fad5171}\MsCompatibleToaster}; its PDO's PnP
 * callbacks run here and print {@code PNP busenum:NN CALLBACK NANOTIME}, the bus's own {@code PNP busenum ...}.
 *
 * <p>A bus added as {@code ROOT\STATICBUS} enumerates two static toasters, serial numbers 1 and 2
 * ({@code WdfFdoAddStaticChild}), as busenum does with its DefaultNumberOfToasters setting; it has no child list, and its
 * unplug control marks a static child missing ({@code WdfPdoMarkMissing}) and eject asks for its eject.
 */
public final class BusEnumDriver implements DriverEntry {

    /** {@code GUID_DEVINTERFACE_BUSENUM_TOASTER} of Microsoft's sample: the enum tool opens the bus by it. */
    public static final UUID GUID_DEVINTERFACE_BUSENUM_TOASTER = UUID.fromString("d35f7840-6a0c-11d2-b841-00c04fad5171");
    public static final String TOASTER_HARDWARE_ID = "{b85b7c50-6a01-11d2-b841-00c04fad5171}\\MsToaster";
    public static final String TOASTER_COMPATIBLE_ID = "{b85b7c50-6a01-11d2-b841-00c04fad5171}\\MsCompatibleToaster";
    public static final String STATIC_BUS = "ROOT\\STATICBUS";
    /** {@code FILE_DEVICE_BUS_EXTENDER}, busenum's device type. */
    static final int FILE_DEVICE_BUS_EXTENDER = 0x2a;
    public static final int IOCTL_BUSENUM_PLUGIN_HARDWARE = CtlCode.of(FILE_DEVICE_BUS_EXTENDER, 0x0,
            CtlCode.METHOD_BUFFERED, CtlCode.FILE_READ_DATA);
    public static final int IOCTL_BUSENUM_UNPLUG_HARDWARE = CtlCode.of(FILE_DEVICE_BUS_EXTENDER, 0x1,
            CtlCode.METHOD_BUFFERED, CtlCode.FILE_READ_DATA);
    public static final int IOCTL_BUSENUM_EJECT_HARDWARE = CtlCode.of(FILE_DEVICE_BUS_EXTENDER, 0x2,
            CtlCode.METHOD_BUFFERED, CtlCode.FILE_READ_DATA);

    /** A child's identification description: its serial number (what busenum compares). */
    record ToasterId(int serialNo) {
    }

    /** The bus's state: the hardware ID each plugged-in serial number was given, and its static children. */
    static final class BusContext {
        final Map<Integer, String> hardwareIds = new ConcurrentHashMap<>();
        final Map<Integer, WdfDevice> staticChildren = new ConcurrentHashMap<>();
    }

    static final ContextType<BusContext> CONTEXT = ContextType.declare(BusContext.class, BusContext::new);

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(BusEnumDriver::evtDeviceAdd)).status();
    }

    static NtStatus evtDeviceAdd(WdfDriver driver, WdfDeviceInit init) {
        boolean dynamic = !STATIC_BUS.equalsIgnoreCase(init.hardwareId());
        if (dynamic) {
            init.setDefaultChildListConfig(WdfChildListConfig.init(BusEnumDriver::createChild));
        }
        init.setPnpPowerEventCallbacks(tracing("busenum"));
        NtResult<WdfDevice> created = WdfDevice.create(init, WdfObjectAttributes.of(CONTEXT));
        if (!created.isSuccess()) {
            return created.status();
        }
        WdfDevice bus = created.value();
        NtStatus status = bus.createDeviceInterface(GUID_DEVINTERFACE_BUSENUM_TOASTER, null);
        if (!status.isSuccess()) {
            return status;
        }
        status = WdfQueue.create(bus, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL)
                .withIoDeviceControl(BusEnumDriver::control), WdfObjectAttributes.NONE).status();
        if (!status.isSuccess() || dynamic) {
            return status;
        }
        for (int serialNo = 1; serialNo <= 2; serialNo++) {
            NtResult<WdfPdoInit> pdoInit = WdfPdoInit.allocate(bus);
            if (!pdoInit.isSuccess()) {
                return pdoInit.status();
            }
            NtResult<WdfDevice> pdo = createPdo(pdoInit.value(), serialNo, TOASTER_HARDWARE_ID);
            if (!pdo.isSuccess()) {
                return pdo.status();
            }
            CONTEXT.get(bus).staticChildren.put(serialNo, pdo.value());
            bus.addStaticChild(pdo.value());
        }
        return NtStatus.STATUS_SUCCESS;
    }

    /** EvtChildListCreateDevice: the PDO of a plugged-in toaster. */
    private static NtStatus createChild(WdfChildList list, Object description, WdfPdoInit init) {
        int serialNo = ((ToasterId) description).serialNo();
        String hardwareId = CONTEXT.get(list.device()).hardwareIds.getOrDefault(serialNo, TOASTER_HARDWARE_ID);
        return createPdo(init, serialNo, hardwareId).status();
    }

    private static NtResult<WdfDevice> createPdo(WdfPdoInit init, int serialNo, String hardwareId) {
        String nn = String.format("%02d", serialNo);
        for (NtStatus s : new NtStatus[] {init.assignDeviceId(TOASTER_HARDWARE_ID), init.assignInstanceId(nn),
                init.addHardwareId(hardwareId), init.addCompatibleId(TOASTER_COMPATIBLE_ID),
                init.addDeviceText("Microsoft_Eliyas_Toaster_" + nn, "Toaster Bus 0", 0x409)}) {
            if (!s.isSuccess()) {
                return NtResult.failure(s);
            }
        }
        init.setDefaultLocale(0x409);
        init.setPnpPowerEventCallbacks(tracing("busenum:" + nn));
        return WdfDevice.create(init, WdfObjectAttributes.NONE);
    }

    private static void control(WdfQueue queue, WdfRequest request, long outputLength, long inputLength, int code) {
        NtResult<ByteBuffer> in = request.retrieveInputBuffer(4);
        if (!in.isSuccess()) {
            request.complete(in.status());
            return;
        }
        ByteBuffer input = in.value().order(ByteOrder.LITTLE_ENDIAN);
        int serialNo = input.getInt();
        WdfDevice bus = queue.device();
        BusContext bc = CONTEXT.get(bus);
        WdfChildList list = bus.defaultChildList();
        NtStatus status;
        if (code == IOCTL_BUSENUM_PLUGIN_HARDWARE) {
            byte[] id = new byte[input.remaining()];
            input.get(id);
            String hardwareId = id.length == 0 ? TOASTER_HARDWARE_ID : new String(id, StandardCharsets.UTF_8);
            status = plugIn(bc, list, serialNo, hardwareId);
        } else if (code == IOCTL_BUSENUM_UNPLUG_HARDWARE) {
            status = unplug(bc, list, serialNo);
        } else if (code == IOCTL_BUSENUM_EJECT_HARDWARE) {
            status = eject(bc, list, serialNo);
        } else {
            status = NtStatus.STATUS_INVALID_DEVICE_REQUEST;
        }
        DbgPrint.print("busenum: control 0x%x serial %d: %s", code, serialNo, status);
        request.complete(status);
    }

    private static NtStatus plugIn(BusContext bc, WdfChildList list, int serialNo, String hardwareId) {
        if (list == null || serialNo <= 0) {
            return list == null ? NtStatus.STATUS_INVALID_DEVICE_REQUEST : NtStatus.STATUS_INVALID_PARAMETER;
        }
        if (bc.hardwareIds.putIfAbsent(serialNo, hardwareId) != null) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        NtStatus status = list.addOrUpdateChildDescriptionAsPresent(new ToasterId(serialNo));
        if (!status.isSuccess()) {
            bc.hardwareIds.remove(serialNo);
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        return NtStatus.STATUS_SUCCESS;
    }

    private static NtStatus unplug(BusContext bc, WdfChildList list, int serialNo) {
        if (list == null) {
            WdfDevice pdo = bc.staticChildren.remove(serialNo);
            return pdo != null && pdo.markMissing().isSuccess() ? NtStatus.STATUS_SUCCESS : NtStatus.STATUS_INVALID_PARAMETER;
        }
        if (serialNo == 0) { // every child, in one scan
            list.beginScan();
            list.endScan();
            bc.hardwareIds.clear();
            return NtStatus.STATUS_SUCCESS;
        }
        if (bc.hardwareIds.remove(serialNo) == null) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        return list.updateChildDescriptionAsMissing(new ToasterId(serialNo)).isSuccess() ? NtStatus.STATUS_SUCCESS
                : NtStatus.STATUS_INVALID_PARAMETER;
    }

    private static NtStatus eject(BusContext bc, WdfChildList list, int serialNo) {
        if (list == null) {
            WdfDevice pdo = bc.staticChildren.remove(serialNo);
            if (pdo == null) {
                return NtStatus.STATUS_INVALID_PARAMETER;
            }
            pdo.requestEject();
            return NtStatus.STATUS_SUCCESS;
        }
        if (bc.hardwareIds.remove(serialNo) == null) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        return list.requestChildEject(new ToasterId(serialNo)) ? NtStatus.STATUS_SUCCESS : NtStatus.STATUS_INVALID_PARAMETER;
    }

    /** Prints {@code PNP WHO CALLBACK NANOTIME} for each PnP callback, so that tests can order them across drivers. */
    private static WdfPnpPowerEventCallbacks tracing(String who) {
        return WdfPnpPowerEventCallbacks.init()
                .withPrepareHardware(d -> print(who, "PrepareHardware"))
                .withD0Entry((d, from) -> print(who, "D0Entry"))
                .withD0Exit((d, to) -> print(who, "D0Exit"))
                .withReleaseHardware(d -> print(who, "ReleaseHardware"))
                .withSurpriseRemoval(d -> print(who, "SurpriseRemoval"));
    }

    private static NtStatus print(String who, String callback) {
        DbgPrint.print("PNP %s %s %d", who, callback, System.nanoTime());
        return NtStatus.STATUS_SUCCESS;
    }
}
