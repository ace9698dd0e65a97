package org.wdf4j.testdrivers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfFileObject;
import org.wdf4j.device.WdfFileObjectConfig;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.device.WdfPowerDeviceState;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A PnP driver for the host's PnP manager tests: every PnP and power callback prints a line ({@code DbgPrint}), so the
 * tests read their order from the journal. How a device behaves depends on the hardware ID it is added with:
 * <ul>
 *   <li>{@code ROOT\PNPTEST}: an ordinary device with interface {@link #GUID_PNPTEST} (no reference string);</li>
 *   <li>{@code ROOT\PNPFAILSTART}: EvtDevicePrepareHardware fails with STATUS_INSUFFICIENT_RESOURCES;</li>
 *   <li>{@code ROOT\PNPFAILADD}: EvtDriverDeviceAdd fails with STATUS_INSUFFICIENT_RESOURCES, without a device;</li>
 *   <li>{@code ROOT\PNPFAILWAKE}: EvtDeviceD0Entry from D3 (a resume) fails with STATUS_DEVICE_NOT_READY;</li>
 *   <li>{@code ROOT\PNPEXCLUSIVE}: exclusive (one open at a time), named {@code PNPEXCLUSIVE} (a second such
 *       device fails its EvtDriverDeviceAdd: the name is taken), with interface {@link #GUID_PNPTEST} and reference
 *       string {@code ref};</li>
 *   <li>{@code ROOT\PNPBUGCHECK}: EvtDeviceD0Entry uses an object after deleting it, a bug check
 *       (WDF_INVALID_HANDLE): the driver is failed and the host stops it;</li>
 *   <li>{@code ROOT\PNPBADSDDL}: an ordinary device whose security descriptor grants Unix user 4242, who is not its
 *       owner: no file mode can say that, so the FUSE reflector gives it no device file.</li>
 * </ul>
 * Every device has a parallel default queue: a read returns the file name its handle was opened with (UTF-8).
 * EvtDriverUnload prints how many of the driver's devices are still alive.
 */
public final class PnpTestDriver implements DriverEntry {

    /** The interface class of the test devices. */
    public static final UUID GUID_PNPTEST = UUID.fromString("5d2f8a41-7c1e-4b8e-9a3c-2e6f1d0b7a95");

    static final class DriverContext {
        int devicesAdded;
        int devicesAlive;
    }

    static final class DeviceContext {
        String label;
        WdfDriver driver;
    }

    static final class FileContext {
        String fileName;
    }

    static final ContextType<DriverContext> DRIVER = ContextType.declare(DriverContext.class, DriverContext::new);
    static final ContextType<DeviceContext> DEVICE = ContextType.declare(DeviceContext.class, DeviceContext::new);
    static final ContextType<FileContext> FILE = ContextType.declare(FileContext.class, FileContext::new);

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.of(DRIVER),
                WdfDriverConfig.init(PnpTestDriver::deviceAdd).withUnload(driver -> DbgPrint.print(
                        "EvtDriverUnload with %d device(s) alive", DRIVER.get(driver).devicesAlive)));
        return created.status();
    }

    static NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit init) {
        String hwid = init.hardwareId();
        DriverContext driverContext = DRIVER.get(driver);
        String label = hwid + "#" + driverContext.devicesAdded++;
        DbgPrint.print("EvtDriverDeviceAdd %s", label);
        if (hwid.equalsIgnoreCase("ROOT\\PNPFAILADD")) {
            return NtStatus.STATUS_INSUFFICIENT_RESOURCES;
        }
        boolean exclusive = hwid.equalsIgnoreCase("ROOT\\PNPEXCLUSIVE");
        init.setPnpPowerEventCallbacks(WdfPnpPowerEventCallbacks.init()
                .withPrepareHardware(d -> {
                    DbgPrint.print("PrepareHardware %s", label(d));
                    return d.hardwareId().equalsIgnoreCase("ROOT\\PNPFAILSTART")
                            ? NtStatus.STATUS_INSUFFICIENT_RESOURCES : NtStatus.STATUS_SUCCESS;
                })
                .withD0Entry((d, from) -> {
                    DbgPrint.print("D0Entry %s from %s", label(d), from);
                    if (d.hardwareId().equalsIgnoreCase("ROOT\\PNPBUGCHECK")) {
                        WdfObject doomed = WdfObject.create(WdfObjectAttributes.init()).value();
                        doomed.delete();
                        doomed.reference("late"); // destroyed: WDF_INVALID_HANDLE
                    }
                    return from == WdfPowerDeviceState.D3 && d.hardwareId().equalsIgnoreCase("ROOT\\PNPFAILWAKE")
                            ? NtStatus.STATUS_DEVICE_NOT_READY : NtStatus.STATUS_SUCCESS;
                })
                .withD0Exit((d, to) -> {
                    DbgPrint.print("D0Exit %s to %s", label(d), to);
                    return NtStatus.STATUS_SUCCESS;
                })
                .withSurpriseRemoval(d -> DbgPrint.print("SurpriseRemoval %s", label(d)))
                .withReleaseHardware(d -> {
                    DbgPrint.print("ReleaseHardware %s", label(d));
                    return NtStatus.STATUS_SUCCESS;
                }));
        init.setFileObjectConfig(WdfFileObjectConfig.init(PnpTestDriver::fileCreate, null, null),
                WdfObjectAttributes.of(FILE));
        if (hwid.equalsIgnoreCase("ROOT\\PNPBADSDDL")) {
            init.assignSddl("D:P(A;;GA;;;SY)(A;;GRGW;;;S-1-22-1-4242)");
        }
        if (exclusive) {
            init.setExclusive(true);
            NtStatus named = init.assignName("PNPEXCLUSIVE");
            if (!named.isSuccess()) {
                return named;
            }
        }
        NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.of(DEVICE).withCleanup(d -> {
            DeviceContext context = DEVICE.get(d);
            DRIVER.get(context.driver).devicesAlive--;
            DbgPrint.print("device cleanup %s", context.label);
        }));
        if (!device.isSuccess()) {
            DbgPrint.print("WdfDeviceCreate %s failed %s", label, device.status());
            return device.status();
        }
        DeviceContext context = DEVICE.get(device.value());
        context.label = label;
        context.driver = driver;
        driverContext.devicesAlive++;
        NtStatus status = device.value().createDeviceInterface(GUID_PNPTEST, exclusive ? "ref" : null);
        if (!status.isSuccess()) {
            return status;
        }
        return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead(PnpTestDriver::read), WdfObjectAttributes.NONE).status();
    }

    private static String label(WdfDevice device) {
        return DEVICE.get(device).label;
    }

    static void fileCreate(WdfDevice device, WdfRequest request, WdfFileObject fileObject) {
        FILE.get(fileObject).fileName = fileObject.fileName();
        request.complete(NtStatus.STATUS_SUCCESS);
    }

    /** Returns the file name the handle was opened with. */
    static void read(WdfQueue queue, WdfRequest request, long length) {
        byte[] name = FILE.get(request.fileObject()).fileName.getBytes(StandardCharsets.UTF_8);
        NtResult<ByteBuffer> out = request.retrieveOutputBuffer(1);
        if (!out.isSuccess()) {
            request.complete(out.status());
            return;
        }
        int n = (int) Math.min(length, name.length);
        out.value().put(0, name, 0, n);
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, n);
    }
}
