package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.wdf4j.fxtest.DeviceTestDrivers.REPORTING;
import static org.wdf4j.fxtest.DeviceTestDrivers.STRICT;
import static org.wdf4j.fxtest.DeviceTestDrivers.WAIT;
import static org.wdf4j.fxtest.DeviceTestDrivers.await;
import static org.wdf4j.fxtest.DeviceTestDrivers.awaitInCallback;
import static org.wdf4j.fxtest.DeviceTestDrivers.describe;
import static org.wdf4j.fxtest.DeviceTestDrivers.result;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxRequestState;
import org.wdf4j.framework.FxRequestStateMachine;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.io.CtlCode;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * WDFREQUEST: completed exactly once, information and buffers, the cancel protocol (markCancelable /
 * unmarkCancelable, markCancelableEx, isCanceled), references past completion, no deletion, exceptions from the
 * driver's handlers, and the request state table.
 *
 * <p>Most tests use a device whose PARALLEL default queue hands every request it presents to the test ("the driver
 * keeps it"); the test then acts as the driver would later, from another context.
 */
class RequestTest {

    private static final int IOCTL_TEST = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x900, CtlCode.METHOD_BUFFERED,
            CtlCode.FILE_ANY_ACCESS);

    private final DeviceTestDrivers drivers = new DeviceTestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    /** A started device whose default queue puts every request it presents into {@code presented}. */
    private DeviceTestDrivers.Rig keeping(String name, VerifierSettings verifier, BlockingQueue<WdfRequest> presented) {
        return drivers.startWithDefaultQueue(name, verifier, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead((q, r, length) -> presented.add(r))
                .withIoWrite((q, r, length) -> presented.add(r))
                .withIoDeviceControl((q, r, out, in, code) -> presented.add(r)));
    }

    private static WdfRequest take(BlockingQueue<WdfRequest> presented) throws InterruptedException {
        WdfRequest r = presented.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r).as("a request presented to the driver within %s", WAIT).isNotNull();
        return r;
    }

    private static void assertRequestFatalError(Throwable thrown, String requestName) {
        assertThat(thrown).isInstanceOf(WdfBugCheck.class);
        WdfBugCheck bugCheck = (WdfBugCheck) thrown;
        assertThat(bugCheck.subCode()).as("%s", bugCheck.getMessage()).isEqualTo(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR);
        assertThat(bugCheck.getMessage()).as("the bug check names the request").contains(requestName);
    }

    // ---------------------------------------------------------------------------------------------
    // Exactly once

    // Exactly once: the client sees one completion; a second completion (the request is gone) is a bug check,
    // WDF_REQUEST_FATAL_ERROR naming the request, and the driver is marked failed (and gets no more I/O callbacks).
    @Test
    void secondCompletionIsARequestFatalErrorNamingTheRequestAndFailsTheDriver() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-twice", STRICT, presented);
        FxFileHandle handle = rig.open();
        FxIrp irp = handle.read(4);
        WdfRequest request = take(presented);
        String name = request.handleName();

        request.complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(rig.globals().failure()).as("one completion is fine").isNull();

        Throwable second = catchThrowable(() -> request.complete(NtStatus.STATUS_UNSUCCESSFUL));
        assertRequestFatalError(second, name);
        assertThat(rig.globals().failure()).as("the driver is marked failed").isNotNull();
        assertThat(rig.globals().failure().subCode()).isEqualTo(WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR);
        assertThat(irp.future().join().status()).as("the client's completion is not changed").isEqualTo(NtStatus.STATUS_SUCCESS);

        // a driver stopped by a bug check gets no more I/O callbacks; the framework answers its requests
        FxIoStatus after = result(handle.read(2));
        assertThat(after.status().isSuccess()).as("a request to a bug-checked driver: %s", after.status()).isFalse();
        assertThat(presented).as("no EvtIoRead for a bug-checked driver").isEmpty();
    }

    // Exactly once, with the driver holding a reference (the handle is still valid): the second completion is still
    // WDF_REQUEST_FATAL_ERROR naming the request.
    @Test
    void secondCompletionOfAReferencedRequestIsARequestFatalError() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-twice-ref", STRICT, presented);
        FxIrp irp = rig.open().read(4);
        WdfRequest request = take(presented);
        request.reference("test");
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, 0);

        Throwable second = catchThrowable(() -> request.complete(NtStatus.STATUS_SUCCESS));
        assertRequestFatalError(second, request.handleName());
        assertThat(rig.globals().failure()).isNotNull();
        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        request.dereference("test");
    }

    // Exactly once: a request waiting in a queue (here: forwarded by the driver to a manual queue) is owned by the
    // framework; the driver completing it is a bug check naming the request, and the client is not completed by it.
    @Test
    void completingARequestWaitingInAQueueIsARequestFatalError() throws Exception {
        AtomicReference<WdfQueue> manual = new AtomicReference<>();
        BlockingQueue<WdfRequest> forwarded = new LinkedBlockingQueue<>();
        AtomicReference<NtStatus> forwardStatus = new AtomicReference<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("req-queued", STRICT, device -> {
            manual.set(DeviceTestDrivers.queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL),
                    WdfObjectAttributes.NONE));
            return WdfQueue.create(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoRead((q, r, length) -> {
                        forwardStatus.set(r.forwardToIoQueue(manual.get()));
                        forwarded.add(r);
                    }), WdfObjectAttributes.NONE).status();
        });
        FxIrp irp = rig.open().read(4);
        WdfRequest request = take(forwarded);
        assertThat(forwardStatus.get()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(manual.get().queueState().queuedRequests()).isEqualTo(1);

        Throwable thrown = catchThrowable(() -> request.complete(NtStatus.STATUS_SUCCESS));
        assertRequestFatalError(thrown, request.handleName());
        assertThat(rig.globals().failure()).isNotNull();
        assertThat(irp.future()).as("the client is not completed by a completion the driver may not make").isNotDone();
    }

    // ---------------------------------------------------------------------------------------------
    // Information and buffers

    // completeWithInformation: for a read and a control code the client receives exactly `information` bytes of
    // what the driver wrote into the output buffer; for a write the information (bytes taken) reaches the client
    // and no bytes; complete() uses the information set with setInformation.
    @Test
    void theClientReceivesExactlyInformationBytes() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-info", STRICT, presented);
        FxFileHandle handle = rig.open();

        FxIrp read = handle.read(16);
        WdfRequest r = take(presented);
        ByteBuffer out = r.retrieveOutputBuffer(16).value();
        for (int i = 0; i < 16; i++) {
            out.put((byte) i);
        }
        r.completeWithInformation(NtStatus.STATUS_SUCCESS, 5);
        FxIoStatus readStatus = result(read);
        assertThat(readStatus.information()).isEqualTo(5);
        assertThat(readStatus.output()).containsExactly(0, 1, 2, 3, 4);

        FxIrp ioctl = handle.deviceIoControl(IOCTL_TEST, "abc".getBytes(StandardCharsets.US_ASCII), 8);
        r = take(presented);
        ByteBuffer in = r.retrieveInputBuffer(3).value();
        ByteBuffer ioctlOut = r.retrieveOutputBuffer(3).value();
        for (int i = 2; i >= 0; i--) {
            ioctlOut.put(in.get(i));
        }
        r.completeWithInformation(NtStatus.STATUS_SUCCESS, 3);
        FxIoStatus ioctlStatus = result(ioctl);
        assertThat(ioctlStatus.information()).isEqualTo(3);
        assertThat(new String(ioctlStatus.output(), StandardCharsets.US_ASCII)).isEqualTo("cba");

        FxIrp write = handle.write(new byte[10]);
        take(presented).completeWithInformation(NtStatus.STATUS_SUCCESS, 10);
        FxIoStatus writeStatus = result(write);
        assertThat(writeStatus.information()).isEqualTo(10);
        assertThat(writeStatus.output()).isEmpty();

        FxIrp read2 = handle.read(8);
        r = take(presented);
        r.retrieveOutputBuffer(2).value().put((byte) 7).put((byte) 8).put((byte) 9);
        r.setInformation(2);
        assertThat(r.information()).isEqualTo(2);
        r.complete(NtStatus.STATUS_SUCCESS);
        FxIoStatus read2Status = result(read2);
        assertThat(read2Status.information()).isEqualTo(2);
        assertThat(read2Status.output()).containsExactly(7, 8);
        assertThat(rig.globals().findings()).isEmpty();
    }

    // Buffers: the input buffer of a write and of a control code, the output buffer of a read and of a control
    // code, each from 0 to its length; a minimum longer than the buffer is STATUS_BUFFER_TOO_SMALL; the wrong kind
    // (input of a read, output of a write) is STATUS_INVALID_DEVICE_REQUEST.
    @Test
    void buffersHaveTheirLengthsAndRefuseTooLargeMinimumsAndTheWrongKind() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-buffers", STRICT, presented);
        FxFileHandle handle = rig.open();

        FxIrp write = handle.write("hello".getBytes(StandardCharsets.US_ASCII));
        WdfRequest w = take(presented);
        assertThat(w.parameters().type()).isEqualTo(WdfRequestType.WRITE);
        assertThat(w.parameters().length()).isEqualTo(5);
        NtResult<ByteBuffer> input = w.retrieveInputBuffer(5);
        assertThat(input.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(input.value().position()).isZero();
        assertThat(input.value().remaining()).isEqualTo(5);
        byte[] data = new byte[5];
        input.value().get(data);
        assertThat(new String(data, StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(w.retrieveInputBuffer(6).status()).isEqualTo(NtStatus.STATUS_BUFFER_TOO_SMALL);
        assertThat(w.retrieveOutputBuffer(1).status()).as("a write has no output buffer")
                .isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        w.completeWithInformation(NtStatus.STATUS_SUCCESS, 5);
        assertThat(result(write).status()).isEqualTo(NtStatus.STATUS_SUCCESS);

        FxIrp read = handle.read(4);
        WdfRequest r = take(presented);
        assertThat(r.parameters().length()).isEqualTo(4);
        assertThat(r.retrieveInputBuffer(0).status()).as("a read has no input buffer")
                .isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        NtResult<ByteBuffer> output = r.retrieveOutputBuffer(4);
        assertThat(output.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(output.value().position()).isZero();
        assertThat(output.value().remaining()).isEqualTo(4);
        assertThat(r.retrieveOutputBuffer(5).status()).isEqualTo(NtStatus.STATUS_BUFFER_TOO_SMALL);
        r.complete(NtStatus.STATUS_SUCCESS);
        result(read);

        FxIrp ioctl = handle.deviceIoControl(IOCTL_TEST, new byte[3], 2);
        WdfRequest c = take(presented);
        assertThat(c.parameters().ioControlCode()).isEqualTo(IOCTL_TEST);
        assertThat(c.parameters().inputBufferLength()).isEqualTo(3);
        assertThat(c.parameters().outputBufferLength()).isEqualTo(2);
        assertThat(c.retrieveInputBuffer(3).value().remaining()).isEqualTo(3);
        assertThat(c.retrieveInputBuffer(4).status()).isEqualTo(NtStatus.STATUS_BUFFER_TOO_SMALL);
        assertThat(c.retrieveOutputBuffer(2).value().remaining()).isEqualTo(2);
        assertThat(c.retrieveOutputBuffer(3).status()).isEqualTo(NtStatus.STATUS_BUFFER_TOO_SMALL);
        c.complete(NtStatus.STATUS_SUCCESS);
        result(ioctl);
        assertThat(rig.globals().failure()).isNull();
    }

    // Buffers (WdfRequest javadoc): an empty buffer answers STATUS_BUFFER_TOO_SMALL, as in WDF: the output buffer of a
    // control code sent without one, the input buffer of a control code sent without input (whatever the minimum).
    @Test
    void anEmptyBufferOfAControlCodeIsTooSmall() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-nobuffer", STRICT, presented);
        FxFileHandle handle = rig.open();

        FxIrp noOutput = handle.deviceIoControl(IOCTL_TEST, new byte[3], 0);
        WdfRequest c1 = take(presented);
        NtStatus output = c1.retrieveOutputBuffer(0).status();
        NtStatus inputOfC1 = c1.retrieveInputBuffer(0).status();
        c1.complete(NtStatus.STATUS_SUCCESS);
        result(noOutput);

        FxIrp noInput = handle.deviceIoControl(IOCTL_TEST, null, 4);
        WdfRequest c2 = take(presented);
        NtStatus input = c2.retrieveInputBuffer(0).status();
        NtStatus outputOfC2 = c2.retrieveOutputBuffer(4).status();
        c2.complete(NtStatus.STATUS_SUCCESS);
        result(noInput);

        new DeviceTestDrivers.Problems()
                .checkEqual(output, NtStatus.STATUS_BUFFER_TOO_SMALL,
                        "retrieveOutputBuffer(0) of a control code without output buffer")
                .checkEqual(input, NtStatus.STATUS_BUFFER_TOO_SMALL,
                        "retrieveInputBuffer(0) of a control code without input")
                .checkEqual(inputOfC1, NtStatus.STATUS_SUCCESS, "retrieveInputBuffer(0) of the one with input")
                .checkEqual(outputOfC2, NtStatus.STATUS_SUCCESS, "retrieveOutputBuffer(4) of the one with output")
                .assertNone();
        assertThat(rig.globals().failure()).isNull();
    }

    // ---------------------------------------------------------------------------------------------
    // Cancellation

    // The cancel race: the client cancels a request marked cancelable, so its cancel routine owns it (here it is
    // still running); the driver's unmarkCancelable then answers STATUS_CANCELLED, the driver does not complete it,
    // and the routine completes it: the client sees STATUS_CANCELLED once.
    @Test
    void unmarkAfterACancelAnswersCancelledAndTheCancelRoutineCompletes() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-unmark-race", STRICT, presented);
        FxIrp irp = rig.open().read(4);
        WdfRequest request = take(presented);
        assertThat(request.isCanceled()).isFalse();
        CountDownLatch inRoutine = new CountDownLatch(1);
        CountDownLatch finishRoutine = new CountDownLatch(1);
        List<String> calls = new CopyOnWriteArrayList<>();
        request.markCancelable(r -> {
            calls.add("cancel routine");
            inRoutine.countDown();
            awaitInCallback(finishRoutine);
            r.complete(NtStatus.STATUS_CANCELLED);
        });

        CompletableFuture<Boolean> cancel = CompletableFuture.supplyAsync(irp::cancel);
        await(inRoutine, "the cancel routine");
        assertThat(request.isCanceled()).isTrue();
        assertThat(request.unmarkCancelable()).as("the cancel routine owns the request")
                .isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(irp.future()).as("the driver does not complete it; the routine will").isNotDone();
        finishRoutine.countDown();

        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        DeviceTestDrivers.get(cancel, "the client's cancel");
        assertThat(calls).containsExactly("cancel routine");
        assertThat(rig.globals().failure()).isNull();
        assertThat(rig.globals().findings()).isEmpty();
    }

    // The other side of the race: unmarked before any cancel, the driver owns the request again (STATUS_SUCCESS),
    // completes it, and a later cancel finds nothing to cancel; the routine never runs.
    @Test
    void unmarkBeforeACancelAnswersSuccessAndTheDriverCompletes() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-unmark", STRICT, presented);
        FxIrp irp = rig.open().read(4);
        WdfRequest request = take(presented);
        List<String> calls = new CopyOnWriteArrayList<>();
        request.markCancelable(r -> calls.add("cancel routine"));
        assertThat(request.unmarkCancelable()).isEqualTo(NtStatus.STATUS_SUCCESS);
        request.complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(irp.cancel()).as("nothing left to cancel").isFalse();
        assertThat(calls).isEmpty();
        assertThat(rig.globals().findings()).isEmpty();
    }

    // markCancelable on a request the client already cancelled (while the driver held it, not cancelable): the cancel
    // routine runs at once, before markCancelable returns, and completes the request.
    @Test
    void markCancelableOnACancelledRequestRunsTheRoutineBeforeReturning() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-mark-cancelled", STRICT, presented);
        FxIrp irp = rig.open().read(4);
        WdfRequest request = take(presented);
        assertThat(irp.cancel()).as("the request is in flight").isTrue();
        assertThat(irp.future()).as("a request the driver holds, not cancelable, is not completed by a cancel").isNotDone();
        assertThat(request.isCanceled()).isTrue();

        List<String> calls = new CopyOnWriteArrayList<>();
        request.markCancelable(r -> {
            calls.add("cancel routine");
            r.complete(NtStatus.STATUS_CANCELLED);
        });
        calls.add("markCancelable returned");

        assertThat(calls).containsExactly("cancel routine", "markCancelable returned");
        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(rig.globals().findings()).isEmpty();
    }

    // markCancelableEx on a cancelled request answers STATUS_CANCELLED, does not mark it nor call the routine, and the
    // driver completes it itself; on a request not cancelled it answers STATUS_SUCCESS.
    @Test
    void markCancelableExOnACancelledRequestAnswersCancelledAndTheDriverCompletes() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-mark-ex", STRICT, presented);
        FxFileHandle handle = rig.open();
        List<String> calls = new CopyOnWriteArrayList<>();

        FxIrp cancelled = handle.read(4);
        WdfRequest request = take(presented);
        cancelled.cancel();
        assertThat(request.markCancelableEx(r -> calls.add("cancel routine"))).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(calls).as("the routine of markCancelableEx is not called for a cancelled request").isEmpty();
        request.complete(NtStatus.STATUS_CANCELLED);
        assertThat(result(cancelled).status()).isEqualTo(NtStatus.STATUS_CANCELLED);

        FxIrp live = handle.read(4);
        WdfRequest other = take(presented);
        assertThat(other.markCancelableEx(r -> {
            calls.add("cancel routine of the live one");
            r.complete(NtStatus.STATUS_CANCELLED);
        })).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(other.isCanceled()).isFalse();
        live.cancel();
        assertThat(result(live).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(calls).containsExactly("cancel routine of the live one");
        assertThat(rig.globals().findings()).isEmpty();
    }

    // Marking a request cancelable twice is a bug check (WDF_REQUEST_FATAL_ERROR naming the request).
    @Test
    void markingARequestCancelableTwiceIsABugCheck() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-mark-twice", STRICT, presented);
        rig.open().read(4);
        WdfRequest request = take(presented);
        request.markCancelable(r -> r.complete(NtStatus.STATUS_CANCELLED));
        Throwable thrown = catchThrowable(
                () -> request.markCancelable(r -> r.complete(NtStatus.STATUS_CANCELLED)));
        assertRequestFatalError(thrown, request.handleName());
        assertThat(rig.globals().failure()).isNotNull();
    }

    // ---------------------------------------------------------------------------------------------
    // References, deletion, exceptions

    // After completion a request the driver referenced stays usable (its parameters, information, requestor) until
    // it dereferences it; then any call is a bug check (WDF_INVALID_HANDLE).
    @Test
    void aReferencedRequestStaysUsableAfterCompletionUntilDereferenced() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-ref", STRICT, presented);
        FxIrp irp = rig.open().read(8);
        WdfRequest request = take(presented);
        request.reference("kept past completion");
        request.retrieveOutputBuffer(3).value().put(new byte[] {1, 2, 3});
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, 3);
        assertThat(result(irp).output()).containsExactly(1, 2, 3);

        assertThat(request.information()).isEqualTo(3);
        assertThat(request.parameters().length()).isEqualTo(8);
        assertThat(request.requestor()).isEqualTo(DeviceTestDrivers.CLIENT);
        assertThat(rig.globals().findings()).isEmpty();

        request.dereference("kept past completion");
        Throwable thrown = catchThrowable(request::parameters);
        assertThat(thrown).isInstanceOf(WdfBugCheck.class);
        assertThat(((WdfBugCheck) thrown).subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_HANDLE);
    }

    // Requests cannot be deleted: delete answers STATUS_CANNOT_DELETE (reported), and the request is left as it was,
    // still the driver's to complete.
    @Test
    void aRequestCannotBeDeleted() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = keeping("req-delete", REPORTING, presented);
        FxIrp irp = rig.open().read(4);
        WdfRequest request = take(presented);
        assertThat(request.delete()).isEqualTo(NtStatus.STATUS_CANNOT_DELETE);
        assertThat(rig.globals().findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.VIOLATION);
            assertThat(f.rule()).isEqualTo("STATUS_CANNOT_DELETE");
        });
        assertThat(irp.future()).isNotDone();
        request.complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(rig.globals().failure()).isNull();
    }

    // An exception thrown by EvtIoRead: the request the driver still owns is completed with
    // STATUS_DRIVER_INTERNAL_ERROR (the client does not wait forever), the exception is reported as a finding, and the
    // driver goes on serving requests.
    @Test
    void anExceptionFromEvtIoReadCompletesTheRequestWithDriverInternalError() throws Exception {
        DeviceTestDrivers.Rig rig = drivers.startWithDefaultQueue("req-throws", STRICT,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL).withIoRead((q, r, length) -> {
                    if (length == 1) {
                        throw new IllegalStateException("boom in EvtIoRead");
                    }
                    r.complete(NtStatus.STATUS_SUCCESS);
                }));
        FxFileHandle handle = rig.open();
        assertThat(result(handle.read(1)).status()).isEqualTo(NtStatus.STATUS_DRIVER_INTERNAL_ERROR);
        assertThat(rig.globals().findings()).as(describe(rig.globals())).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.EXCEPTION);
            assertThat(f.rule()).isEqualTo(IllegalStateException.class.getName());
            assertThat(f.message()).contains("boom in EvtIoRead");
        });
        assertThat(rig.globals().failure()).isNull();
        assertThat(result(handle.read(2)).status()).as("the sequential queue goes on").isEqualTo(NtStatus.STATUS_SUCCESS);
    }

    // ---------------------------------------------------------------------------------------------
    // The state table

    // Exactly once as data: COMPLETED and ABANDONED have no way out, COMPLETED is reached only by COMPLETE (and
    // ABANDONED only by ABANDON); a second COMPLETE is not in the table.
    @Test
    void theStateTableMakesCompletionFinalAndReachableOnlyByComplete() {
        Map<FxRequestState, Map<FxRequestState.Event, FxRequestState>> table = FxRequestStateMachine.asMap();
        assertThat(table.getOrDefault(FxRequestState.COMPLETED, Map.of())).as("out of COMPLETED").isEmpty();
        assertThat(table.getOrDefault(FxRequestState.ABANDONED, Map.of())).as("out of ABANDONED").isEmpty();
        table.forEach((from, row) -> row.forEach((event, to) -> {
            if (to == FxRequestState.COMPLETED) {
                assertThat(event).as("%s -> COMPLETED", from).isEqualTo(FxRequestState.Event.COMPLETE);
            }
            if (event == FxRequestState.Event.COMPLETE) {
                assertThat(to).as("COMPLETE from %s", from).isEqualTo(FxRequestState.COMPLETED);
            }
            if (to == FxRequestState.ABANDONED) {
                assertThat(event).as("%s -> ABANDONED", from).isEqualTo(FxRequestState.Event.ABANDON);
            }
        }));
        assertThat(FxRequestStateMachine.next(FxRequestState.COMPLETED, FxRequestState.Event.COMPLETE)).isNull();
        for (FxRequestState.Event e : FxRequestState.Event.values()) {
            assertThat(FxRequestStateMachine.next(FxRequestState.COMPLETED, e)).as("COMPLETED + %s", e).isNull();
            assertThat(FxRequestStateMachine.next(FxRequestState.ABANDONED, e)).as("ABANDONED + %s", e).isNull();
        }
        // every state but the two final ones can be completed (by the framework, the driver or the cancel routine)
        for (FxRequestState s : List.of(FxRequestState.QUEUED, FxRequestState.DRIVER, FxRequestState.CANCELABLE,
                FxRequestState.CANCEL_ROUTINE)) {
            assertThat(FxRequestStateMachine.next(s, FxRequestState.Event.COMPLETE)).as("COMPLETE from %s", s)
                    .isEqualTo(FxRequestState.COMPLETED);
        }
    }
}
