package org.wdf4j.samples.nonpnp;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.driver.WdfDriverInitFlag;
import org.wdf4j.io.CtlCode;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * The nonpnp sample, after Microsoft's KMDF nonpnp driver: a non-PnP ("legacy") driver that creates one named
 * control device in DriverEntry, outside PnP, and serves reads, writes and device I/O controls on it.
 *
 * <p>It shows:
 * <ul>
 *   <li>a driver object created with {@link WdfDriverInitFlag#NON_PNP_DRIVER} and an {@code EvtDriverUnload}
 *       (without one a non-PnP driver cannot be stopped);</li>
 *   <li>a control device: {@code WdfDeviceInit.controlDeviceInitAllocate} with an SDDL, file-object callbacks
 *       (EvtDeviceFileCreate, EvtFileClose) with a file-object context recording who opened the device, the I/O type,
 *       a name clients open it by ({@link #DEVICE_NAME}), {@code WdfDevice.create}, freeing the init when the creation
 *       fails, and {@code controlFinishInitializing} once it is ready ({@link NonPnpControlDevice});</li>
 *   <li>a parallel default queue that is not power managed (a control device has no power states) with read, write
 *       and device-control handlers, and a {@code WdfSpinLock} guarding the device's state against callbacks that
 *       run at the same time ({@link NonPnpQueue});</li>
 *   <li>buffered I/O control codes built with {@link CtlCode#of}, with buffer sizes checked by the minimum lengths
 *       given to {@code retrieveInputBuffer} and {@code retrieveOutputBuffer}.</li>
 * </ul>
 *
 * <p>Behaviour seen by a client that opens {@code \\.\NONPNP} (or {@code NONPNP}):
 * <ul>
 *   <li>every open succeeds (the driver records the opener's {@code WdfRequestor}); the device is not exclusive;</li>
 *   <li>a write replaces the device's data (one buffer shared by all opens) with the written bytes and completes with
 *       STATUS_SUCCESS, information = its length;</li>
 *   <li>a read returns the first {@code min(length, stored)} bytes of that data (STATUS_SUCCESS, information = that
 *       count; 0 when nothing was written yet); reads do not consume the data;</li>
 *   <li>{@link #IOCTL_NONPNP_METHOD_BUFFERED}: returns the input bytes in reverse order;</li>
 *   <li>{@link #IOCTL_NONPNP_GET_REQUESTOR_PID}: returns the process ID of the handle's opener;</li>
 *   <li>{@link #IOCTL_NONPNP_GET_STATS}: returns the device's counters;</li>
 *   <li>any other control code fails with STATUS_INVALID_DEVICE_REQUEST.</li>
 * </ul>
 * The exact buffer rules are on each constant.
 */
public final class NonPnpDriver implements DriverEntry {

    /** The control device's name: clients open {@code \\.\NONPNP}. */
    public static final String DEVICE_NAME = "NONPNP";

    /**
     * The control device's security descriptor, WDM's {@code SDDL_DEVOBJ_SYS_ALL_ADM_ALL}: full access for the
     * system and administrators, none for others.
     */
    public static final String SDDL_DEVOBJ_SYS_ALL_ADM_ALL = "D:P(A;;GA;;;SY)(A;;GA;;;BA)";

    /**
     * {@code CTL_CODE(FILE_DEVICE_UNKNOWN, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)} = {@code 0x00222000}: the output
     * buffer receives the input buffer's bytes in reverse order; information = the input's length.
     *
     * <p>An empty input or output buffer fails with STATUS_INVALID_PARAMETER (as in Microsoft's sample); an output
     * buffer shorter than the input fails with STATUS_BUFFER_TOO_SMALL, the status {@code retrieveOutputBuffer}
     * answers for it.
     */
    public static final int IOCTL_NONPNP_METHOD_BUFFERED = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x800,
            CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);

    /**
     * {@code CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)} = {@code 0x00222004}: returns the
     * process ID of whoever opened the handle the request came through (recorded by EvtDeviceFileCreate), as
     * {@link #REQUESTOR_PID_LENGTH} bytes little-endian; information = 8. The input is ignored.
     *
     * <p>An output buffer of 1 to 7 bytes fails with STATUS_BUFFER_TOO_SMALL; none at all fails with the status
     * {@code retrieveOutputBuffer} answers for a missing buffer (STATUS_INVALID_DEVICE_REQUEST).
     */
    public static final int IOCTL_NONPNP_GET_REQUESTOR_PID = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x801,
            CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);

    /**
     * {@code CTL_CODE(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS)} = {@code 0x00222008}: returns the
     * device's counters since the driver was loaded, {@link #STATS_LENGTH} bytes, four little-endian 64-bit values:
     * <ol>
     *   <li>offset 0: reads completed with success;</li>
     *   <li>offset 8: writes completed with success;</li>
     *   <li>offset 16: opens (create requests completed with success);</li>
     *   <li>offset 24: closes (EvtFileClose calls).</li>
     * </ol>
     * Information = 32. The input is ignored. An output buffer of 1 to 31 bytes fails with STATUS_BUFFER_TOO_SMALL;
     * none at all fails as for {@link #IOCTL_NONPNP_GET_REQUESTOR_PID}.
     */
    public static final int IOCTL_NONPNP_GET_STATS = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x802,
            CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);

    /** The output length of {@link #IOCTL_NONPNP_GET_REQUESTOR_PID}: one 64-bit process ID. */
    public static final int REQUESTOR_PID_LENGTH = Long.BYTES;

    /** The output length of {@link #IOCTL_NONPNP_GET_STATS}: four 64-bit counters. */
    public static final int STATS_LENGTH = 4 * Long.BYTES;

    /** Driver-wide state, attached to the driver object. */
    static final class DriverContext {
        /** The control device, kept to report its counters at unload. */
        WdfDevice controlDevice;
    }

    static final ContextType<DriverContext> DRIVER_CONTEXT = ContextType.declare(DriverContext.class, DriverContext::new);

    /**
     * Creates the driver object (non-PnP, with an unload callback) and the control device. A failure unloads the
     * driver at once: the framework deletes what was created so far.
     */
    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        // A non-PnP driver has no EvtDriverDeviceAdd: it creates its devices itself, here.
        WdfDriverConfig config = WdfDriverConfig.init(null)
                .withFlags(WdfDriverInitFlag.NON_PNP_DRIVER)
                .withUnload(NonPnpDriver::evtDriverUnload);
        WdfObjectAttributes attributes = WdfObjectAttributes.of(DRIVER_CONTEXT)
                .withCleanup(driver -> DbgPrint.print("NonPnp: driver object cleanup"));
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, attributes, config);
        if (!created.isSuccess()) {
            DbgPrint.print("NonPnp: WdfDriverCreate failed %s", created.status());
            return created.status();
        }
        WdfDriver driver = created.value();

        NtResult<WdfDeviceInit> deviceInit = WdfDeviceInit.controlDeviceInitAllocate(driver, SDDL_DEVOBJ_SYS_ALL_ADM_ALL);
        if (!deviceInit.isSuccess()) {
            DbgPrint.print("NonPnp: WdfControlDeviceInitAllocate failed %s", deviceInit.status());
            return deviceInit.status();
        }
        NtResult<WdfDevice> device = NonPnpControlDevice.create(deviceInit.value());
        if (!device.isSuccess()) {
            return device.status();
        }
        DRIVER_CONTEXT.get(driver).controlDevice = device.value();
        DbgPrint.print("NonPnp: control device %s ready", DEVICE_NAME);
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * {@code EvtDriverUnload}: reports the device's counters. The framework deletes the control device afterwards
     * (a driver may delete it itself, at PASSIVE_LEVEL, but need not).
     */
    static void evtDriverUnload(WdfDriver driver) {
        WdfDevice device = DRIVER_CONTEXT.get(driver).controlDevice;
        DbgPrint.print("NonPnp: EvtDriverUnload, %s", NonPnpControlDevice.stats(device));
    }
}
