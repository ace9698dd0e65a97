package org.wdf4j.samples.nonpnp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfFileObject;
import org.wdf4j.io.CtlCode;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.samples.nonpnp.NonPnpControlDevice.DeviceContext;
import org.wdf4j.samples.nonpnp.NonPnpControlDevice.FileContext;
import org.wdf4j.samples.nonpnp.NonPnpControlDevice.Stats;

/**
 * The nonpnp device's default queue (Microsoft's {@code FileEvtIoRead}, {@code FileEvtIoWrite} and
 * {@code FileEvtIoDeviceControl}): parallel, not power managed, completing every request before its callback returns.
 *
 * <p>Where Microsoft's sample reads and writes a file through {@code Zw} calls, this one keeps the data in the device
 * context. Buffer sizes are checked the WDF way: the minimum length given to {@code retrieveInputBuffer} and
 * {@code retrieveOutputBuffer} makes the framework answer STATUS_BUFFER_TOO_SMALL, which the request is completed with.
 */
final class NonPnpQueue {

    private NonPnpQueue() {
    }

    /**
     * Creates the device's default queue. A control device has no power states, so the queue is not power managed
     * (a power-managed queue on a control device is refused with STATUS_INVALID_DEVICE_REQUEST).
     */
    static NtStatus initialize(WdfDevice device) {
        WdfIoQueueConfig config = WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withPowerManaged(false)
                .withIoRead(NonPnpQueue::evtIoRead)
                .withIoWrite(NonPnpQueue::evtIoWrite)
                .withIoDeviceControl(NonPnpQueue::evtIoDeviceControl);
        NtResult<WdfQueue> queue = WdfQueue.create(device, config, WdfObjectAttributes.NONE);
        if (!queue.isSuccess()) {
            DbgPrint.print("NonPnp: WdfIoQueueCreate failed %s", queue.status());
        }
        return queue.status();
    }

    /** {@code EvtIoRead}: returns the first {@code min(length, stored)} bytes of the device's data. */
    static void evtIoRead(WdfQueue queue, WdfRequest request, long length) {
        NtResult<ByteBuffer> output = request.retrieveOutputBuffer(1);
        if (!output.isSuccess()) {
            request.complete(output.status());
            return;
        }
        DeviceContext context = NonPnpControlDevice.DEVICE_CONTEXT.get(queue.device());
        int count;
        context.lock.acquire();
        try {
            count = (int) Math.min(length, context.data.length);
            output.value().put(0, context.data, 0, count);
            context.reads++;
        } finally {
            context.lock.release();
        }
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, count);
    }

    /** {@code EvtIoWrite}: replaces the device's data with the written bytes. */
    static void evtIoWrite(WdfQueue queue, WdfRequest request, long length) {
        NtResult<ByteBuffer> input = request.retrieveInputBuffer(length);
        if (!input.isSuccess()) {
            request.complete(input.status());
            return;
        }
        byte[] data = new byte[(int) length];
        input.value().get(0, data);
        DeviceContext context = NonPnpControlDevice.DEVICE_CONTEXT.get(queue.device());
        context.lock.acquire();
        try {
            context.data = data;
            context.writes++;
        } finally {
            context.lock.release();
        }
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
    }

    /**
     * {@code EvtIoDeviceControl}: dispatches on the control code (not a {@code switch}: the codes are built by
     * {@link CtlCode#of}, so they are not compile-time constants). Unknown codes fail with
     * STATUS_INVALID_DEVICE_REQUEST.
     */
    static void evtIoDeviceControl(WdfQueue queue, WdfRequest request, long outputBufferLength,
                                   long inputBufferLength, int ioControlCode) {
        if (ioControlCode == NonPnpDriver.IOCTL_NONPNP_METHOD_BUFFERED) {
            reverse(request, outputBufferLength, inputBufferLength);
        } else if (ioControlCode == NonPnpDriver.IOCTL_NONPNP_GET_REQUESTOR_PID) {
            requestorProcessId(request);
        } else if (ioControlCode == NonPnpDriver.IOCTL_NONPNP_GET_STATS) {
            stats(queue, request);
        } else {
            DbgPrint.print("NonPnp: unrecognized IOCTL %s", CtlCode.describe(ioControlCode));
            request.complete(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
    }

    /** {@link NonPnpDriver#IOCTL_NONPNP_METHOD_BUFFERED}: the input, reversed, into the output buffer. */
    private static void reverse(WdfRequest request, long outputBufferLength, long inputBufferLength) {
        if (inputBufferLength == 0 || outputBufferLength == 0) {
            request.complete(NtStatus.STATUS_INVALID_PARAMETER);
            return;
        }
        NtResult<ByteBuffer> input = request.retrieveInputBuffer(1);
        if (!input.isSuccess()) {
            request.complete(input.status());
            return;
        }
        // The output must hold the whole input: a shorter one answers STATUS_BUFFER_TOO_SMALL.
        NtResult<ByteBuffer> output = request.retrieveOutputBuffer(inputBufferLength);
        if (!output.isSuccess()) {
            request.complete(output.status());
            return;
        }
        ByteBuffer in = input.value();
        ByteBuffer out = output.value();
        int length = (int) inputBufferLength;
        for (int i = 0; i < length; i++) {
            out.put(i, in.get(length - 1 - i));
        }
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
    }

    /** {@link NonPnpDriver#IOCTL_NONPNP_GET_REQUESTOR_PID}: the opener's process ID, 8 bytes little-endian. */
    private static void requestorProcessId(WdfRequest request) {
        NtResult<ByteBuffer> output = request.retrieveOutputBuffer(NonPnpDriver.REQUESTOR_PID_LENGTH);
        if (!output.isSuccess()) {
            request.complete(output.status());
            return;
        }
        // Who opened the handle, as EvtDeviceFileCreate recorded it; a request without a file object (none is
        // expected on this device) answers for its own requestor.
        WdfFileObject fileObject = request.fileObject();
        FileContext file = fileObject == null ? null : NonPnpControlDevice.FILE_CONTEXT.get(fileObject);
        long processId = file != null && file.requestor != null
                ? file.requestor.processId() : request.requestor().processId();
        output.value().order(ByteOrder.LITTLE_ENDIAN).putLong(0, processId);
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, NonPnpDriver.REQUESTOR_PID_LENGTH);
    }

    /** {@link NonPnpDriver#IOCTL_NONPNP_GET_STATS}: the four counters, little-endian. */
    private static void stats(WdfQueue queue, WdfRequest request) {
        NtResult<ByteBuffer> output = request.retrieveOutputBuffer(NonPnpDriver.STATS_LENGTH);
        if (!output.isSuccess()) {
            request.complete(output.status());
            return;
        }
        Stats stats = NonPnpControlDevice.stats(queue.device());
        output.value().order(ByteOrder.LITTLE_ENDIAN)
                .putLong(0, stats.reads())
                .putLong(8, stats.writes())
                .putLong(16, stats.opens())
                .putLong(24, stats.closes());
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, NonPnpDriver.STATS_LENGTH);
    }
}
