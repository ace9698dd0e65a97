package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.wdf4j.fxtest.DeviceTestDrivers.REPORTING;
import static org.wdf4j.fxtest.DeviceTestDrivers.STRICT;
import static org.wdf4j.fxtest.DeviceTestDrivers.WAIT;
import static org.wdf4j.fxtest.DeviceTestDrivers.result;
import static org.wdf4j.fxtest.StackTestDrivers.completing;
import static org.wdf4j.fxtest.StackTestDrivers.level;
import static org.wdf4j.fxtest.StackTestDrivers.node;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIoTargetState;
import org.wdf4j.framework.FxIoTargetStateMachine;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.FxRequestState;
import org.wdf4j.framework.FxRequestStateMachine;
import org.wdf4j.io.CtlCode;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfIoTarget;
import org.wdf4j.io.WdfIoTargetOpenParams;
import org.wdf4j.io.WdfIoTargetSentIoAction;
import org.wdf4j.io.WdfIoTargetState;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestCompletionParams;
import org.wdf4j.io.WdfRequestSendOptions;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.memory.WdfMemory;
import org.wdf4j.memory.WdfMemoryOffset;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * I/O targets and sending (ST5, ST6, ST7, ST8): remote targets by name, target stop and start with the three
 * actions, synchronous sends with a timeout, send-and-forget, driver-created requests and their reuse, completion
 * parameters, cancellation of sent requests (by the sender, by the requestor, by the target's stop), internal device
 * controls and memory objects.
 */
class IoTargetTest {

    private static final int IOCTL_INTERNAL_ECHO = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x801, CtlCode.METHOD_BUFFERED,
            CtlCode.FILE_ANY_ACCESS);

    private final StackTestDrivers stacks = new StackTestDrivers();

    @AfterEach
    void stopDrivers() {
        stacks.stopAll();
    }

    /**
     * A bottom driver that keeps every read it gets, marked cancelable; its cancel routine records the cancel and
     * completes the request with STATUS_CANCELLED.
     */
    private static WdfIoQueueConfig holding(BlockingQueue<WdfRequest> held, Queue<String> calls) {
        return WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead((q, r, length) -> {
                    r.markCancelable(c -> {
                        calls.add("lower cancel routine");
                        c.complete(NtStatus.STATUS_CANCELLED);
                    });
                    held.add(r);
                });
    }

    /**
     * An upper filter that forwards reads with a completion routine (recorded, then the request completed upward
     * with the lower status) and hands the forwarded request to the test.
     */
    private static WdfIoQueueConfig forwardingAndShowing(BlockingQueue<WdfRequest> sent, Queue<String> calls) {
        return WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead((q, r, length) -> {
                    r.formatRequestUsingCurrentType();
                    r.setCompletionRoutine((request, target, params) -> {
                        calls.add("completion routine " + params.status().name());
                        request.completeWithInformation(params.status(), params.information());
                    });
                    r.reference("test");
                    sent.add(r);
                    if (!r.send(q.device().ioTarget(), null)) {
                        r.complete(r.status());
                    }
                });
    }

    /** Two levels: a driver {@link #holding} every read, under a filter {@link #forwardingAndShowing} them. */
    private StackTestDrivers.Built holdingBelowAFilter(String name, BlockingQueue<WdfRequest> held,
                                                      BlockingQueue<WdfRequest> sent, Queue<String> calls) {
        return stacks.build(node(name), STRICT, level(name + "-bottom", false, holding(held, calls)),
                level(name + "-filter", true, forwardingAndShowing(sent, calls)));
    }

    private static <T> T take(BlockingQueue<T> queue, String what) throws InterruptedException {
        T t = queue.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(t).as("%s within %s", what, WAIT).isNotNull();
        return t;
    }

    // ---------------------------------------------------------------------------------------------
    // ST7: cancellation of sent requests

    // ST7: the sender cancels a request it sent (cancelSentRequest): the lower driver's cancel routine runs, the
    // completion routine runs exactly once with STATUS_CANCELLED, and the requestor gets one completion.
    @Test
    void st7_cancelSentRequestRunsTheLowerCancelRoutineAndTheCompletionRoutineOnce() throws Exception {
        BlockingQueue<WdfRequest> held = new LinkedBlockingQueue<>();
        BlockingQueue<WdfRequest> sent = new LinkedBlockingQueue<>();
        Queue<String> calls = StackTestDrivers.order();
        StackTestDrivers.Built built = holdingBelowAFilter("st7-cancel-sent", held, sent, calls);
        FxIrp irp = DeviceTestDrivers.open(built.top()).read(4);
        WdfRequest upper = take(sent, "the forwarded request");
        take(held, "the request at the bottom");

        assertThat(upper.cancelSentRequest()).as("it was still sent").isTrue();
        FxIoStatus status = result(irp);

        assertThat(status.status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(calls).containsExactly("lower cancel routine", "completion routine STATUS_CANCELLED");
        assertThat(irp.future().isDone()).isTrue();
        upper.dereference("test");
    }

    // ST7: the original requestor's cancel (the client's CancelIo) goes down the stack to the driver that has the
    // request; its cancel routine runs and everything completes exactly once upward.
    @Test
    void st7_theRequestorsCancelReachesTheRequestBelow() throws Exception {
        BlockingQueue<WdfRequest> held = new LinkedBlockingQueue<>();
        BlockingQueue<WdfRequest> sent = new LinkedBlockingQueue<>();
        Queue<String> calls = StackTestDrivers.order();
        StackTestDrivers.Built built = stacks.build(node("st7-requestor"), STRICT,
                level("st7rq-bottom", false, holding(held, calls)),
                level("st7rq-middle", true, forwardingAndShowing(sent, calls)),
                level("st7rq-top", true, forwardingAndShowing(sent, calls)));
        FxIrp irp = DeviceTestDrivers.open(built.top()).read(4);
        take(held, "the request at the bottom");

        assertThat(irp.cancel()).isTrue();
        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(calls).containsExactly("lower cancel routine", "completion routine STATUS_CANCELLED",
                "completion routine STATUS_CANCELLED");
        take(sent, "the top's request").dereference("test");
        take(sent, "the middle's request").dereference("test");
    }

    // ST7, ST5: stopping a target with CANCEL_SENT_IO cancels what it delivered (each completes once, upward) and
    // waits for them; requests sent while it is stopped wait in it, and are delivered when it starts again.
    @Test
    void st7_st5_aTargetStopCancelsSentRequestsAndRequestsSentWhileStoppedWaitForTheStart() throws Exception {
        BlockingQueue<WdfRequest> held = new LinkedBlockingQueue<>();
        BlockingQueue<WdfRequest> sent = new LinkedBlockingQueue<>();
        Queue<String> calls = StackTestDrivers.order();
        StackTestDrivers.Built built = holdingBelowAFilter("st7-stop", held, sent, calls);
        FxFileHandle handle = DeviceTestDrivers.open(built.top());
        List<FxIrp> irps = List.of(handle.read(1), handle.read(2), handle.read(3));
        for (int i = 0; i < 3; i++) {
            take(held, "request " + i + " at the bottom");
        }
        WdfIoTarget target = built.device(1).ioTarget();

        target.stop(WdfIoTargetSentIoAction.CANCEL_SENT_IO);

        for (FxIrp irp : irps) {
            assertThat(irp.future().isDone()).as("the stop returned after each sent request came back").isTrue();
            assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        }
        assertThat(calls).filteredOn(c -> c.startsWith("completion routine")).hasSize(3);
        assertThat(target.targetState()).isEqualTo(WdfIoTargetState.STOPPED);

        FxIrp later = handle.read(5);
        take(sent, "a").dereference("test");
        take(sent, "b").dereference("test");
        take(sent, "c").dereference("test");
        WdfRequest waiting = take(sent, "the request sent while stopped");
        assertThat(held.poll(100, TimeUnit.MILLISECONDS)).as("not delivered while the target is stopped").isNull();

        assertThat(target.start()).isEqualTo(NtStatus.STATUS_SUCCESS);
        WdfRequest delivered = take(held, "the request delivered at the start");
        assertThat(delivered.unmarkCancelable()).isEqualTo(NtStatus.STATUS_SUCCESS);
        delivered.completeWithInformation(NtStatus.STATUS_SUCCESS, 5);
        assertThat(result(later).information()).isEqualTo(5);
        waiting.dereference("test");
    }

    // ST5: WAIT_FOR_SENT_IO_TO_COMPLETE waits until the driver below completes what was sent;
    // LEAVE_SENT_IO_PENDING returns at once and leaves it with the driver below.
    @Test
    void st5_stopWaitsForSentIoOrLeavesItPending() throws Exception {
        BlockingQueue<WdfRequest> held = new LinkedBlockingQueue<>();
        BlockingQueue<WdfRequest> sent = new LinkedBlockingQueue<>();
        Queue<String> calls = StackTestDrivers.order();
        StackTestDrivers.Built built = holdingBelowAFilter("st5-stop-actions", held, sent, calls);
        FxIrp irp = DeviceTestDrivers.open(built.top()).read(2);
        WdfRequest below = take(held, "the request at the bottom");
        WdfIoTarget target = built.device(1).ioTarget();

        target.stop(WdfIoTargetSentIoAction.LEAVE_SENT_IO_PENDING);
        assertThat(irp.future().isDone()).as("left pending").isFalse();
        assertThat(target.targetState()).isEqualTo(WdfIoTargetState.STOPPED);

        CompletableFuture<Void> waitingStop = CompletableFuture.runAsync(
                () -> target.stop(WdfIoTargetSentIoAction.WAIT_FOR_SENT_IO_TO_COMPLETE));
        assertThat(catchThrowable(() -> waitingStop.get(100, TimeUnit.MILLISECONDS)))
                .as("the stop waits while the request is with the driver below").isInstanceOf(TimeoutException.class);
        assertThat(below.unmarkCancelable()).isEqualTo(NtStatus.STATUS_SUCCESS);
        below.completeWithInformation(NtStatus.STATUS_SUCCESS, 2);
        DeviceTestDrivers.get(waitingStop, "the waiting stop");
        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(calls).containsExactly("completion routine STATUS_SUCCESS");
        take(sent, "the sent request").dereference("test");
    }

    // ST7 race: the sender cancels a sent request while the driver below completes it; over many rounds the
    // completion routine runs exactly once and the requestor gets exactly one completion, whichever wins.
    @Test
    void st7_aSentRequestCancelledWhileTheLowerDriverCompletesItCompletesOnce() throws Exception {
        BlockingQueue<WdfRequest> held = new LinkedBlockingQueue<>();
        BlockingQueue<WdfRequest> sent = new LinkedBlockingQueue<>();
        AtomicInteger routines = new AtomicInteger();
        AtomicInteger lowerCancels = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean claim = new java.util.concurrent.atomic.AtomicBoolean();
        StackTestDrivers.Built built = stacks.build(node("st7-race"), STRICT,
                level("st7race-bottom", false, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead((q, r, length) -> {
                            r.reference("held");
                            r.markCancelable(c -> {
                                synchronized (claim) {
                                    claim.set(true); // the cancel routine owns it: the completer must not unmark
                                }
                                lowerCancels.incrementAndGet();
                                c.complete(NtStatus.STATUS_CANCELLED);
                            });
                            held.add(r);
                        })),
                level("st7race-filter", true, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead((q, r, length) -> {
                            r.formatRequestUsingCurrentType();
                            r.setCompletionRoutine((request, target, params) -> {
                                routines.incrementAndGet();
                                request.completeWithInformation(params.status(), params.information());
                            });
                            r.reference("race");
                            sent.add(r);
                            r.send(q.device().ioTarget(), null);
                        })));
        FxFileHandle handle = DeviceTestDrivers.open(built.top());
        int rounds = 300;
        int successes = 0;
        for (int i = 0; i < rounds; i++) {
            FxIrp irp = handle.read(1);
            WdfRequest below = take(held, "round " + i);
            WdfRequest upper = take(sent, "round " + i);
            claim.set(false);
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Void> completer = CompletableFuture.runAsync(() -> {
                DeviceTestDrivers.awaitInCallback(go);
                NtStatus unmarked;
                synchronized (claim) {
                    unmarked = claim.get() ? NtStatus.STATUS_CANCELLED : below.unmarkCancelable();
                }
                if (unmarked != NtStatus.STATUS_CANCELLED) {
                    below.completeWithInformation(NtStatus.STATUS_SUCCESS, 1);
                }
            });
            go.countDown();
            upper.cancelSentRequest();
            DeviceTestDrivers.get(completer, "the lower completion of round " + i);
            FxIoStatus status = result(irp);
            assertThat(status.status()).isIn(NtStatus.STATUS_SUCCESS, NtStatus.STATUS_CANCELLED);
            if (status.status().isSuccess()) {
                successes++;
            }
            upper.dereference("race");
            below.dereference("held");
            assertThat(routines).as("one completion routine per round, round %d", i).hasValue(i + 1);
        }
        assertThat(lowerCancels.get() + successes).as("each round was cancelled or completed, not both").isEqualTo(rounds);
        assertThat(built.driver(0).failure()).isNull();
        assertThat(built.driver(1).failure()).isNull();
    }

    // ---------------------------------------------------------------------------------------------
    // ST6: sending

    // ST6: a synchronous send with a timeout, from EvtIoRead at PASSIVE_LEVEL, to a driver that holds the request:
    // at the timeout the framework cancels it below and the send ends with STATUS_IO_TIMEOUT (no completion routine).
    @Test
    void st6_aSynchronousSendWithATimeoutEndsWithStatusIoTimeout() throws Exception {
        BlockingQueue<WdfRequest> held = new LinkedBlockingQueue<>();
        Queue<String> calls = StackTestDrivers.order();
        AtomicReference<Boolean> returned = new AtomicReference<>();
        StackTestDrivers.Built built = stacks.build(node("st6-sync"), STRICT,
                level("st6sync-bottom", false, holding(held, calls)),
                level("st6sync-filter", true, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead((q, r, length) -> {
                            r.formatRequestUsingCurrentType();
                            r.setCompletionRoutine((request, target, params) -> calls.add("completion routine"));
                            returned.set(r.send(q.device().ioTarget(), WdfRequestSendOptions.init().withSynchronous()
                                    .withTimeout(Duration.ofMillis(150))));
                            r.complete(r.status());
                        })));
        FxIoStatus status = result(DeviceTestDrivers.open(built.top()).read(2));
        assertThat(returned).hasValue(true);
        assertThat(status.status()).isEqualTo(NtStatus.STATUS_IO_TIMEOUT);
        assertThat(calls).containsExactly("lower cancel routine");
    }

    // ST6: send-and-forget: the filter hands the request down and is done with it; the driver below completes the
    // requestor's request directly (no completion routine at the filter), and the requestor's cancel reaches it.
    @Test
    void st6_sendAndForgetCompletesTheRequestorsRequestFromBelow() throws Exception {
        BlockingQueue<WdfRequest> held = new LinkedBlockingQueue<>();
        Queue<String> calls = StackTestDrivers.order();
        StackTestDrivers.Built built = stacks.build(node("st6-forget"), STRICT,
                level("st6forget-bottom", false, holding(held, calls)),
                level("st6forget-filter", true, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead((q, r, length) -> {
                            r.formatRequestUsingCurrentType();
                            calls.add("forwarded " + r.send(q.device().ioTarget(),
                                    WdfRequestSendOptions.init().withSendAndForget()));
                        })));
        FxFileHandle handle = DeviceTestDrivers.open(built.top());
        FxIrp first = handle.read(3);
        WdfRequest below = take(held, "the first request at the bottom");
        below.unmarkCancelable();
        below.retrieveOutputBuffer(3).value().put(new byte[] {9, 8, 7});
        below.completeWithInformation(NtStatus.STATUS_SUCCESS, 3);
        assertThat(result(first).output()).containsExactly(9, 8, 7);

        FxIrp second = handle.read(1);
        take(held, "the second request at the bottom");
        second.cancel();
        assertThat(result(second).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(calls).containsExactly("forwarded true", "forwarded true", "lower cancel routine");
    }

    // ST6, ST5, ST8: a driver opens a remote target by name, creates a request, formats it for an internal device
    // control with memory objects, sends it synchronously, reads the completion parameters and the output memory,
    // reuses the request for an asynchronous send with a completion routine, and deletes it: its child memory goes
    // with it (object-tree cleanup).
    @Test
    void st6_st8_aCreatedRequestWithMemoryGoesToARemoteTargetIsReusedAndDeletedWithItsChildren() throws Exception {
        Queue<String> calls = StackTestDrivers.order();
        stacks.build(node("st6-remote"), STRICT, new StackTestDrivers.Level("st6remote-echo",
                init -> init.assignName("st6-echo"), device -> WdfQueue.create(device,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoInternalDeviceControl((q, r, out, in, code) -> {
                            calls.add("internal 0x" + Integer.toHexString(code));
                            WdfMemory input = r.retrieveInputMemory().value();
                            WdfMemory output = r.retrieveOutputMemory().value();
                            byte[] data = new byte[(int) in];
                            input.copyToBuffer(0, data, in);
                            output.copyFromBuffer(0, new StringBuilder(new String(data, StandardCharsets.US_ASCII))
                                    .reverse().toString().getBytes(StandardCharsets.US_ASCII), in);
                            r.completeWithInformation(NtStatus.STATUS_SUCCESS, in);
                        }), WdfObjectAttributes.NONE).status()));
        StackTestDrivers.Built client = stacks.build(node("st6-client"), STRICT,
                level("st6remote-client", false, device -> NtStatus.STATUS_SUCCESS));

        WdfIoTarget remote = WdfIoTarget.create(client.top(), WdfObjectAttributes.NONE).value();
        assertThat(remote.targetState()).isEqualTo(WdfIoTargetState.CLOSED);
        assertThat(remote.open(WdfIoTargetOpenParams.openByName("no-such-device")))
                .isEqualTo(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        assertThat(remote.open(WdfIoTargetOpenParams.openByName("st6-echo"))).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(remote.targetState()).isEqualTo(WdfIoTargetState.STARTED);

        WdfRequest request = WdfRequest.create(WdfObjectAttributes.NONE.withParent(client.top()), remote).value();
        WdfMemory in = WdfMemory.create(WdfObjectAttributes.NONE.withParent(request), 8).value();
        WdfMemory out = WdfMemory.create(WdfObjectAttributes.NONE.withParent(request), 8).value();
        assertThat(in.copyFromBuffer(0, "abcd".getBytes(StandardCharsets.US_ASCII), 4)).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(remote.formatRequestForInternalIoctl(request, IOCTL_INTERNAL_ECHO, in, new WdfMemoryOffset(0, 4),
                out, new WdfMemoryOffset(2, 4))).isEqualTo(NtStatus.STATUS_SUCCESS);

        assertThat(request.send(remote, WdfRequestSendOptions.init().withSynchronous())).isTrue();
        assertThat(request.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        WdfRequestCompletionParams params = request.completionParams();
        assertThat(params.type()).isEqualTo(WdfRequestType.INTERNAL_DEVICE_CONTROL);
        assertThat(params.information()).isEqualTo(4);
        assertThat(params.ioControlCode()).isEqualTo(IOCTL_INTERNAL_ECHO);
        assertThat(params.inputMemory()).isSameAs(in);
        assertThat(params.outputMemory()).isSameAs(out);
        byte[] got = new byte[8];
        assertThat(out.copyToBuffer(0, got, 8)).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(new String(got, 2, 4, StandardCharsets.US_ASCII)).as("the output went at its offset").isEqualTo("dcba");

        assertThat(request.reuse(NtStatus.STATUS_SUCCESS)).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(request.completionParams()).isNull();
        assertThat(remote.formatRequestForInternalIoctl(request, IOCTL_INTERNAL_ECHO, in, new WdfMemoryOffset(0, 2),
                out, null)).isEqualTo(NtStatus.STATUS_SUCCESS);
        CountDownLatch routine = new CountDownLatch(1);
        request.setCompletionRoutine((r, target, p) -> {
            calls.add("routine " + p.status().name() + " " + p.information() + " target " + (target == remote));
            routine.countDown();
        });
        assertThat(request.send(remote, null)).isTrue();
        DeviceTestDrivers.await(routine, "the completion routine");
        assertThat(calls).containsExactly("internal 0x" + Integer.toHexString(IOCTL_INTERNAL_ECHO),
                "internal 0x" + Integer.toHexString(IOCTL_INTERNAL_ECHO), "routine STATUS_SUCCESS 2 target true");

        assertThat(request.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(TestDrivers.fx(in).state()).as("a child memory goes with its request").isEqualTo(FxObjectState.DESTROYED);
        assertThat(TestDrivers.fx(out).state()).isEqualTo(FxObjectState.DESTROYED);
        remote.close();
        assertThat(remote.targetState()).isEqualTo(WdfIoTargetState.CLOSED);
    }

    // ST6: a send to a closed target fails: send answers false, the status says why, no completion routine runs, and
    // the driver still owns the request (it completes it itself).
    @Test
    void st6_aSendToAClosedTargetFailsAndNoCompletionRoutineRuns() throws Exception {
        Queue<String> calls = StackTestDrivers.order();
        AtomicReference<WdfIoTarget> closed = new AtomicReference<>();
        StackTestDrivers.Built built = stacks.build(node("st6-closed"), STRICT,
                level("st6closed-driver", false, device -> {
                    closed.set(WdfIoTarget.create(device, WdfObjectAttributes.NONE).value());
                    return WdfQueue.create(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                            .withIoWrite((q, r, length) -> {
                                r.formatRequestUsingCurrentType();
                                r.setCompletionRoutine((request, target, params) -> calls.add("completion routine"));
                                calls.add("send " + r.send(closed.get(), null) + " " + r.status().name());
                                r.complete(r.status());
                            }), WdfObjectAttributes.NONE).status();
                }));
        FxIoStatus status = result(DeviceTestDrivers.open(built.top()).write(new byte[] {1}));
        assertThat(status.status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_STATE);
        assertThat(calls).containsExactly("send false STATUS_INVALID_DEVICE_STATE");
    }

    // ST6: sending a request without formatting it is a verifier violation and fails the send; sending one marked
    // cancelable is a bug check (the driver must unmark it first).
    @Test
    void st6_anUnformattedSendFailsAndACancelableSendIsABugCheck() throws Exception {
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        Queue<String> calls = StackTestDrivers.order();
        StackTestDrivers.Built built = stacks.build(node("st6-misuse"), REPORTING,
                level("st6misuse-bottom", false, completing("bottom", calls, (byte) 1)),
                level("st6misuse-filter", true, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead((q, r, length) -> {
                            seen.add("unformatted send " + r.send(q.device().ioTarget(), null) + " " + r.status().name());
                            r.formatRequestUsingCurrentType();
                            r.markCancelable(c -> c.complete(NtStatus.STATUS_CANCELLED));
                            try {
                                r.send(q.device().ioTarget(), null);
                            } catch (org.wdf4j.WdfBugCheck e) {
                                seen.add("bug check " + e.subCode());
                            }
                            r.unmarkCancelable();
                            r.complete(NtStatus.STATUS_SUCCESS);
                        })));
        result(DeviceTestDrivers.open(built.top()).read(1));
        assertThat(seen).containsExactly("unformatted send false STATUS_INVALID_DEVICE_REQUEST",
                "bug check WDF_REQUEST_FATAL_ERROR");
    }

    // ---------------------------------------------------------------------------------------------
    // ST8: internal device controls and memory

    // ST8: a client's device control never reaches EvtIoInternalDeviceControl (a client cannot send an internal one);
    // the same driver's internal handler gets what a driver sends.
    @Test
    void st8_aClientsControlNeverReachesTheInternalHandler() {
        Queue<String> calls = StackTestDrivers.order();
        StackTestDrivers.Built built = stacks.build(node("st8-internal"), STRICT,
                level("st8internal", false, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoInternalDeviceControl((q, r, out, in, code) -> {
                            calls.add("internal");
                            r.complete(NtStatus.STATUS_SUCCESS);
                        })));
        FxIoStatus status = result(DeviceTestDrivers.open(built.top()).deviceIoControl(IOCTL_INTERNAL_ECHO, null, 0));
        assertThat(status.status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        assertThat(calls).isEmpty();
    }

    // ST8: memory objects: copies are checked against the buffer (nothing copied on failure), a request's memory
    // views read the client's data and fill what the client receives, and cannot be deleted by the driver.
    @Test
    void st8_memoryCopiesAreCheckedAndARequestsMemoryReachesTheClient() {
        List<String> seen = new CopyOnWriteArrayList<>();
        StackTestDrivers.Built built = stacks.build(node("st8-memory"), REPORTING,
                level("st8memory", false, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoWrite((q, r, length) -> {
                            WdfMemory in = r.retrieveInputMemory().value();
                            byte[] data = new byte[3];
                            seen.add("copy " + in.copyToBuffer(1, data, 3).name() + " " + data[0] + data[1] + data[2]);
                            seen.add("past the end " + in.copyToBuffer(2, data, 3).name());
                            seen.add("delete " + in.delete().name());
                            r.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
                        })
                        .withIoRead((q, r, length) -> {
                            WdfMemory out = r.retrieveOutputMemory().value();
                            seen.add("size " + out.size());
                            out.copyFromBuffer(1, new byte[] {4, 5}, 2);
                            r.completeWithInformation(NtStatus.STATUS_SUCCESS, 3);
                        })));
        FxFileHandle handle = DeviceTestDrivers.open(built.top());
        result(handle.write(new byte[] {1, 2, 3, 4}));
        assertThat(result(handle.read(3)).output()).containsExactly(0, 4, 5);
        assertThat(seen).containsExactly("copy STATUS_SUCCESS 234", "past the end STATUS_BUFFER_TOO_SMALL",
                "delete STATUS_CANNOT_DELETE", "size 3");

        built.driver(0).runAsDriver(() -> {
            WdfMemory m = WdfMemory.create(WdfObjectAttributes.NONE, 8).value();
            assertThat(m.copyFromBuffer(5, new byte[4], 4)).isEqualTo(NtStatus.STATUS_INVALID_BUFFER_SIZE);
            assertThat(m.copyFromBuffer(4, new byte[] {1, 2, 3, 4}, 4)).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(m.copyToBuffer(-1, new byte[1], 1)).isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
            assertThat(m.copyToBuffer(0, new byte[1], 2)).isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
            byte[] all = new byte[8];
            assertThat(m.copyToBuffer(0, all, 8)).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(all).containsExactly(0, 0, 0, 0, 1, 2, 3, 4);
            assertThat(m.buffer().get(7)).isEqualTo((byte) 4);
            NtResult<WdfMemory> empty = WdfMemory.create(WdfObjectAttributes.NONE, 0);
            assertThat(empty.status()).isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
            WdfRequest created = WdfRequest.create(WdfObjectAttributes.NONE, null).value();
            assertThat(built.device(0).ioTarget()).isNull();
            WdfIoTarget remote = WdfIoTarget.create(built.top(), WdfObjectAttributes.NONE).value();
            assertThat(remote.formatRequestForRead(created, m, new WdfMemoryOffset(6, 4), 0))
                    .as("an offset past the buffer").isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
            assertThat(m.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
            return null;
        });
    }

    // The state tables of requests and targets: a sent request cannot be completed (no COMPLETE from SENT) and comes
    // back once per send; a target's stop and start, close and open, and removal.
    @Test
    void st6_st5_theRequestAndTargetTablesHaveTheSendingRows() {
        assertThat(FxRequestStateMachine.asMap().get(FxRequestState.SENT))
                .containsOnlyKeys(FxRequestState.Event.LOWER_COMPLETE, FxRequestState.Event.SEND_FAILED,
                        FxRequestState.Event.ABANDON);
        assertThat(FxRequestStateMachine.asMap().get(FxRequestState.FORWARDED)).isNull();
        assertThat(FxIoTargetStateMachine.next(FxIoTargetState.STOPPED, FxIoTargetState.Event.START))
                .isEqualTo(FxIoTargetState.STARTED);
        assertThat(FxIoTargetStateMachine.next(FxIoTargetState.CLOSED, FxIoTargetState.Event.START)).isNull();
        assertThat(FxIoTargetStateMachine.asMap().get(FxIoTargetState.DELETED)).isNull();
    }
}
