package org.wdf4j.io;

import java.nio.ByteBuffer;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfFileObject;
import org.wdf4j.memory.WdfMemory;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.spi.WdfFunctions;

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
 * <h2>Sending</h2>
 * A driver passes a request it received to another driver through an I/O target ({@link WdfIoTarget}): it formats it
 * ({@link #formatRequestUsingCurrentType()}, or a target's {@code formatRequestFor} methods), optionally sets a
 * completion routine ({@link #setCompletionRoutine}), and sends it ({@link #send}). While sent, the request belongs to
 * the lower driver: the sender cannot complete it, and a cancel of it (by its requestor, by
 * {@link #cancelSentRequest()}, by the target's stop) goes down to the lower driver. When the lower driver completes
 * it, the completion routine runs once and the sender owns the request again. A driver may also make requests of its
 * own ({@link #create}) to send; it deletes or {@link #reuse}s those instead of completing them.
 *
 * <p>The framework does not delete a request for the driver: requests the framework made cannot be deleted
 * (STATUS_CANNOT_DELETE); requests the driver made can.
 */
public interface WdfRequest extends WdfObject {

    /**
     * {@code WdfRequestCreate}: a request the driver sends itself. Its parent is the driver object unless the
     * attributes name another. It is the driver's until deleted; it is never completed by the driver (a completion
     * is a bug check): after a send, {@link #reuse} it or delete it. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @param ioTarget the target it will be sent to, or null (unused; WDF sizes the request for it)
     * @return the request; STATUS_INSUFFICIENT_RESOURCES; STATUS_DELETE_PENDING
     */
    static NtResult<WdfRequest> create(WdfObjectAttributes attributes, WdfIoTarget ioTarget) {
        return WdfFunctions.get().requestCreate(attributes, ioTarget);
    }

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

    // ---------------------------------------------------------------------------------------------
    // Memory objects

    /**
     * {@code WdfRequestRetrieveInputMemory}: the input buffer as a memory object (see {@link #retrieveInputBuffer} for
     * which requests have one). It belongs to the request: it goes when the request completes, and the driver cannot
     * delete it. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the memory; STATUS_BUFFER_TOO_SMALL when the buffer is empty; STATUS_INVALID_DEVICE_REQUEST for a request
     *     without input
     */
    NtResult<WdfMemory> retrieveInputMemory();

    /** {@code WdfRequestRetrieveOutputMemory}: the output buffer as a memory object; as {@link #retrieveInputMemory}. */
    NtResult<WdfMemory> retrieveOutputMemory();

    // ---------------------------------------------------------------------------------------------
    // Sending

    /**
     * {@code WdfRequestFormatRequestUsingCurrentType}: the next send passes the request down as it came: same type,
     * same parameters, same buffers (the lower driver reads this request's input and fills its output). IRQL
     * {@code <= DISPATCH_LEVEL}. For a request the driver owns (received, or created and formatted before).
     */
    void formatRequestUsingCurrentType();

    /**
     * {@code WdfRequestSetCompletionRoutine}: the routine called when the lower driver completes the request after
     * the next {@link #send}; null removes it. IRQL {@code <= DISPATCH_LEVEL}.
     */
    void setCompletionRoutine(EvtRequestCompletionRoutine completionRoutine);

    /**
     * {@code WdfRequestSend}: sends the formatted request to {@code target}. IRQL {@code <= DISPATCH_LEVEL}
     * (PASSIVE_LEVEL when synchronous). Sending a request that is marked cancelable, or that the driver does not own,
     * is a bug check (WDF_REQUEST_FATAL_ERROR).
     *
     * @param options null for an asynchronous send without a timeout
     * @return true when the request was sent (asynchronously: the completion routine will run; synchronously: it is
     *     completed, and {@link #status()} says how); false when the target did not take it ({@link #status()} says
     *     why, e.g. STATUS_INVALID_DEVICE_STATE for a closed target): the driver still owns it and no completion
     *     routine runs
     */
    boolean send(WdfIoTarget target, WdfRequestSendOptions options);

    /**
     * {@code WdfRequestGetStatus}: the status of the last send: STATUS_PENDING while sent, then the status it was
     * completed with by the lower driver (or why the send failed). IRQL {@code <= DISPATCH_LEVEL}.
     */
    NtStatus status();

    /**
     * {@code WdfRequestGetCompletionParams}: how the last send ended (null before the first one completed).
     * IRQL {@code <= DISPATCH_LEVEL}.
     */
    WdfRequestCompletionParams completionParams();

    /**
     * {@code WdfRequestCancelSentRequest}: asks the driver below to cancel the request this driver sent. The lower
     * driver's cancel routine runs (if it marked the request cancelable); the completion routine still runs once,
     * when the lower driver completes it. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return true when the request was still sent (the cancel was delivered); false when it had already come back
     */
    boolean cancelSentRequest();

    /**
     * {@code WdfRequestReuse}: makes a request the driver created, and that is not sent, ready to be formatted and
     * sent again, with {@code status} as its status. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return STATUS_SUCCESS; STATUS_INVALID_DEVICE_REQUEST for a request the framework made, or one that is sent
     */
    NtStatus reuse(NtStatus status);
}
