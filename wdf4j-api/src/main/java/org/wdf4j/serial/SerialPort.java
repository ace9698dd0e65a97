package org.wdf4j.serial;

import java.util.UUID;

/**
 * The serial device class: the device interface classes that make a device a serial port.
 *
 * <p>A driver declares its device a serial port as on Windows, with a device interface of class
 * {@link #GUID_DEVINTERFACE_COMPORT} (a COM port) or {@link #GUID_DEVINTERFACE_MODEM} (a modem, as Microsoft's
 * FakeModem sample does):
 *
 * <pre>{@code
 * NtStatus status = device.createDeviceInterface(SerialPort.GUID_DEVINTERFACE_COMPORT, null);
 * }</pre>
 *
 * The host then serves the interface as a pseudo-terminal rather than a plain device file (see the package
 * documentation). The driver answers reads, writes and the {@link SerialIoctl serial control codes} from its queues.
 */
public final class SerialPort {

    /** {@code GUID_DEVINTERFACE_COMPORT}, {@code {86e0d1e0-8089-11d0-9ce4-08003e301f73}}: a COM port. */
    public static final UUID GUID_DEVINTERFACE_COMPORT = UUID.fromString("86e0d1e0-8089-11d0-9ce4-08003e301f73");

    /** {@code GUID_DEVINTERFACE_MODEM}, {@code {2c7089aa-2e0e-11d1-b114-00c04fc2aae4}}: a modem on a serial line. */
    public static final UUID GUID_DEVINTERFACE_MODEM = UUID.fromString("2c7089aa-2e0e-11d1-b114-00c04fc2aae4");

    private SerialPort() {
    }

    /** Whether an interface of this class is a serial port (a COM port or a modem). */
    public static boolean isSerialInterface(UUID interfaceClassGuid) {
        return GUID_DEVINTERFACE_COMPORT.equals(interfaceClassGuid) || GUID_DEVINTERFACE_MODEM.equals(interfaceClassGuid);
    }
}
