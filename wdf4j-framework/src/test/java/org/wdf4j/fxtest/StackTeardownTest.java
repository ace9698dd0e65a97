package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wdf4j.fxtest.DeviceTestDrivers.STRICT;
import static org.wdf4j.fxtest.DeviceTestDrivers.WAIT;
import static org.wdf4j.fxtest.DeviceTestDrivers.result;
import static org.wdf4j.fxtest.StackTestDrivers.forwardingWithCompletion;
import static org.wdf4j.fxtest.StackTestDrivers.level;
import static org.wdf4j.fxtest.StackTestDrivers.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceStack;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * ST10: a stack removed with requests in flight down its devices completes each exactly once, and what a driver still
 * holds is reported with the level of the stack it is at and its original requestor.
 */
class StackTeardownTest {

    private final StackTestDrivers stacks = new StackTestDrivers();

    @AfterEach
    void stopDrivers() {
        stacks.stopAll();
    }

    // ST10: three levels (upper filter, lower filter, function driver holding every read, cancelable); the stack is
    // removed top-down with eight reads in flight: each client read completes exactly once (STATUS_CANCELLED), each
    // filter's completion routine runs exactly once per read, and no driver leaks or fails.
    @Test
    void st10_aStackRemovedWithRequestsInFlightCompletesEachExactlyOnce() throws Exception {
        BlockingQueue<WdfRequest> held = new LinkedBlockingQueue<>();
        Queue<String> order = StackTestDrivers.order();
        AtomicInteger cancels = new AtomicInteger();
        StackTestDrivers.Built built = stacks.build(node("st10-flight"), STRICT,
                level("st10f-function", false, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead((q, r, length) -> {
                            r.markCancelable(c -> {
                                cancels.incrementAndGet();
                                c.complete(NtStatus.STATUS_CANCELLED);
                            });
                            held.add(r);
                        })),
                level("st10f-lower", true, forwardingWithCompletion("lower", order)),
                level("st10f-upper", true, forwardingWithCompletion("upper", order)));
        FxFileHandle handle = DeviceTestDrivers.open(built.top());
        List<FxIrp> irps = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            irps.add(handle.read(i + 1));
        }
        for (int i = 0; i < 8; i++) {
            assertThat(held.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("read %d at the bottom", i).isNotNull();
        }

        List<FxDevice.PnpOutcome> removed = built.stack().pnp(FxPnpMachine.Event.REMOVE);

        assertThat(FxDeviceStack.succeeded(removed)).as("%s", removed).isTrue();
        for (FxIrp irp : irps) {
            assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        }
        assertThat(cancels).hasValue(8);
        assertThat(order).filteredOn("lower"::equals).hasSize(8);
        assertThat(order).filteredOn("upper"::equals).hasSize(8);
        for (int level = 0; level < 3; level++) {
            assertThat(built.driver(level).failure()).as("driver %d", level).isNull();
            assertThat(built.driver(level).findings()).as("driver %d", level)
                    .noneMatch(f -> f.kind() == Finding.Kind.LEAK);
        }
    }

    // ST10: the function driver holds a read and never completes it, nor lets it be cancelled (it acknowledges the
    // power-down and ignores the purge). Removing the stack still ends: the client is answered exactly once
    // (STATUS_NO_SUCH_DEVICE, when the top gives up on it), the filters do not fail, and the function driver's leak
    // report names the request, the level of the stack it is held at, and its original requestor.
    @Test
    void st10_aRequestHeldBelowIsReportedWithItsLevelAndItsOriginalRequestor() throws Exception {
        VerifierSettings quick = VerifierSettings.on().withWaitTimeout(Duration.ofMillis(1600));
        BlockingQueue<WdfRequest> held = new LinkedBlockingQueue<>();
        Queue<String> order = StackTestDrivers.order();
        StackTestDrivers.Built built = stacks.build(node("st10-held"), quick,
                level("st10h-function", false, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead((q, r, length) -> held.add(r))
                        .withIoStop((q, r, action, cancelable) -> r.stopAcknowledge(false))),
                level("st10h-lower", true, forwardingWithCompletion("lower", order)),
                level("st10h-upper", true, forwardingWithCompletion("upper", order)));
        FxIrp irp = DeviceTestDrivers.open(built.top()).read(4);
        WdfRequest kept = held.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(kept).isNotNull();
        String keptName = kept.handleName();

        built.stack().pnp(FxPnpMachine.Event.REMOVE);

        FxIoStatus status = result(irp);
        assertThat(status.status()).isEqualTo(NtStatus.STATUS_NO_SUCH_DEVICE);
        assertThat(irp.future().isDone()).isTrue();
        for (int level = 0; level < 3; level++) {
            assertThat(built.driver(level).failure()).as("driver %d", level).isNull();
        }
        List<Finding> leaks = built.driver(0).findings().stream().filter(f -> f.kind() == Finding.Kind.LEAK).toList();
        assertThat(leaks).as("the function driver's leak report").singleElement().satisfies(f -> {
            assertThat(f.message()).contains(keptName);
            assertThat(f.message()).contains("level 1 of 3").contains(node("st10-held"));
            assertThat(f.message()).contains("requestor " + DeviceTestDrivers.CLIENT);
        });
        assertThat(order).as("no completion routine ran: the request never came back").isEmpty();
    }

    // ST10: a child unplugged with I/O outstanding through two filters. Four devices, bottom-up: the bus driver's
    // device (it keeps reads of up to 4 bytes marked cancelable, and a read of 5 bytes not cancelable, watching it for
    // a cancel), a lower filter, the function driver (it keeps reads of 100 bytes and more in a manual queue, forwards
    // the others) and an upper filter. The unplug is the stack's SURPRISE_REMOVE then REMOVE, top-down, as the host's
    // PnP manager does for a missing child: the upper filter's default target is closed first and cancels what it
    // sent, which reaches each level that holds a request. Each client read completes exactly once with
    // STATUS_CANCELLED (the bottom's cancel routine, the bottom's own cancel check, the function driver's manual queue),
    // each filter's and the function driver's completion routine runs exactly once per read it sent, a read sent while
    // the child is going fails with STATUS_NO_SUCH_DEVICE, and every driver stops cleanly with nothing left alive.
    @Test
    void st10_aChildUnpluggedWithIoOutstandingThroughTwoFiltersCompletesEachRequestOnce() throws Exception {
        BlockingQueue<WdfRequest> held = new LinkedBlockingQueue<>();
        BlockingQueue<WdfRequest> watched = new LinkedBlockingQueue<>();
        BlockingQueue<WdfRequest> parked = new LinkedBlockingQueue<>();
        Queue<String> order = StackTestDrivers.order();
        AtomicInteger cancelRoutines = new AtomicInteger();
        AtomicReference<WdfQueue> manual = new AtomicReference<>();
        StackTestDrivers.Built built = stacks.build(node("st10-unplug"), STRICT,
                level("st10u-bus", false, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead((q, r, length) -> {
                            if (length == 5) {
                                watched.add(r); // not cancelable: the driver watches isCanceled itself
                                return;
                            }
                            r.markCancelable(c -> {
                                cancelRoutines.incrementAndGet();
                                c.complete(NtStatus.STATUS_CANCELLED);
                            });
                            held.add(r);
                        })),
                level("st10u-lower", true, forwardingWithCompletion("lower", order)),
                level("st10u-function", false, device -> {
                    manual.set(WdfQueue.create(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL),
                            WdfObjectAttributes.NONE).value());
                    return WdfQueue.create(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                            .withIoRead((q, r, length) -> {
                                if (length >= 100) {
                                    assertThat(r.forwardToIoQueue(manual.get())).isEqualTo(NtStatus.STATUS_SUCCESS);
                                    parked.add(r);
                                } else {
                                    StackTestDrivers.forward(q.device(), r, "function", order);
                                }
                            }), WdfObjectAttributes.NONE).status();
                }),
                level("st10u-upper", true, forwardingWithCompletion("upper", order)));
        FxFileHandle handle = DeviceTestDrivers.open(built.top());
        List<FxIrp> irps = new ArrayList<>();
        for (int length : new int[] {1, 2, 3, 4, 5, 100, 101}) {
            irps.add(handle.read(length));
        }
        for (int i = 0; i < 4; i++) {
            assertThat(held.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("read %d at the bottom", i).isNotNull();
        }
        WdfRequest notCancelable = watched.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(notCancelable).as("the read of 5 bytes at the bottom").isNotNull();
        for (int i = 0; i < 2; i++) {
            assertThat(parked.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("a read in the manual queue").isNotNull();
        }
        // the bus driver's own watch of the request it holds not cancelable: once cancelled, it completes it
        CompletableFuture<Void> watcher = CompletableFuture.runAsync(() -> {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!notCancelable.isCanceled()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the read of 5 bytes was never cancelled");
                }
                Thread.onSpinWait();
            }
            notCancelable.complete(NtStatus.STATUS_CANCELLED);
        });

        List<FxDevice.PnpOutcome> gone = built.stack().pnp(FxPnpMachine.Event.SURPRISE_REMOVE);

        assertThat(gone).as("%s", gone).allMatch(o -> !o.hung() && o.state() == FxPnpMachine.State.SURPRISE_REMOVED);
        DeviceTestDrivers.get(watcher, "the bus driver's completion of the read it watched");
        for (FxIrp irp : irps) {
            assertThat(irp.future().isDone()).as("%s answered by the surprise removal", irp).isTrue();
            assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        }
        assertThat(result(handle.read(6)).status()).as("a read while the child is going")
                .isEqualTo(NtStatus.STATUS_NO_SUCH_DEVICE);
        List<FxDevice.PnpOutcome> removed = built.stack().pnp(FxPnpMachine.Event.REMOVE);
        assertThat(FxDeviceStack.succeeded(removed)).as("%s", removed).isTrue();

        assertThat(cancelRoutines).hasValue(4);
        assertThat(order).filteredOn("function"::equals).as("the function driver's routine, once per read it sent")
                .hasSize(5);
        assertThat(order).filteredOn("lower"::equals).hasSize(5);
        assertThat(order).filteredOn("upper"::equals).as("the upper filter sent all seven").hasSize(7);
        for (int level = 0; level < 4; level++) {
            FxDriverGlobals driver = built.driver(level);
            assertThat(driver.failure()).as("driver %d", level).isNull();
            assertThat(driver.findings()).as("driver %d: %s", level, DeviceTestDrivers.describe(driver)).isEmpty();
            assertThat(driver.liveObjects()).as("driver %d: objects alive besides its driver object", level).isEqualTo(1);
            FxDriverGlobals.StopOutcome stop = driver.stop();
            assertThat(stop.refused() || stop.hung()).as("driver %d: %s", level, stop).isFalse();
            assertThat(driver.findings()).as("driver %d after its stop", level).isEmpty();
        }
    }
}
