package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wdf4j.fxtest.TestDrivers.create;
import static org.wdf4j.fxtest.TestDrivers.driver;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.object.WdfSynchronizationScope;
import org.wdf4j.workitem.EvtWorkItem;
import org.wdf4j.workitem.WdfWorkItem;
import org.wdf4j.workitem.WdfWorkItemConfig;

/** WDFWORKITEM: PASSIVE_LEVEL on the passive worker (O7), enqueue, flush, the parent, and misuse. */
@SuppressWarnings("try")
class WorkItemTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    static WdfWorkItem newWorkItem(FxDriverGlobals globals, WdfObject parent, EvtWorkItem callback) {
        NtResult<WdfWorkItem> created = globals.runAsDriver(() -> WdfWorkItem.create(WdfWorkItemConfig.init(callback),
                WdfObjectAttributes.NONE.withParent(parent)));
        assertThat(created.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return created.value();
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(20, TimeUnit.SECONDS)).as("latch within 20 s").isTrue();
    }

    // O7, O9: a work item enqueued at DISPATCH_LEVEL runs at PASSIVE_LEVEL on the driver's passive framework thread,
    // as the driver's code (WdfDriver.get() answers its driver); GetParentObject answers the parent.
    @Test
    void o7_o9_workItemEnqueuedAtDispatchRunsAtPassiveOnThePassiveWorker() throws Exception {
        FxDriverGlobals globals = drivers.start("wi-level", VerifierSettings.on());
        WdfObject parent = globals.runAsDriver(() -> create(driver(globals)));
        AtomicReference<Irql> level = new AtomicReference<>();
        AtomicReference<Thread> thread = new AtomicReference<>();
        AtomicReference<WdfDriver> current = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        WdfWorkItem item = newWorkItem(globals, parent, wi -> {
            level.set(Irql.current());
            thread.set(Thread.currentThread());
            current.set(WdfDriver.get());
            ran.countDown();
        });
        assertThat(item.parentObject()).isSameAs(parent);
        assertThat(item.handleName()).startsWith("WDFWORKITEM#");
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            item.enqueue();
        }
        await(ran);
        assertThat(level.get()).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(thread.get()).isSameAs(globals.passiveThread());
        assertThat(current.get()).isSameAs(driver(globals));
        assertThat(globals.findings()).isEmpty();
    }

    // A second enqueue while the item is queued is ignored, as in WDF: it runs once. Flush waits for it.
    @Test
    void secondEnqueueWhileQueuedIsIgnoredAndFlushWaitsForTheCallback() throws Exception {
        FxDriverGlobals globals = drivers.start("wi-enqueue", VerifierSettings.on());
        CountDownLatch blockerRunning = new CountDownLatch(1);
        CountDownLatch releaseBlocker = new CountDownLatch(1);
        WdfWorkItem blocker = newWorkItem(globals, driver(globals), wi -> {
            blockerRunning.countDown();
            try {
                releaseBlocker.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicInteger runs = new AtomicInteger();
        WdfWorkItem counted = newWorkItem(globals, driver(globals), wi -> runs.incrementAndGet());
        blocker.enqueue();
        await(blockerRunning); // the passive thread is busy: `counted` stays queued
        counted.enqueue();
        counted.enqueue();
        releaseBlocker.countDown();
        counted.flush();
        assertThat(runs).as("flush returned after the callback ran, once").hasValue(1);
        counted.enqueue();
        counted.flush();
        assertThat(runs).as("a new enqueue after the run runs again").hasValue(2);
        blocker.flush();
    }

    // Flush on the passive worker itself (here in EvtDriverUnload, which runs there) runs the queued item inline instead
    // of deadlocking: the thread that would run it is the one waiting.
    @Test
    void flushOnThePassiveWorkerRunsTheQueuedItemInline() {
        FxDriverGlobals globals = drivers.globals("wi-flush-unload", VerifierSettings.on());
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicReference<WdfWorkItem> item = new AtomicReference<>();
        globals.callDriverEntry((driverObject, path) -> {
            NtResult<WdfDriver> created = WdfDriver.create(driverObject, path, WdfObjectAttributes.NONE,
                    WdfDriverConfig.init(null).withUnload(d -> {
                        item.get().enqueue();
                        order.add("flush");
                        item.get().flush();
                        order.add("flushed");
                    }));
            item.set(WdfWorkItem.create(WdfWorkItemConfig.init(wi -> order.add("work item")),
                    WdfObjectAttributes.NONE.withParent(created.value())).value());
            return created.status();
        });
        assertThat(globals.stop().hung()).isFalse();
        assertThat(order).containsExactly("flush", "work item", "flushed");
        assertThat(globals.findings()).isEmpty();
    }

    // Flush from the work item's own callback is a verifier violation, never a deadlock.
    @Test
    void flushFromTheWorkItemsOwnCallbackIsAViolationNotADeadlock() throws Exception {
        FxDriverGlobals globals = drivers.start("wi-self-flush", VerifierSettings.on().withBreakOnError(false));
        CountDownLatch ran = new CountDownLatch(1);
        WdfWorkItem item = newWorkItem(globals, driver(globals), wi -> {
            wi.flush();
            ran.countDown();
        });
        item.enqueue();
        await(ran);
        assertThat(globals.findings()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("WdfWorkItemFlush");
            assertThat(f.message()).contains("own callback");
        });
    }

    // Work items need a parent (STATUS_WDF_PARENT_NOT_SPECIFIED); automatic serialization under a DISPATCH-level parent
    // with a synchronization scope is STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL; an exception in the callback is a finding.
    @Test
    void parentIsRequiredSerializationNeedsAPassiveParentAndExceptionsAreReported() throws Exception {
        FxDriverGlobals globals = drivers.start("wi-create", VerifierSettings.OFF);
        NtResult<WdfWorkItem> orphan = globals.runAsDriver(() -> WdfWorkItem.create(WdfWorkItemConfig.init(wi -> { }),
                WdfObjectAttributes.NONE));
        assertThat(orphan.status()).isEqualTo(NtStatus.STATUS_WDF_PARENT_NOT_SPECIFIED);
        WdfObject dispatchScoped = globals.runAsDriver(() -> create(driver(globals),
                WdfObjectAttributes.NONE.withSynchronizationScope(WdfSynchronizationScope.DEVICE)));
        NtResult<WdfWorkItem> incompatible = globals.runAsDriver(() -> WdfWorkItem.create(
                WdfWorkItemConfig.init(wi -> { }), WdfObjectAttributes.NONE.withParent(dispatchScoped)));
        assertThat(incompatible.status()).isEqualTo(NtStatus.STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL);
        NtResult<WdfWorkItem> unserialized = globals.runAsDriver(() -> WdfWorkItem.create(
                WdfWorkItemConfig.init(wi -> { }).withAutomaticSerialization(false), WdfObjectAttributes.NONE.withParent(dispatchScoped)));
        assertThat(unserialized.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        WdfObject passiveScoped = globals.runAsDriver(() -> create(driver(globals), WdfObjectAttributes.NONE
                .withSynchronizationScope(WdfSynchronizationScope.DEVICE).withExecutionLevel(WdfExecutionLevel.PASSIVE)));
        WdfWorkItem throwing = newWorkItem(globals, passiveScoped, wi -> {
            throw new IllegalStateException("boom in a work item");
        });
        throwing.enqueue();
        throwing.flush();
        assertThat(globals.findings()).filteredOn(f -> f.kind() == Finding.Kind.EXCEPTION).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("EvtWorkItem(" + throwing.handleName() + ")", "boom in a work item"));
    }
}
