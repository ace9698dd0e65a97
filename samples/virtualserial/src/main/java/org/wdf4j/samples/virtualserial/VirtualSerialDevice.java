package org.wdf4j.samples.virtualserial;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.object.WdfSynchronizationScope;
import org.wdf4j.serial.SerialBaudRate;
import org.wdf4j.serial.SerialChars;
import org.wdf4j.serial.SerialHandflow;
import org.wdf4j.serial.SerialLineControl;
import org.wdf4j.serial.SerialPort;
import org.wdf4j.serial.SerialTimeouts;

/**
 * A serial device (VirtualSerial2's {@code device.c}): its context holds what a UART's registers would, and its
 * interface makes it a COM port or a modem. The device's synchronization scope is DEVICE, so the callbacks of all its
 * queues run one at a time and the context needs no lock of its own.
 */
final class VirtualSerialDevice {

    /** Bytes received and not yet read; the size of VirtualSerial2's buffer. */
    static final int BUFFER_SIZE = 16 * 1024;

    /** The device's state, guarded by the device's synchronization lock (scope DEVICE). */
    static final class DeviceContext {
        /** Null for the COM port; the command interpreter for the modem. */
        ModemCommandLine modem;
        SerialBaudRate baudRate = new SerialBaudRate(9600);
        SerialLineControl lineControl = SerialLineControl.EIGHT_N_ONE;
        SerialHandflow handflow = SerialHandflow.NONE;
        SerialChars chars = SerialChars.DEFAULT;
        SerialTimeouts timeouts = SerialTimeouts.NONE;
        boolean dtr;
        boolean rts;
        int waitMask;
        int modemControl;
        int fifoControl;
        /** What the line brought in (the echo, the modem's answers), waiting for reads. */
        final RingBuffer received = new RingBuffer(BUFFER_SIZE);
        /** A manual queue of the reads waiting for a byte. */
        WdfQueue readQueue;
        /** A manual queue of the IOCTL_SERIAL_WAIT_ON_MASK request waiting for an event. */
        WdfQueue waitQueue;
    }

    static final ContextType<DeviceContext> DEVICE_CONTEXT = ContextType.declare(DeviceContext.class, DeviceContext::new);

    private VirtualSerialDevice() {
    }

    /** Creates the device, its interface (COM port or modem) and its queues. */
    static NtStatus create(WdfDeviceInit deviceInit, boolean modem) {
        NtResult<WdfDevice> created = WdfDevice.create(deviceInit,
                WdfObjectAttributes.of(DEVICE_CONTEXT).withSynchronizationScope(WdfSynchronizationScope.DEVICE));
        if (!created.isSuccess()) {
            DbgPrint.print("VirtualSerial: WdfDeviceCreate failed %s", created.status());
            return created.status();
        }
        WdfDevice device = created.value();
        if (modem) {
            DEVICE_CONTEXT.get(device).modem = new ModemCommandLine();
        }
        // The interface class is what makes the device a serial port: the host gives it a pseudo-terminal.
        NtStatus status = device.createDeviceInterface(
                modem ? SerialPort.GUID_DEVINTERFACE_MODEM : SerialPort.GUID_DEVINTERFACE_COMPORT, null);
        if (!status.isSuccess()) {
            DbgPrint.print("VirtualSerial: WdfDeviceCreateDeviceInterface failed %s", status);
            return status;
        }
        return VirtualSerialQueue.create(device);
    }
}
