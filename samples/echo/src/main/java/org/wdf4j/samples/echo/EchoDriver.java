package org.wdf4j.samples.echo;

import java.time.Duration;
import java.util.UUID;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * The echo sample, after Microsoft's KMDF echo driver (AutoSync variant): a PnP driver whose device stores what a
 * client writes and gives it back on read.
 *
 * <p>It shows:
 * <ul>
 *   <li>a PnP driver: DriverEntry registers {@code EvtDriverDeviceAdd}, and the PnP manager calls it for each
 *       device with hardware ID {@code ROOT\ECHO} (the package's {@code Wdf4j-Hardware-Ids});</li>
 *   <li>a device with a context, PnP/power callbacks (D0 entry and exit; self-managed I/O init, suspend and restart
 *       that start and stop the queue's timer) and a device interface, {@link #GUID_DEVINTERFACE_ECHO}, by which
 *       applications find it ({@link EchoDevice});</li>
 *   <li>a sequential default queue with a context and synchronization scope QUEUE, so that its read, write and
 *       cancel callbacks and the callback of its periodic timer (automatic serialization, parent: the queue) run one
 *       at a time, without a lock of the driver's own ({@link EchoQueue});</li>
 *   <li>requests kept pending and cancelable, completed later by the timer, with {@code unmarkCancelable} settling
 *       the race against the cancel routine;</li>
 *   <li>all state in contexts (driver, device, queue): nothing static but constants, so the driver can be unloaded
 *       and loaded again in the same process.</li>
 * </ul>
 *
 * <p>Behaviour seen by a client (through {@link #GUID_DEVINTERFACE_ECHO}):
 * <ul>
 *   <li>a write of more than {@link #MAX_WRITE_LENGTH} bytes fails at once with STATUS_BUFFER_OVERFLOW and
 *       information 0 (the stored data is kept);</li>
 *   <li>any other write replaces the stored data with the written bytes and completes, at the next timer tick, with
 *       STATUS_SUCCESS and information = its length;</li>
 *   <li>a read with no data stored completes at once with STATUS_SUCCESS and 0 bytes; otherwise it returns the first
 *       {@code min(length, stored)} stored bytes (the data stays stored: reads do not consume it), completed at the
 *       next timer tick with STATUS_SUCCESS and information = that count;</li>
 *   <li>requests are handled one at a time, in arrival order (a sequential queue): a request waits in the queue
 *       while the previous one is pending;</li>
 *   <li>a pending request that is cancelled completes with STATUS_CANCELLED and information 0;</li>
 *   <li>zero-length reads and writes are completed by the framework with STATUS_SUCCESS and never reach the
 *       driver.</li>
 * </ul>
 */
public final class EchoDriver implements DriverEntry {

    /**
     * The device interface class of echo devices, {@code {cdc35b6e-0be4-4936-bf5f-5537380a7c1a}}: the
     * {@code GUID_DEVINTERFACE_ECHO} of Microsoft's sample, which applications enumerate to find the device.
     */
    public static final UUID GUID_DEVINTERFACE_ECHO = UUID.fromString("cdc35b6e-0be4-4936-bf5f-5537380a7c1a");

    /** The longest write the device accepts, 40 KiB; longer writes fail with STATUS_BUFFER_OVERFLOW. */
    public static final int MAX_WRITE_LENGTH = 1024 * 40;

    /**
     * The period of the queue's timer, which completes the pending request: how long a read or write waits at most
     * (Microsoft's sample uses two seconds; this one is kept short so that tests stay fast). The timer first fires
     * one period after the device starts.
     */
    public static final Duration TIMER_PERIOD = Duration.ofMillis(10);

    /** Driver-wide state, attached to the driver object. */
    static final class DriverContext {
        int devicesAdded;
    }

    static final ContextType<DriverContext> DRIVER_CONTEXT = ContextType.declare(DriverContext.class, DriverContext::new);

    /** Creates the driver object with the add-device and unload callbacks; the devices come later, from PnP. */
    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        WdfDriverConfig config = WdfDriverConfig.init(EchoDriver::evtDriverDeviceAdd)
                .withUnload(EchoDriver::evtDriverUnload);
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath,
                WdfObjectAttributes.of(DRIVER_CONTEXT), config);
        if (!created.isSuccess()) {
            DbgPrint.print("Echo: WdfDriverCreate failed %s", created.status());
            return created.status();
        }
        DbgPrint.print("Echo: DriverEntry, registry path %s", registryPath);
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * {@code EvtDriverDeviceAdd}: the PnP manager found an echo device; create it. On failure the framework deletes
     * whatever was created for the device.
     */
    static NtStatus evtDriverDeviceAdd(WdfDriver driver, WdfDeviceInit deviceInit) {
        DbgPrint.print("Echo: EvtDriverDeviceAdd for %s", deviceInit.hardwareId());
        NtStatus status = EchoDevice.create(deviceInit);
        if (status.isSuccess()) {
            DRIVER_CONTEXT.get(driver).devicesAdded++;
        }
        return status;
    }

    /** {@code EvtDriverUnload}: nothing outside the object tree to release; the framework deletes the rest. */
    static void evtDriverUnload(WdfDriver driver) {
        DbgPrint.print("Echo: EvtDriverUnload after %d device(s) added", DRIVER_CONTEXT.get(driver).devicesAdded);
    }
}
