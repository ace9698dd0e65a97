package org.wdf4j.samples.virtualserial;

import static org.wdf4j.samples.virtualserial.VirtualSerialDevice.DEVICE_CONTEXT;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.samples.virtualserial.VirtualSerialDevice.DeviceContext;
import org.wdf4j.serial.SerialBaudRate;
import org.wdf4j.serial.SerialChars;
import org.wdf4j.serial.SerialEvent;
import org.wdf4j.serial.SerialHandflow;
import org.wdf4j.serial.SerialIoctl;
import org.wdf4j.serial.SerialLineControl;
import org.wdf4j.serial.SerialModemStatus;
import org.wdf4j.serial.SerialPurge;
import org.wdf4j.serial.SerialStatus;
import org.wdf4j.serial.SerialTimeouts;

/**
 * The serial device's queues (VirtualSerial2's {@code queue.c}): a parallel default queue for reads, writes and control
 * codes, a manual queue where reads wait for a byte, and a manual queue where {@code IOCTL_SERIAL_WAIT_ON_MASK} waits
 * for an event. Requests waiting in the manual queues are the framework's to cancel (when the program closes the port
 * or cancels, or the device goes), so this code never marks a request cancelable.
 */
final class VirtualSerialQueue {

    private VirtualSerialQueue() {
    }

    static NtStatus create(WdfDevice device) {
        NtResult<WdfQueue> queue = WdfQueue.create(device,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead(VirtualSerialQueue::evtIoRead)
                        .withIoWrite(VirtualSerialQueue::evtIoWrite)
                        .withIoDeviceControl(VirtualSerialQueue::evtIoDeviceControl),
                WdfObjectAttributes.NONE);
        if (!queue.isSuccess()) {
            DbgPrint.print("VirtualSerial: WdfIoQueueCreate failed %s", queue.status());
            return queue.status();
        }
        NtResult<WdfQueue> reads = WdfQueue.create(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL),
                WdfObjectAttributes.NONE);
        NtResult<WdfQueue> waits = WdfQueue.create(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL),
                WdfObjectAttributes.NONE);
        if (!reads.isSuccess() || !waits.isSuccess()) {
            NtStatus failed = reads.isSuccess() ? waits.status() : reads.status();
            DbgPrint.print("VirtualSerial: WdfIoQueueCreate (manual) failed %s", failed);
            return failed;
        }
        DeviceContext context = DEVICE_CONTEXT.get(device);
        context.readQueue = reads.value();
        context.waitQueue = waits.value();
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * {@code EvtIoRead}: the received bytes there are, up to the length asked; with none, the read waits in the read
     * queue for the next byte (or, with the "return at once" timeouts, completes with 0 bytes).
     */
    static void evtIoRead(WdfQueue queue, WdfRequest request, long length) {
        DeviceContext context = DEVICE_CONTEXT.get(queue.device());
        if (context.received.available() > 0 || context.timeouts.readReturnsImmediately()) {
            completeRead(context, request);
            return;
        }
        NtStatus status = request.forwardToIoQueue(context.readQueue);
        if (!status.isSuccess()) {
            request.complete(status);
        }
    }

    /**
     * {@code EvtIoWrite}: the bytes go out on the line, which brings back their echo (the COM port) or the modem's
     * echo and answers; waiting reads and an event wait get them.
     */
    static void evtIoWrite(WdfQueue queue, WdfRequest request, long length) {
        NtResult<ByteBuffer> input = request.retrieveInputBuffer(length);
        if (!input.isSuccess()) {
            request.complete(input.status());
            return;
        }
        byte[] bytes = new byte[(int) length];
        input.value().get(0, bytes);
        DeviceContext context = DEVICE_CONTEXT.get(queue.device());
        long taken = length;
        if (context.modem == null) {
            taken = context.received.write(bytes, 0, bytes.length); // a full buffer takes what fits
        } else {
            byte[] answer = context.modem.type(bytes, 0, bytes.length);
            context.received.write(answer, 0, answer.length);
        }
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, taken);
        deliver(context);
    }

    /** Gives the received bytes to the waiting reads, and tells a waiting IOCTL_SERIAL_WAIT_ON_MASK. */
    private static void deliver(DeviceContext context) {
        while (context.received.available() > 0) {
            NtResult<WdfRequest> waiting = context.readQueue.retrieveNextRequest();
            if (!waiting.isSuccess()) {
                break;
            }
            completeRead(context, waiting.value());
        }
        if (context.received.available() > 0 && (context.waitMask & SerialEvent.SERIAL_EV_RXCHAR) != 0) {
            completeWait(context, SerialEvent.SERIAL_EV_RXCHAR);
        }
    }

    private static void completeRead(DeviceContext context, WdfRequest read) {
        NtResult<ByteBuffer> output = read.retrieveOutputBuffer(1);
        if (!output.isSuccess()) {
            read.complete(output.status());
            return;
        }
        byte[] data = context.received.read(output.value().capacity());
        output.value().put(0, data);
        read.completeWithInformation(NtStatus.STATUS_SUCCESS, data.length);
    }

    /** Completes the waiting IOCTL_SERIAL_WAIT_ON_MASK, if there is one, with {@code events}. */
    private static void completeWait(DeviceContext context, int events) {
        NtResult<WdfRequest> waiting = context.waitQueue.retrieveNextRequest();
        if (waiting.isSuccess()) {
            WdfRequest wait = waiting.value();
            wait.complete(new SerialEvent(events).copyToRequest(wait));
        }
    }

    /** {@code EvtIoDeviceControl}: the serial control codes. */
    static void evtIoDeviceControl(WdfQueue queue, WdfRequest request, long outputBufferLength, long inputBufferLength,
            int ioControlCode) {
        DeviceContext context = DEVICE_CONTEXT.get(queue.device());
        NtStatus status = switch (ioControlCode) {
            case SerialIoctl.IOCTL_SERIAL_SET_BAUD_RATE -> set(SerialBaudRate.fromRequest(request),
                    v -> context.baudRate = v);
            case SerialIoctl.IOCTL_SERIAL_GET_BAUD_RATE -> context.baudRate.copyToRequest(request);
            case SerialIoctl.IOCTL_SERIAL_SET_LINE_CONTROL -> set(SerialLineControl.fromRequest(request),
                    v -> context.lineControl = v);
            case SerialIoctl.IOCTL_SERIAL_GET_LINE_CONTROL -> context.lineControl.copyToRequest(request);
            case SerialIoctl.IOCTL_SERIAL_SET_HANDFLOW -> set(SerialHandflow.fromRequest(request),
                    v -> context.handflow = v);
            case SerialIoctl.IOCTL_SERIAL_GET_HANDFLOW -> context.handflow.copyToRequest(request);
            case SerialIoctl.IOCTL_SERIAL_SET_CHARS -> set(SerialChars.fromRequest(request), v -> context.chars = v);
            case SerialIoctl.IOCTL_SERIAL_GET_CHARS -> context.chars.copyToRequest(request);
            case SerialIoctl.IOCTL_SERIAL_SET_TIMEOUTS -> {
                NtResult<SerialTimeouts> timeouts = SerialTimeouts.fromRequest(request);
                yield timeouts.isSuccess() && !timeouts.value().isValid() ? NtStatus.STATUS_INVALID_PARAMETER
                        : set(timeouts, v -> context.timeouts = v);
            }
            case SerialIoctl.IOCTL_SERIAL_GET_TIMEOUTS -> context.timeouts.copyToRequest(request);
            case SerialIoctl.IOCTL_SERIAL_SET_DTR -> lines(context, true, context.rts);
            case SerialIoctl.IOCTL_SERIAL_CLR_DTR -> lines(context, false, context.rts);
            case SerialIoctl.IOCTL_SERIAL_SET_RTS -> lines(context, context.dtr, true);
            case SerialIoctl.IOCTL_SERIAL_CLR_RTS -> lines(context, context.dtr, false);
            case SerialIoctl.IOCTL_SERIAL_GET_DTRRTS -> ulongOutput(request,
                    (context.dtr ? SerialIoctl.SERIAL_DTR_STATE : 0) | (context.rts ? SerialIoctl.SERIAL_RTS_STATE : 0));
            case SerialIoctl.IOCTL_SERIAL_GET_MODEMSTATUS -> modemStatus(context).copyToRequest(request);
            case SerialIoctl.IOCTL_SERIAL_GET_COMMSTATUS ->
                    new SerialStatus(0, 0, context.received.available(), 0, false, false).copyToRequest(request);
            case SerialIoctl.IOCTL_SERIAL_SET_WAIT_MASK -> {
                NtResult<SerialEvent> mask = SerialEvent.fromRequest(request);
                if (mask.isSuccess()) {
                    completeWait(context, 0); // a new mask ends the wait for the old one, with no event
                    context.waitMask = mask.value().value();
                }
                yield mask.status();
            }
            case SerialIoctl.IOCTL_SERIAL_GET_WAIT_MASK -> new SerialEvent(context.waitMask).copyToRequest(request);
            case SerialIoctl.IOCTL_SERIAL_WAIT_ON_MASK -> waitOnMask(context, request);
            case SerialIoctl.IOCTL_SERIAL_PURGE -> {
                NtResult<SerialPurge> purge = SerialPurge.fromRequest(request);
                if (purge.isSuccess()) {
                    purge(context, purge.value());
                }
                yield purge.status();
            }
            case SerialIoctl.IOCTL_SERIAL_GET_MODEM_CONTROL -> ulongOutput(request, context.modemControl);
            case SerialIoctl.IOCTL_SERIAL_SET_MODEM_CONTROL -> set(ulongInput(request), v -> context.modemControl = v);
            case SerialIoctl.IOCTL_SERIAL_SET_FIFO_CONTROL -> set(ulongInput(request), v -> context.fifoControl = v);
            // A virtual line has no queue sizes, breaks or flow to restart: what VirtualSerial2 answers.
            case SerialIoctl.IOCTL_SERIAL_SET_QUEUE_SIZE, SerialIoctl.IOCTL_SERIAL_SET_BREAK_ON,
                 SerialIoctl.IOCTL_SERIAL_SET_BREAK_OFF, SerialIoctl.IOCTL_SERIAL_IMMEDIATE_CHAR,
                 SerialIoctl.IOCTL_SERIAL_RESET_DEVICE, SerialIoctl.IOCTL_SERIAL_SET_XON,
                 SerialIoctl.IOCTL_SERIAL_SET_XOFF -> NtStatus.STATUS_SUCCESS;
            default -> NtStatus.STATUS_INVALID_PARAMETER;
        };
        if (status != null) {
            request.complete(status);
        }
    }

    /**
     * {@code IOCTL_SERIAL_WAIT_ON_MASK}: answers at once when a byte is waiting and the mask asks for it; else the
     * request waits in the wait queue (null: not to be completed now). Without a mask, or with another wait pending,
     * STATUS_INVALID_PARAMETER.
     */
    private static NtStatus waitOnMask(DeviceContext context, WdfRequest request) {
        if (context.waitMask == 0 || context.waitQueue.queueState().queuedRequests() > 0) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        if (context.received.available() > 0 && (context.waitMask & SerialEvent.SERIAL_EV_RXCHAR) != 0) {
            return new SerialEvent(SerialEvent.SERIAL_EV_RXCHAR).copyToRequest(request);
        }
        NtStatus forwarded = request.forwardToIoQueue(context.waitQueue);
        return forwarded.isSuccess() ? null : forwarded;
    }

    /** A SET code: stores the value when the buffer held one; the status either way. */
    private static <T> NtStatus set(NtResult<T> value, java.util.function.Consumer<T> store) {
        if (value.isSuccess()) {
            store.accept(value.value());
        }
        return value.status();
    }

    private static NtStatus lines(DeviceContext context, boolean dtr, boolean rts) {
        context.dtr = dtr;
        context.rts = rts;
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * The lines the device drives. The COM port's transmit side is wired to its receive side like a loopback plug:
     * CTS follows its RTS, DSR and DCD its DTR. The modem, in command mode, is ready (CTS, DSR) with no carrier.
     */
    private static SerialModemStatus modemStatus(DeviceContext context) {
        if (context.modem != null) {
            return new SerialModemStatus(SerialModemStatus.SERIAL_MSR_CTS | SerialModemStatus.SERIAL_MSR_DSR);
        }
        return new SerialModemStatus((context.rts ? SerialModemStatus.SERIAL_MSR_CTS : 0)
                | (context.dtr ? SerialModemStatus.SERIAL_MSR_DSR | SerialModemStatus.SERIAL_MSR_DCD : 0));
    }

    private static void purge(DeviceContext context, SerialPurge purge) {
        if (purge.has(SerialPurge.SERIAL_PURGE_RXABORT)) {
            for (NtResult<WdfRequest> read = context.readQueue.retrieveNextRequest(); read.isSuccess();
                    read = context.readQueue.retrieveNextRequest()) {
                read.value().completeWithInformation(NtStatus.STATUS_CANCELLED, 0);
            }
        }
        if (purge.has(SerialPurge.SERIAL_PURGE_RXCLEAR)) {
            context.received.clear();
        }
        // TXABORT, TXCLEAR: writes are sent the moment they arrive; nothing waits to be sent.
    }

    /** A ULONG control code's input (a register), little-endian as on Windows. */
    private static NtResult<Integer> ulongInput(WdfRequest request) {
        NtResult<ByteBuffer> input = request.retrieveInputBuffer(4);
        return input.isSuccess() ? NtResult.success(input.value().order(ByteOrder.LITTLE_ENDIAN).getInt(0))
                : NtResult.failure(input.status());
    }

    /** A ULONG control code's answer. */
    private static NtStatus ulongOutput(WdfRequest request, int value) {
        NtResult<ByteBuffer> output = request.retrieveOutputBuffer(4);
        if (!output.isSuccess()) {
            return output.status();
        }
        output.value().order(ByteOrder.LITTLE_ENDIAN).putInt(0, value);
        request.setInformation(4);
        return NtStatus.STATUS_SUCCESS;
    }
}
