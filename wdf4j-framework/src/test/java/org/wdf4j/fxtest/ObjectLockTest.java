package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.object.WdfSynchronizationScope;

/** WdfObjectAcquireLock / WdfObjectReleaseLock on a queue: the lock its callbacks are serialized under (O7). */
class ObjectLockTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stop() {
        drivers.stopAll();
    }

    private FxDriverGlobals driverWithQueue(AtomicReference<WdfQueue> queue, AtomicReference<Irql> readLevel) {
        FxDriverGlobals globals = drivers.globals("objlock", VerifierSettings.on());
        globals.callDriverEntry((driverObject, registryPath) -> WdfDriver.create(driverObject, registryPath,
                WdfObjectAttributes.NONE, WdfDriverConfig.init((driver, init) -> {
                    NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
                    NtResult<WdfQueue> q = WdfQueue.create(device.value(),
                            WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL).withIoRead((qq, request, length) -> {
                                readLevel.set(Irql.current());
                                request.complete(NtStatus.STATUS_SUCCESS);
                            }), WdfObjectAttributes.NONE.withSynchronizationScope(WdfSynchronizationScope.QUEUE));
                    queue.set(q.value());
                    return q.status();
                }).withUnload(d -> { })).status());
        return globals;
    }

    // O7: while the driver holds the queue's lock, the queue's serialized EvtIoRead cannot run; the lock of a
    // DISPATCH-level queue raises the holder to DISPATCH_LEVEL, and the release restores the level.
    @Test
    void o7_acquireLockExcludesTheQueuesCallbacksAndRaisesToDispatch() throws Exception {
        AtomicReference<WdfQueue> queue = new AtomicReference<>();
        AtomicReference<Irql> readLevel = new AtomicReference<>();
        FxDriverGlobals globals = driverWithQueue(queue, readLevel);
        FxDevice device = globals.addDevice("ROOT\\LOCK", "ROOT\\LOCK\\0000").value();
        assertThat(device.pnp(FxPnpMachine.Event.START).state()).isEqualTo(FxPnpMachine.State.STARTED);
        FxFileHandle handle = device.open(new WdfRequestor(1, 0, 0), "").get(10, TimeUnit.SECONDS).value();

        AtomicReference<Irql> heldAt = new AtomicReference<>();
        CompletableFuture<FxIrp> sent = new CompletableFuture<>();
        globals.runAsDriver(() -> {
            queue.get().acquireLock();
            try {
                heldAt.set(Irql.current());
                // Sent from another thread, the read is presented on that thread, which must wait for the lock.
                Thread sender = new Thread(() -> sent.complete(handle.read(8)), "sender");
                sender.start();
                Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> sender.getState() == Thread.State.WAITING || sender.getState() == Thread.State.TIMED_WAITING);
                assertThat(sent).as("the sender is held by the lock").isNotDone();
            } finally {
                queue.get().releaseLock();
            }
            return null;
        });
        FxIrp read = sent.get(10, TimeUnit.SECONDS);
        assertThat(heldAt.get()).isEqualTo(Irql.DISPATCH_LEVEL);
        assertThat(Irql.current()).isEqualTo(Irql.PASSIVE_LEVEL);
        FxIoStatus status = read.future().get(10, TimeUnit.SECONDS);
        assertThat(status.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(readLevel.get()).as("a serialized DISPATCH-level queue presents at DISPATCH_LEVEL").isEqualTo(Irql.DISPATCH_LEVEL);
        handle.close();
    }

    // Taking the lock twice on one thread would deadlock in WDF: it is a bug check naming the object.
    @Test
    void recursiveAcquireIsABugCheck() {
        AtomicReference<WdfQueue> queue = new AtomicReference<>();
        FxDriverGlobals globals = driverWithQueue(queue, new AtomicReference<>());
        globals.addDevice("ROOT\\LOCK", "ROOT\\LOCK\\0000");
        globals.runAsDriver(() -> {
            queue.get().acquireLock();
            try {
                assertThatThrownBy(() -> queue.get().acquireLock()).isInstanceOfSatisfying(WdfBugCheck.class,
                        b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_RECURSIVE_LOCK));
            } finally {
                queue.get().releaseLock();
            }
            return null;
        });
        assertThatThrownBy(() -> globals.runAsDriver(() -> {
            queue.get().releaseLock();
            return null;
        })).isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_LOCK_OPERATION));
    }
}
