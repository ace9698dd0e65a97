package org.wdf4j.io;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.memory.WdfMemory;
import org.wdf4j.memory.WdfMemoryOffset;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.spi.WdfFunctions;

/**
 * {@code WDFIOTARGET}: where a driver sends requests. Every device but the bottom one of its stack has a default
 * (local) target, the next lower device ({@link WdfDevice#ioTarget()}); a driver opens a remote target to another
 * device by name or by the symbolic link of its interface ({@link #create} then {@link #open}).
 *
 * <p>A target is started, stopped or closed ({@link WdfIoTargetState}). While it is stopped, requests sent to it wait
 * in it and are delivered when it starts again; {@link #stop} says what happens to those already delivered. A target
 * is a child of its device (or of the object its attributes name); the framework cancels what it has delivered and
 * closes it when the device is removed.
 *
 * <p>Sending: format a request for the target (a request received with
 * {@link WdfRequest#formatRequestUsingCurrentType()}, or any request with one of the {@code formatRequestFor} methods
 * here), optionally set a completion routine, then {@link WdfRequest#send}.
 */
public interface WdfIoTarget extends WdfObject {

    /**
     * {@code WdfIoTargetCreate}: a remote I/O target of {@code device}, closed until {@link #open}. Its parent is
     * the device unless the attributes name another object below it. IRQL PASSIVE_LEVEL.
     *
     * @return the target; STATUS_INSUFFICIENT_RESOURCES; STATUS_DELETE_PENDING
     */
    static NtResult<WdfIoTarget> create(WdfDevice device, WdfObjectAttributes attributes) {
        return WdfFunctions.get().ioTargetCreate(device, attributes);
    }

    /**
     * {@code WdfIoTargetOpen}: opens the device named in {@code params}; the target is started. IRQL PASSIVE_LEVEL.
     *
     * <p>The callbacks of {@code params} follow the opened device's life (ST9): a query-remove of it, a removal
     * cancelled, a removal completed (or a surprise removal).
     *
     * @return STATUS_SUCCESS; STATUS_OBJECT_NAME_NOT_FOUND when no device has that name;
     *     STATUS_INVALID_DEVICE_REQUEST for a default target or one already open; STATUS_NOT_SUPPORTED when the device
     *     runs where this driver cannot reach it yet (in another driver host)
     */
    NtStatus open(WdfIoTargetOpenParams params);

    /**
     * {@code WdfIoTargetClose}: cancels what the target delivered, waits until each is completed, fails what waits in
     * it with STATUS_CANCELLED, and closes it; it may be opened again. IRQL PASSIVE_LEVEL.
     */
    void close();

    /**
     * {@code WdfIoTargetCloseForQueryRemove}: in {@link EvtIoTargetQueryRemove}, lets go of the device about to be
     * removed as {@link #close()} does, but keeps what the target needs to be reopened when the removal is cancelled
     * ({@link WdfIoTargetOpenParams#reopen()}); its state is {@link WdfIoTargetState#CLOSED_FOR_QUERY_REMOVE}. IRQL
     * PASSIVE_LEVEL.
     */
    void closeForQueryRemove();

    /**
     * {@code WdfIoTargetStart}: delivers requests again, the waiting ones first. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return STATUS_SUCCESS; STATUS_INVALID_DEVICE_STATE for a closed or deleted target
     */
    NtStatus start();

    /**
     * {@code WdfIoTargetStop}: stops delivering; {@code action} says what happens to requests already delivered. IRQL
     * PASSIVE_LEVEL for {@link WdfIoTargetSentIoAction#CANCEL_SENT_IO} and
     * {@link WdfIoTargetSentIoAction#WAIT_FOR_SENT_IO_TO_COMPLETE} (they wait, bounded by the verifier's wait
     * timeout), {@code <= DISPATCH_LEVEL} for {@link WdfIoTargetSentIoAction#LEAVE_SENT_IO_PENDING}.
     */
    void stop(WdfIoTargetSentIoAction action);

    /** {@code WdfIoTargetGetState}. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfIoTargetState targetState();

    /** {@code WdfIoTargetGetDevice}: the device that owns this target (not the device it sends to). */
    WdfDevice device();

    /**
     * {@code WdfIoTargetFormatRequestForRead}: the next send of {@code request} is a read into {@code outputBuffer}
     * (the part {@code outputOffset} names, or all of it when null), at {@code deviceOffset}. IRQL
     * {@code <= DISPATCH_LEVEL}.
     *
     * @return STATUS_SUCCESS; STATUS_INVALID_PARAMETER when the offset lies outside the buffer; STATUS_INVALID_DEVICE_REQUEST
     *     when the request is not the driver's to format (queued, sent, completed)
     */
    NtStatus formatRequestForRead(WdfRequest request, WdfMemory outputBuffer, WdfMemoryOffset outputOffset,
                                  long deviceOffset);

    /** {@code WdfIoTargetFormatRequestForWrite}: as {@link #formatRequestForRead}, for a write of {@code inputBuffer}. */
    NtStatus formatRequestForWrite(WdfRequest request, WdfMemory inputBuffer, WdfMemoryOffset inputOffset,
                                   long deviceOffset);

    /**
     * {@code WdfIoTargetFormatRequestForIoctl}: a device I/O control with {@code ioctlCode}, its input from
     * {@code inputBuffer} and its output into {@code outputBuffer} (either may be null: none).
     */
    NtStatus formatRequestForIoctl(WdfRequest request, int ioctlCode, WdfMemory inputBuffer,
                                   WdfMemoryOffset inputOffset, WdfMemory outputBuffer, WdfMemoryOffset outputOffset);

    /** {@code WdfIoTargetFormatRequestForInternalIoctl}: as {@link #formatRequestForIoctl}, an internal control. */
    NtStatus formatRequestForInternalIoctl(WdfRequest request, int ioctlCode, WdfMemory inputBuffer,
                                           WdfMemoryOffset inputOffset, WdfMemory outputBuffer,
                                           WdfMemoryOffset outputOffset);
}
