package org.wdf4j.io;

import java.nio.ByteBuffer;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfFileObject;
import org.wdf4j.object.WdfObject;

/**
 * {@code WDFREQUEST}: one I/O request. The framework makes it when a client reads, writes, sends a control code or
 * opens the device, and presents it to the driver through a queue; from then on the driver owns it and must complete
 * it exactly once ({@link #complete}), or hand it on ({@link #forwardToIoQueue}, {@link #requeue}).
 *
 * <h2>Exactly once</h2>
 * Completing a request twice, or completing one that the framework or a cancel routine owns, is a bug check
 * (WDF_REQUEST_FATAL_ERROR) naming the request. After completion the request is gone: calling any method on it is a
 * bug check (WDF_INVALID_HANDLE) unless the driver holds a reference ({@link #reference}).
 *
 * <h2>Cancellation</h2>
 * A request waiting in a queue is cancelled by the framework. A request the driver holds can be cancelled only while
 * the driver has marked it cancelable ({@link #markCancelable}); the cancel routine then owns it. The race between a
 * driver completing and a client cancelling is settled by {@link #unmarkCancelable()}: when it answers
 * STATUS_CANCELLED the cancel routine has (or will) run and will complete the request, so the driver must not.
 *
 * <p>The framework does not delete a request for the driver: requests cannot be deleted (STATUS_CANNOT_DELETE).
 */
public interface WdfRequest extends WdfObject {

    /** {@code WdfRequestComplete}: completes with {@code status} and the information already set. IRQL {@code <= DISPATCH_LEVEL}. */
    void complete(NtStatus status);

    /**
     * {@code WdfRequestCompleteWithInformation}: completes with {@code status} and {@code information} (for reads and
     * control codes: the number of bytes written into the output buffer, which the client receives; for writes: the
     * bytes taken). IRQL {@code <= DISPATCH_LEVEL}.
     */
    void completeWithInformation(NtStatus status, long information);

    /** {@code WdfRequestSetInformation}. IRQL {@code <= DISPATCH_LEVEL}. */
    void setInformation(long information);

    /** {@code WdfRequestGetInformation}. IRQL {@code <= DISPATCH_LEVEL}. */
    long information();

    /** {@code WdfRequestGetParameters}. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfRequestParameters parameters();

    /**
     * {@code WdfRequestRetrieveInputBuffer}: the data of a write or the input of a control code, as a buffer from 0
     * to its length (the driver may read it; the client never sees changes). IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the buffer; STATUS_BUFFER_TOO_SMALL when it is empty (a write of nothing, a control code sent without
     *     input) or shorter than {@code minimumRequiredLength}, as in WDF; STATUS_INVALID_DEVICE_REQUEST for a request
     *     of a type that has no input (a read)
     */
    NtResult<ByteBuffer> retrieveInputBuffer(long minimumRequiredLength);

    /**
     * {@code WdfRequestRetrieveOutputBuffer}: where a read or a control code puts its result, as a buffer from 0 to the
     * length the client asked for. What the driver writes there, up to the information it completes with, is what
     * the client receives. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the buffer; STATUS_BUFFER_TOO_SMALL when it is empty (a control code sent without an output buffer) or
     *     shorter than {@code minimumRequiredLength}, as in WDF; STATUS_INVALID_DEVICE_REQUEST for a request of a type
     *     that has no output (a write)
     */
    NtResult<ByteBuffer> retrieveOutputBuffer(long minimumRequiredLength);

    /**
     * {@code WdfRequestMarkCancelable}: lets the request be cancelled while the driver holds it; on cancel,
     * {@code cancelRoutine} runs and owns the request. When the request was already cancelled the routine runs at once,
     * before this returns. IRQL {@code <= DISPATCH_LEVEL}. Marking a request twice is a bug check.
     */
    void markCancelable(EvtRequestCancel cancelRoutine);

    /**
     * {@code WdfRequestMarkCancelableEx}: as {@link #markCancelable}, but a request already cancelled is not marked and
     * its routine not called: the answer is STATUS_CANCELLED and the driver completes the request itself.
     */
    NtStatus markCancelableEx(EvtRequestCancel cancelRoutine);

    /**
     * {@code WdfRequestUnmarkCancelable}: the request can no longer be cancelled. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return STATUS_SUCCESS: the driver owns the request again; STATUS_CANCELLED: the cancel routine owns it (it has
     *     run or is about to run) and the driver must not complete it
     */
    NtStatus unmarkCancelable();

    /** {@code WdfRequestIsCanceled}: whether the client (or the framework) asked to cancel the request. */
    boolean isCanceled();

    /**
     * {@code WdfRequestForwardToIoQueue}: puts a request the driver owns into another queue of the same device; the
     * driver no longer owns it. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return STATUS_SUCCESS; STATUS_INVALID_DEVICE_REQUEST for the queue the request is in, or a queue of another
     *     device; STATUS_INVALID_DEVICE_STATE (or STATUS_WDF_BUSY) when the target accepts no requests
     */
    NtStatus forwardToIoQueue(WdfQueue destination);

    /** {@code WdfRequestRequeue}: puts the request back at the head of the queue it came from. IRQL {@code <= DISPATCH_LEVEL}. */
    NtStatus requeue();

    /**
     * {@code WdfRequestStopAcknowledge}: from {@link EvtIoStop}, the driver keeps the request across the stop
     * ({@code requeue} false: it gets {@link EvtIoResume} when the queue restarts) or gives it back to the queue
     * ({@code requeue} true: presented again when the queue restarts). IRQL {@code <= DISPATCH_LEVEL}.
     */
    void stopAcknowledge(boolean requeue);

    /** {@code WdfRequestGetIoQueue}: the queue the request was presented from, or null (a create request may have none). */
    WdfQueue queue();

    /** {@code WdfRequestGetFileObject}: the open the request was sent through. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfFileObject fileObject();

    /** {@code WdfRequestGetRequestorProcessId} and the requestor's user and group. IRQL {@code <= DISPATCH_LEVEL}. */
    WdfRequestor requestor();
}
