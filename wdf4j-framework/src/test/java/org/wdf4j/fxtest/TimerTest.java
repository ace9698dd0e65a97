package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wdf4j.fxtest.TestDrivers.create;
import static org.wdf4j.fxtest.TestDrivers.driver;

import java.time.Duration;
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
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.object.WdfSynchronizationScope;
import org.wdf4j.timer.EvtTimerFunc;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;

/** WDFTIMER: the level and thread of its callback (O7, O8), start/stop, periodic timers, automatic serialization (O7). */
@SuppressWarnings("try")
class TimerTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    static WdfTimer newTimer(FxDriverGlobals globals, WdfTimerConfig config, WdfObjectAttributes attributes) {
        NtResult<WdfTimer> created = globals.runAsDriver(() -> WdfTimer.create(config, attributes));
        assertThat(created.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return created.value();
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(20, TimeUnit.SECONDS)).as("latch within 20 s").isTrue();
    }

    /** A callback that records its level, thread and driver, then counts down. */
    private record Seen(AtomicReference<Irql> level, AtomicReference<Thread> thread, AtomicReference<WdfDriver> driver,
                        CountDownLatch ran) implements EvtTimerFunc {
        Seen() {
            this(new AtomicReference<>(), new AtomicReference<>(), new AtomicReference<>(), new CountDownLatch(1));
        }

        @Override
        public void timerFunc(WdfTimer timer) {
            level.set(Irql.current());
            thread.set(Thread.currentThread());
            driver.set(WdfDriver.get());
            ran.countDown();
        }
    }

    // O7: a timer whose level is DISPATCH (inherited from the driver object) fires at DISPATCH_LEVEL on a dispatch
    // framework thread, as its driver's code; GetParentObject answers the parent.
    @Test
    void o7_dispatchTimerFiresAtDispatchLevelOnADispatchThread() throws Exception {
        FxDriverGlobals globals = drivers.start("timer-dispatch", VerifierSettings.on());
        Seen seen = new Seen();
        WdfTimer timer = newTimer(globals, WdfTimerConfig.init(seen), WdfObjectAttributes.NONE.withParent(driver(globals)));
        assertThat(timer.parentObject()).isSameAs(driver(globals));
        assertThat(timer.start(Duration.ofMillis(5))).isFalse();
        await(seen.ran());
        assertThat(seen.level().get()).isEqualTo(Irql.DISPATCH_LEVEL);
        assertThat(seen.thread().get().getName()).startsWith("wdf4j-timer-dispatch-dispatch-");
        assertThat(globals.dispatchThreads()).contains(seen.thread().get());
        assertThat(seen.driver().get()).isSameAs(driver(globals));
        assertThat(globals.findings()).isEmpty();
    }

    // O7: a timer whose level is PASSIVE, set explicitly or inherited from its parent, never runs at DISPATCH_LEVEL:
    // its callback runs at PASSIVE_LEVEL on the passive framework thread.
    @Test
    void o7_passiveTimerExplicitOrInheritedFiresAtPassiveLevelOnThePassiveThread() throws Exception {
        FxDriverGlobals globals = drivers.start("timer-passive", VerifierSettings.on());
        Seen explicit = new Seen();
        newTimer(globals, WdfTimerConfig.init(explicit), WdfObjectAttributes.NONE.withParent(driver(globals))
                .withExecutionLevel(WdfExecutionLevel.PASSIVE)).start(Duration.ZERO);
        WdfObject passiveParent = globals.runAsDriver(() -> create(driver(globals),
                WdfObjectAttributes.NONE.withExecutionLevel(WdfExecutionLevel.PASSIVE)));
        Seen inherited = new Seen();
        newTimer(globals, WdfTimerConfig.init(inherited), WdfObjectAttributes.NONE.withParent(passiveParent)).start(Duration.ZERO);
        for (Seen seen : List.of(explicit, inherited)) {
            await(seen.ran());
            assertThat(seen.level().get()).isEqualTo(Irql.PASSIVE_LEVEL);
            assertThat(seen.thread().get()).isSameAs(globals.passiveThread());
        }
        assertThat(globals.findings()).isEmpty();
    }

    // WdfTimerStart answers whether the timer was already queued; WdfTimerStop answers whether it was queued.
    @Test
    void startAndStopAnswerWhetherTheTimerWasQueued() {
        FxDriverGlobals globals = drivers.start("timer-queued", VerifierSettings.on());
        WdfTimer timer = newTimer(globals, WdfTimerConfig.init(t -> { }), WdfObjectAttributes.NONE.withParent(driver(globals)));
        assertThat(timer.stop(false)).isFalse();
        assertThat(timer.start(Duration.ofHours(1))).isFalse();
        assertThat(timer.start(Duration.ofHours(1))).as("restarted while queued").isTrue();
        assertThat(timer.stop(false)).isTrue();
        assertThat(timer.stop(true)).isFalse();
    }

    // O8, U6: a periodic timer fires again and again; deleting it stops it, and a delete at PASSIVE_LEVEL returns after
    // any running callback: nothing of it runs afterwards.
    @Test
    void o8_periodicTimerFiresRepeatedlyAndDeleteStopsIt() throws Exception {
        FxDriverGlobals globals = drivers.start("timer-periodic", VerifierSettings.on());
        AtomicInteger ticks = new AtomicInteger();
        CountDownLatch threeTicks = new CountDownLatch(3);
        WdfTimer timer = newTimer(globals, WdfTimerConfig.initPeriodic(t -> {
            ticks.incrementAndGet();
            threeTicks.countDown();
        }, Duration.ofMillis(2)), WdfObjectAttributes.NONE.withParent(driver(globals)));
        timer.start(Duration.ZERO);
        await(threeTicks);
        assertThat(timer.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        int afterDelete = ticks.get();
        // Let the dispatch threads run well past several periods: a later one-shot timer fires after them.
        Seen later = new Seen();
        newTimer(globals, WdfTimerConfig.init(later), WdfObjectAttributes.NONE.withParent(driver(globals))).start(Duration.ofMillis(30));
        await(later.ran());
        assertThat(ticks).as("no tick after the delete returned").hasValue(afterDelete);
        assertThat(TestDrivers.fx(timer).state()).isEqualTo(FxObjectState.DESTROYED);
    }

    // O8: a DISPATCH-level timer deleting itself from its callback (at DISPATCH_LEVEL) has its cleanup deferred to the
    // passive thread, which waits for the callback to return first.
    @Test
    void o8_timerDeletedFromItsOwnDispatchCallbackIsCleanedUpAtPassiveAfterIt() throws Exception {
        FxDriverGlobals globals = drivers.start("timer-self-delete", VerifierSettings.on());
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicReference<Irql> cleanupLevel = new AtomicReference<>();
        AtomicReference<Thread> cleanupThread = new AtomicReference<>();
        CountDownLatch cleanedUp = new CountDownLatch(1);
        WdfTimer timer = newTimer(globals, WdfTimerConfig.init(t -> {
            t.delete();
            order.add("callback returns");
        }), WdfObjectAttributes.NONE.withParent(driver(globals)).withCleanup(o -> {
            cleanupLevel.set(Irql.current());
            cleanupThread.set(Thread.currentThread());
            order.add("cleanup");
            cleanedUp.countDown();
        }));
        timer.start(Duration.ZERO);
        await(cleanedUp);
        assertThat(order).containsExactly("callback returns", "cleanup");
        assertThat(cleanupLevel.get()).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(cleanupThread.get()).isSameAs(globals.passiveThread());
    }

    // WdfTimerStop(wait=TRUE) from the timer's own callback is a verifier violation (a bug check with break on error),
    // never a deadlock.
    @Test
    void stopWithWaitFromTheTimersOwnCallbackIsAViolationNotADeadlock() throws Exception {
        FxDriverGlobals globals = drivers.start("timer-self-stop", VerifierSettings.on().withBreakOnError(false));
        CountDownLatch returned = new CountDownLatch(1);
        newTimer(globals, WdfTimerConfig.init(t -> {
            t.stop(true);
            returned.countDown();
        }), WdfObjectAttributes.NONE.withParent(driver(globals)).withExecutionLevel(WdfExecutionLevel.PASSIVE)).start(Duration.ZERO);
        await(returned);
        assertThat(globals.findings()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("WdfTimerStop");
            assertThat(f.message()).contains("own callback");
        });

        FxDriverGlobals breaking = drivers.start("timer-self-stop-break", VerifierSettings.on());
        newTimer(breaking, WdfTimerConfig.init(t -> t.stop(true)), WdfObjectAttributes.NONE
                .withParent(driver(breaking)).withExecutionLevel(WdfExecutionLevel.PASSIVE)).start(Duration.ZERO);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> breaking.failure() != null);
        assertThat(breaking.failure().subCode()).isEqualTo(WdfBugCheckCode.WDF_VERIFIER_FATAL_ERROR);
    }

    // O9: WdfTimerStop with wait above PASSIVE_LEVEL is reported; without wait it is allowed at DISPATCH_LEVEL.
    @Test
    void o9_stopWithWaitAbovePassiveIsReported() {
        FxDriverGlobals globals = drivers.start("timer-stop-irql", VerifierSettings.on().withBreakOnError(false));
        WdfTimer timer = newTimer(globals, WdfTimerConfig.init(t -> { }), WdfObjectAttributes.NONE.withParent(driver(globals)));
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            timer.start(Duration.ofHours(1));
            timer.stop(false);
        }
        assertThat(globals.findings()).isEmpty();
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            timer.stop(true);
        }
        assertThat(globals.findings()).singleElement().satisfies(f -> assertThat(f.message()).contains("WdfTimerStop called at DISPATCH_LEVEL"));
    }

    // O7: with automatic serialization, the callbacks of two timers under one parent whose scope is DEVICE never overlap,
    // even though the dispatch threads could run them at once; the control (no automatic serialization) shows they do
    // overlap otherwise, so the check can see an overlap.
    @Test
    void o7_automaticSerializationSerializesTheTimersOfOneParent() throws Exception {
        FxDriverGlobals globals = drivers.start("timer-serial", VerifierSettings.on());
        WdfObject scoped = globals.runAsDriver(() -> create(driver(globals),
                WdfObjectAttributes.NONE.withSynchronizationScope(WdfSynchronizationScope.DEVICE)));
        assertThat(maxOverlap(globals, scoped, true)).as("serialized under the parent's lock").isEqualTo(1);
        assertThat(maxOverlap(globals, scoped, false)).as("control: unserialized callbacks overlap").isEqualTo(2);
        WdfObject unscoped = globals.runAsDriver(() -> create(driver(globals))); // scope NONE: nothing to serialize with
        assertThat(maxOverlap(globals, unscoped, true)).isEqualTo(2);
        assertThat(globals.findings()).isEmpty();
    }

    /** Starts two timers under {@code parent}; each waits (bounded) inside its callback for the other to enter. */
    private static int maxOverlap(FxDriverGlobals globals, WdfObject parent, boolean automaticSerialization)
            throws InterruptedException {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        CountDownLatch bothEntered = new CountDownLatch(2);
        CountDownLatch done = new CountDownLatch(2);
        EvtTimerFunc callback = t -> {
            max.accumulateAndGet(inside.incrementAndGet(), Math::max);
            bothEntered.countDown();
            try {
                bothEntered.await(300, TimeUnit.MILLISECONDS); // the chance to interleave
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            inside.decrementAndGet();
            done.countDown();
        };
        WdfObjectAttributes attributes = WdfObjectAttributes.NONE.withParent(parent);
        WdfTimer a = newTimer(globals, WdfTimerConfig.init(callback).withAutomaticSerialization(automaticSerialization), attributes);
        WdfTimer b = newTimer(globals, WdfTimerConfig.init(callback).withAutomaticSerialization(automaticSerialization), attributes);
        a.start(Duration.ZERO);
        b.start(Duration.ZERO);
        await(done);
        return max.get();
    }

    // Timers need a parent (STATUS_WDF_PARENT_NOT_SPECIFIED); automatic serialization with a parent of another execution
    // level is STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL; an exception in the callback is reported as a finding.
    @Test
    void parentIsRequiredLevelsMustMatchForSerializationAndExceptionsAreReported() throws Exception {
        FxDriverGlobals globals = drivers.start("timer-create", VerifierSettings.OFF);
        NtResult<WdfTimer> orphan = globals.runAsDriver(() -> WdfTimer.create(WdfTimerConfig.init(t -> { }), WdfObjectAttributes.NONE));
        assertThat(orphan.status()).isEqualTo(NtStatus.STATUS_WDF_PARENT_NOT_SPECIFIED);
        WdfObject scoped = globals.runAsDriver(() -> create(driver(globals),
                WdfObjectAttributes.NONE.withSynchronizationScope(WdfSynchronizationScope.DEVICE)));
        NtResult<WdfTimer> incompatible = globals.runAsDriver(() -> WdfTimer.create(WdfTimerConfig.init(t -> { }),
                WdfObjectAttributes.NONE.withParent(scoped).withExecutionLevel(WdfExecutionLevel.PASSIVE)));
        assertThat(incompatible.status()).isEqualTo(NtStatus.STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL);
        CountDownLatch threw = new CountDownLatch(1);
        WdfTimer throwing = newTimer(globals, WdfTimerConfig.init(t -> {
            threw.countDown();
            throw new IllegalStateException("boom in a timer");
        }), WdfObjectAttributes.NONE.withParent(scoped));
        throwing.start(Duration.ZERO);
        await(threw);
        throwing.stop(true);
        assertThat(globals.findings()).filteredOn(f -> f.kind() == Finding.Kind.EXCEPTION).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("EvtTimerFunc(" + throwing.handleName() + ")", "boom in a timer"));
    }
}
