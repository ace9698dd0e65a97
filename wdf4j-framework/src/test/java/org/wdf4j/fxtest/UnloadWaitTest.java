package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;
import org.wdf4j.workitem.WdfWorkItem;
import org.wdf4j.workitem.WdfWorkItemConfig;

/** U6 step 5: at unload the framework stops the driver's timers, waits for their callbacks and work items, bounded. */
class UnloadWaitTest {

    private static final Duration SHORT_WAIT = Duration.ofMillis(300);

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    /** Starts a driver whose driver object records its destroy in {@code destroyed}; {@code body} runs in DriverEntry. */
    private FxDriverGlobals start(String name, VerifierSettings verifier, AtomicBoolean destroyed, List<String> log,
                                  Consumer<WdfDriver> body) {
        FxDriverGlobals globals = drivers.globals(name, verifier);
        FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, path) -> {
            NtResult<WdfDriver> created = WdfDriver.create(driverObject, path, WdfObjectAttributes.NONE
                    .withDestroy(o -> {
                        log.add("driver destroyed");
                        destroyed.set(true);
                    }), WdfDriverConfig.init(null).withUnload(d -> log.add("EvtDriverUnload")));
            body.accept(created.value());
            return created.status();
        });
        assertThat(outcome.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return globals;
    }

    private static WdfTimer timer(WdfDriver parent, WdfTimerConfig config, WdfExecutionLevel level) {
        return WdfTimer.create(config, WdfObjectAttributes.NONE.withParent(parent).withExecutionLevel(level)).value();
    }

    // U6 step 5: periodic timers that keep firing (DISPATCH and PASSIVE) are stopped by the deletion of the tree; no
    // callback runs after the driver object is destroyed, and the framework's timer threads have ended when stop returns.
    @Test
    void u6_step5_firingTimersAreStoppedAtUnloadAndNothingRunsAfterTheDriverObjectIsDestroyed() throws Exception {
        AtomicBoolean destroyed = new AtomicBoolean();
        AtomicInteger afterDestroy = new AtomicInteger();
        AtomicInteger ticks = new AtomicInteger();
        CountDownLatch ticking = new CountDownLatch(10);
        List<String> log = new CopyOnWriteArrayList<>();
        FxDriverGlobals globals = start("u6-timers", VerifierSettings.on(), destroyed, log, driver -> {
            for (WdfExecutionLevel level : List.of(WdfExecutionLevel.DISPATCH, WdfExecutionLevel.PASSIVE)) {
                timer(driver, WdfTimerConfig.initPeriodic(t -> {
                    if (destroyed.get()) {
                        afterDestroy.incrementAndGet();
                    }
                    ticks.incrementAndGet();
                    ticking.countDown();
                }, Duration.ofMillis(1)), level).start(Duration.ZERO);
            }
        });
        assertThat(ticking.await(20, TimeUnit.SECONDS)).isTrue();
        FxDriverGlobals.StopOutcome stop = globals.stop();
        assertThat(stop.hung()).isFalse();
        int atStop = ticks.get();
        assertThat(globals.state()).isEqualTo(FxDriverState.UNLOADED);
        assertThat(globals.dispatchThreads()).isNotEmpty().noneMatch(Thread::isAlive);
        assertThat(globals.passiveThread().isAlive()).isFalse();
        assertThat(ticks).as("no framework thread is left to call the driver").hasValue(atStop);
        assertThat(afterDestroy).as("no callback after the driver object was destroyed").hasValue(0);
        assertThat(log).containsExactly("EvtDriverUnload", "driver destroyed");
        assertThat(globals.findings()).isEmpty();
        assertThat(globals.liveObjects()).isZero();
    }

    // U6 step 5: the unload waits for a timer callback that is running when it starts; the driver object is destroyed
    // only after that callback returned.
    @Test
    void u6_step5_unloadWaitsForARunningTimerCallbackBeforeTheDriverObjectIsDestroyed() throws Exception {
        AtomicBoolean destroyed = new AtomicBoolean();
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FxDriverGlobals globals = start("u6-running-timer", VerifierSettings.on(), destroyed, log, driver ->
                timer(driver, WdfTimerConfig.init(t -> {
                    running.countDown();
                    awaitQuietly(release);
                    log.add("timer callback returns");
                }), WdfExecutionLevel.DISPATCH).start(Duration.ZERO));
        assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<FxDriverGlobals.StopOutcome> stop = CompletableFuture.supplyAsync(globals::stop);
        await().atMost(Duration.ofSeconds(20)).until(() -> log.contains("EvtDriverUnload"));
        assertThat(stop).as("the unload waits for the running callback").isNotDone();
        release.countDown();
        assertThat(stop.get(20, TimeUnit.SECONDS).hung()).isFalse();
        assertThat(log).containsExactly("EvtDriverUnload", "timer callback returns", "driver destroyed");
    }

    // U6 step 5: a work item queued in EvtDriverUnload runs before the tree is cleaned up (the deletion flushes it),
    // at PASSIVE_LEVEL on the passive thread, while the driver object is still alive.
    @Test
    void u6_step5_workItemQueuedInEvtDriverUnloadRunsBeforeTheDriverObjectIsDestroyed() {
        AtomicBoolean destroyed = new AtomicBoolean();
        List<String> log = new CopyOnWriteArrayList<>();
        FxDriverGlobals globals = drivers.globals("u6-work-item", VerifierSettings.on());
        globals.callDriverEntry((driverObject, path) -> {
            WdfWorkItem[] item = new WdfWorkItem[1];
            NtResult<WdfDriver> created = WdfDriver.create(driverObject, path, WdfObjectAttributes.NONE
                    .withDestroy(o -> log.add("driver destroyed")), WdfDriverConfig.init(null).withUnload(d -> {
                        log.add("EvtDriverUnload");
                        item[0].enqueue();
                    }));
            item[0] = WdfWorkItem.create(WdfWorkItemConfig.init(wi -> log.add("work item, driver destroyed=" + destroyed.get())),
                    WdfObjectAttributes.NONE.withParent(created.value()).withCleanup(o -> log.add("work item cleanup"))).value();
            return created.status();
        });
        assertThat(globals.stop().hung()).isFalse();
        assertThat(log).containsExactly("EvtDriverUnload", "work item, driver destroyed=false", "work item cleanup",
                "driver destroyed");
    }

    // U6 step 5, V1: a timer callback that hangs past the wait timeout at unload gets the driver reported HUNG (naming
    // the callback and its thread) and abandoned; the host goes on, and the timer thread ends once the callback returns.
    @Test
    void u6_step5_hungTimerCallbackAtUnloadIsReportedHungWithinTheWaitTimeout() throws Exception {
        AtomicBoolean destroyed = new AtomicBoolean();
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FxDriverGlobals globals = start("u6-hung-timer", VerifierSettings.on().withWaitTimeout(SHORT_WAIT), destroyed, log,
                driver -> timer(driver, WdfTimerConfig.init(t -> {
                    running.countDown();
                    awaitQuietly(release);
                }), WdfExecutionLevel.DISPATCH).start(Duration.ZERO));
        try {
            assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
            FxDriverGlobals.StopOutcome stop = globals.stop();
            assertThat(stop.hung()).isTrue();
            assertThat(globals.state()).isEqualTo(FxDriverState.ABANDONED);
            assertThat(globals.findings()).anySatisfy(f -> {
                assertThat(f.rule()).isEqualTo("HUNG");
                assertThat(f.message()).contains("the unload", "EvtTimerFunc(WDFTIMER#");
                assertThat(f.stack()).contains("wdf4j-u6-hung-timer-dispatch-");
            });
            assertThat(log).as("the driver object is not destroyed under a running callback").doesNotContain("driver destroyed");
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(globals.dispatchThreads()).noneMatch(Thread::isAlive);
            assertThat(globals.passiveThread().isAlive()).isFalse();
        });
    }

    // U6 step 5: a work item callback that hangs (on the passive thread) is reported HUNG the same way.
    @Test
    void u6_step5_hungWorkItemAtUnloadIsReportedHung() throws Exception {
        AtomicBoolean destroyed = new AtomicBoolean();
        List<String> log = new CopyOnWriteArrayList<>();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FxDriverGlobals globals = start("u6-hung-work-item", VerifierSettings.on().withWaitTimeout(SHORT_WAIT), destroyed, log,
                driver -> WdfWorkItem.create(WdfWorkItemConfig.init(wi -> {
                    running.countDown();
                    awaitQuietly(release);
                }), WdfObjectAttributes.NONE.withParent(driver)).value().enqueue());
        try {
            assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(globals.stop().hung()).isTrue();
            assertThat(globals.state()).isEqualTo(FxDriverState.ABANDONED);
            assertThat(globals.findings()).anySatisfy(f -> {
                assertThat(f.rule()).isEqualTo("HUNG");
                assertThat(f.message()).contains("EvtWorkItem(WDFWORKITEM#");
            });
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> !globals.passiveThread().isAlive());
        assertThat(log).as("nothing of the abandoned driver ran after the hung callback").isEmpty();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
