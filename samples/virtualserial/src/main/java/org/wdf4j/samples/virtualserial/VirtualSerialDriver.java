package org.wdf4j.samples.virtualserial;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Serial ports after Microsoft's UMDF VirtualSerial2 sample, which builds two drivers from one source: ComPort, a
 * virtual COM port, and FakeModem, a modem without a controller. This driver binds both hardware IDs:
 * <ul>
 *   <li>{@code ROOT\VIRTUALSERIAL}: a COM port ({@code GUID_DEVINTERFACE_COMPORT}) that echoes: every byte written to
 *       it comes back on read, as if its transmit line were wired to its receive line;</li>
 *   <li>{@code ROOT\FAKEMODEM}: a modem ({@code GUID_DEVINTERFACE_MODEM}) in command mode, which echoes what is typed
 *       (as a Hayes modem does with {@code E1}) and answers each command line ended by a carriage return:
 *       {@code AT} and the settings it knows ({@code ATZ}, {@code ATE0}, {@code ATE1}) with {@code OK},
 *       {@code ATI} with its identification then {@code OK}, anything else with {@code ERROR}
 *       ({@link ModemCommandLine}).</li>
 * </ul>
 *
 * <p>Both answer the serial control codes of {@link org.wdf4j.serial.SerialIoctl} that VirtualSerial2 does, and
 * more of them in earnest: the line settings are kept and given back, {@code IOCTL_SERIAL_WAIT_ON_MASK} waits for a
 * received byte, {@code IOCTL_SERIAL_PURGE} drops the received bytes or aborts the pending reads, and the modem
 * status shows CTS and DSR (and DCD for the port, which is always "connected" to itself). Reads complete as soon as
 * there is a byte, which is what the host's pseudo-terminal asks for ({@code SerialTimeouts.WAIT_FOR_ANY_BYTE}); with
 * the "return at once" timeouts a read with nothing to give completes with 0 bytes.
 *
 * <p>The host makes each device a pseudo-terminal ({@code ttyWDF0}, ...), so {@code stty}, {@code screen} or Python's
 * {@code serial} module use them as serial ports; see {@code docs/device-classes.md}.
 */
public final class VirtualSerialDriver implements DriverEntry {

    /** The hardware ID of the echoing COM port. */
    public static final String HARDWARE_ID_COMPORT = "ROOT\\VIRTUALSERIAL";
    /** The hardware ID of the modem. */
    public static final String HARDWARE_ID_MODEM = "ROOT\\FAKEMODEM";

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        WdfDriverConfig config = WdfDriverConfig.init(VirtualSerialDriver::evtDriverDeviceAdd);
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE, config);
        if (!created.isSuccess()) {
            DbgPrint.print("VirtualSerial: WdfDriverCreate failed %s", created.status());
            return created.status();
        }
        return NtStatus.STATUS_SUCCESS;
    }

    /** {@code EvtDriverDeviceAdd}: a COM port or a modem, by the device's hardware ID. */
    static NtStatus evtDriverDeviceAdd(WdfDriver driver, WdfDeviceInit deviceInit) {
        boolean modem = HARDWARE_ID_MODEM.equalsIgnoreCase(deviceInit.hardwareId());
        DbgPrint.print("VirtualSerial: EvtDriverDeviceAdd for %s (%s)", deviceInit.hardwareId(),
                modem ? "modem" : "COM port");
        return VirtualSerialDevice.create(deviceInit, modem);
    }
}
