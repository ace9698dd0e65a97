package org.wdf4j.fxtest.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.object.WdfSynchronizationScope;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;

/**
 * Device-level stress in the manner of the HLK's "DF" device fundamentals tests: PnP and power transitions with
 * I/O in flight, against {@link HoldingDriver} (a driver that keeps most requests, cancelable or not, and completes
 * them from its own thread, its cancel routines and its EvtIoStop) and, for the last test, a driver built like
 * Microsoft's echo sample. Every choice (what clients send and cancel, what the driver does with each request) is
 * seeded ({@link Seeds}).
 *
 * <p>{@link #aRequestKeptAcrossTheStopIsPurgedOnRemoval} pins down a framework bug the random removal tests ran
 * into (a request kept across EvtIoStop(SUSPEND) was never given EvtIoStop(PURGE) on removal); it is a regression test
 * now, and the removal tests (a), (b), (d) let their driver keep requests across a stop ({@link #REMOVAL_SUSPEND_POLICY}).
 *
 * <p>Each test ends with the same checks: every client got exactly one answer, every request the driver kept was
 * completed exactly once by it (and none it did not keep), the statuses are consistent ({@link IoLedger#verify}),
 * nothing hung (a framework wait that times out is a HUNG finding), no bug check, no finding (in particular no
 * leaked request: a request the driver still held when its device went is abandoned and reported as a LEAK), the
 * device gone, and {@code globals.stop()} clean.
 */
class DeviceStressTest {

    private static final int CAPACITY = 8_000;

    /**
     * What the driver of the removal tests (a), (b), (d) does on EvtIoStop(SUSPEND): complete it, requeue it, or
     * acknowledge the stop and keep it, drawn per request. A kept request must then be given up at the purge
     * (EvtIoStop(PURGE)), which {@link #aRequestKeptAcrossTheStopIsPurgedOnRemoval} pins down.
     */
    private static final HoldingDriver.SuspendPolicy REMOVAL_SUSPEND_POLICY = HoldingDriver.SuspendPolicy.ANY;

    private final StressDrivers drivers = new StressDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    /**
     * (a) Disable/enable cycles: I/O with the device started (the driver completing as it goes), then more I/O left
     * in flight (held by the driver, cancelable or not, and waiting in the queue), then a disable (REMOVE) while a
     * client keeps sending and cancelling; then a new EvtDriverDeviceAdd and START, and I/O again.
     */
    @Test
    void disableEnableCyclesWithIoInFlight() {
        long seed = Seeds.seed();
        Seeds.reproducible("DeviceStressTest.disableEnableCyclesWithIoInFlight", seed, () -> {
            HoldingDriver driver = new HoldingDriver(seed, CAPACITY, 6, REMOVAL_SUSPEND_POLICY);
            FxDriverGlobals globals = drivers.startPnp("dfcycles", driver::deviceAdd);
            IoLedger ledger = new IoLedger(CAPACITY);
            try (Completer completer = new Completer(driver, Seeds.forActor(seed, 0))) {
                for (int cycle = 0; cycle < 6; cycle++) {
                    String when = "cycle " + cycle;
                    FxDevice device = StressDrivers.addAndStart(globals, "ROOT\\STRESS\\0000");
                    List<FxFileHandle> handles = openHandles(device, 3);
                    completer.paused = false;
                    traffic(ledger, handles, seed, 10 * cycle + 1, 80, 20);
                    ledger.awaitAllAnswered(when + ", device started", () -> diagnosis(driver, globals));

                    completer.paused = true;
                    traffic(ledger, handles, seed, 10 * cycle + 2, 20, 10);
                    Thread late = trafficInBackground(ledger, handles.subList(0, 1), seed, 10 * cycle + 3, 30, 30);
                    FxDevice.PnpOutcome removed = device.pnp(FxPnpMachine.Event.REMOVE);
                    late.join(TimeUnit.SECONDS.toMillis(StressDrivers.ANSWER_TIMEOUT_SECONDS));
                    assertThat(removed.hung()).as("%s: REMOVE hung%s", when, diagnosis(driver, globals)).isFalse();
                    assertThat(removed.state()).as("%s: REMOVE: %s", when, removed).isEqualTo(FxPnpMachine.State.REMOVED);
                    ledger.awaitAllAnswered(when + ", after the disable", () -> diagnosis(driver, globals));
                    assertDeviceGone(globals, device, handles, ledger);
                    assertNoFindings(globals, driver, when);
                }
            }
            assertLedger(ledger, driver, false);
            drivers.assertCleanStop(globals, "disable/enable cycles");
        });
    }

    /**
     * (b) Surprise removal with I/O in flight (held by the driver and waiting in the queue, a client still sending):
     * every client is answered before the PnP manager's REMOVE comes; requests sent after it are failed at once.
     */
    @Test
    void surpriseRemovalWithIoInFlight() {
        long seed = Seeds.seed();
        Seeds.reproducible("DeviceStressTest.surpriseRemovalWithIoInFlight", seed, () -> {
            HoldingDriver driver = new HoldingDriver(seed, CAPACITY, 8, REMOVAL_SUSPEND_POLICY);
            FxDriverGlobals globals = drivers.startPnp("dfsurprise", driver::deviceAdd);
            IoLedger ledger = new IoLedger(CAPACITY);
            try (Completer completer = new Completer(driver, Seeds.forActor(seed, 0))) {
                for (int round = 0; round < 3; round++) {
                    String when = "round " + round;
                    FxDevice device = StressDrivers.addAndStart(globals, "ROOT\\STRESS\\0001");
                    List<FxFileHandle> handles = openHandles(device, 3);
                    completer.paused = false;
                    traffic(ledger, handles, seed, 10 * round + 1, 80, 20);
                    completer.paused = true;
                    traffic(ledger, handles, seed, 10 * round + 2, 25, 10);
                    assertThat(driver.heldCount()).as("%s: requests held by the driver before the removal", when)
                            .isPositive();
                    assertThat(ledger.unanswered().size()).as("%s: requests in flight (held by the driver or waiting "
                            + "in the queue) before the removal", when).isGreaterThan(driver.heldCount());
                    Thread late = trafficInBackground(ledger, handles.subList(1, 2), seed, 10 * round + 3, 30, 30);
                    FxDevice.PnpOutcome surprise = device.pnp(FxPnpMachine.Event.SURPRISE_REMOVE);
                    late.join(TimeUnit.SECONDS.toMillis(StressDrivers.ANSWER_TIMEOUT_SECONDS));
                    assertThat(surprise.hung()).as("%s: SURPRISE_REMOVE hung%s", when, diagnosis(driver, globals)).isFalse();
                    assertThat(surprise.state()).as("%s: %s", when, surprise).isEqualTo(FxPnpMachine.State.SURPRISE_REMOVED);
                    ledger.awaitAllAnswered(when + ", after the surprise removal (before REMOVE)",
                            () -> diagnosis(driver, globals));
                    int after = ledger.send(handles.get(2), Seeds.forActor(seed, 99));
                    assertThat(ledger.answered(after)).as("%s: a request sent after the surprise removal is answered at once",
                            when).isTrue();

                    FxDevice.PnpOutcome removed = device.pnp(FxPnpMachine.Event.REMOVE);
                    assertThat(removed.state()).as("%s: REMOVE: %s", when, removed).isEqualTo(FxPnpMachine.State.REMOVED);
                    assertDeviceGone(globals, device, handles, ledger);
                    assertNoFindings(globals, driver, when);
                }
            }
            assertLedger(ledger, driver, false);
            drivers.assertCleanStop(globals, "surprise removal");
        });
    }

    /**
     * (c) Sleep and wake with I/O in flight on a power-managed queue: what the driver held when the device left D0
     * (acknowledged and kept, or requeued) and what was sent while it slept is held (not presented, not answered,
     * unless a client cancels it) until the wake, and completes after it.
     */
    @Test
    void sleepAndWakeHoldRequestsUntilWake() {
        long seed = Seeds.seed();
        Seeds.reproducible("DeviceStressTest.sleepAndWakeHoldRequestsUntilWake", seed, () -> {
            HoldingDriver driver = new HoldingDriver(seed, CAPACITY, 4, HoldingDriver.SuspendPolicy.ANY);
            FxDriverGlobals globals = drivers.startPnp("dfsleep", driver::deviceAdd);
            IoLedger ledger = new IoLedger(CAPACITY);
            FxDevice device = StressDrivers.addAndStart(globals, "ROOT\\STRESS\\0002");
            List<FxFileHandle> handles = openHandles(device, 2);
            try (Completer completer = new Completer(driver, Seeds.forActor(seed, 0))) {
                completer.keepAcknowledged = true;
                for (int round = 0; round < 5; round++) {
                    String when = "round " + round;
                    completer.paused = false;
                    traffic(ledger, handles, seed, 10 * round + 1, 60, 15);
                    ledger.awaitAllAnswered(when + ", awake", () -> diagnosis(driver, globals));

                    completer.paused = true;
                    traffic(ledger, handles, seed, 10 * round + 2, 15, 0);
                    FxDevice.PnpOutcome slept = device.pnp(FxPnpMachine.Event.SLEEP);
                    assertThat(slept.state()).as("%s: SLEEP: %s%s", when, slept, diagnosis(driver, globals))
                            .isEqualTo(FxPnpMachine.State.SUSPENDED);
                    Set<Integer> heldAcrossSleep = new HashSet<>(ledger.unanswered());
                    int presentationsAsleep = driver.presentations.get();

                    int firstSentAsleep = ledger.sent();
                    traffic(ledger, handles, seed, 10 * round + 3, 15, 20);
                    Set<Integer> sentAsleep = new HashSet<>();
                    for (int id = firstSentAsleep; id < ledger.sent(); id++) {
                        sentAsleep.add(id);
                    }
                    assertThat(driver.presentations.get()).as("%s: requests presented while the device slept", when)
                            .isEqualTo(presentationsAsleep);
                    for (int id : union(heldAcrossSleep, sentAsleep)) {
                        if (!ledger.cancelWasAsked(id)) {
                            assertThat(ledger.answered(id)).as("%s: request %d answered while the device slept (%s)",
                                    when, id, ledger.describe(id)).isFalse();
                        }
                    }

                    FxDevice.PnpOutcome woke = device.pnp(FxPnpMachine.Event.WAKE);
                    assertThat(woke.state()).as("%s: WAKE: %s", when, woke).isEqualTo(FxPnpMachine.State.STARTED);
                    completer.paused = false;
                    ledger.awaitAllAnswered(when + ", after the wake", () -> diagnosis(driver, globals));
                    for (int id : union(heldAcrossSleep, sentAsleep)) {
                        if (!ledger.cancelWasAsked(id)) {
                            assertThat(ledger.status(id)).as("%s: request %d held across the sleep (%s)", when, id,
                                    ledger.describe(id)).isEqualTo(NtStatus.STATUS_SUCCESS);
                        }
                    }
                    assertNoFindings(globals, driver, when);
                }
                System.out.printf("DeviceStressTest sleep seed %d: EvtIoStop(SUSPEND) %d, EvtIoResume %d; %s%n", seed,
                        driver.stopSuspend.get(), driver.resumes.get(), ledger.summary());
            }
            assertLedger(ledger, driver, true);
            handles.forEach(FxFileHandle::close);
            FxDevice.PnpOutcome removed = device.pnp(FxPnpMachine.Event.REMOVE);
            assertThat(removed.state()).as("REMOVE: %s", removed).isEqualTo(FxPnpMachine.State.REMOVED);
            assertDeviceGone(globals, device, handles, ledger);
            drivers.assertCleanStop(globals, "sleep and wake");
        });
    }

    /**
     * (d) The driver is unloaded ({@code globals.stop()}) with requests outstanding (held by the driver, waiting in
     * the queue, a client still sending): the framework removes the device first, and every client is answered.
     */
    @Test
    void unloadWithRequestsOutstanding() {
        long seed = Seeds.seed();
        Seeds.reproducible("DeviceStressTest.unloadWithRequestsOutstanding", seed, () -> {
            HoldingDriver driver = new HoldingDriver(seed, CAPACITY, 8, REMOVAL_SUSPEND_POLICY);
            FxDriverGlobals globals = drivers.startPnp("dfunload", driver::deviceAdd);
            IoLedger ledger = new IoLedger(CAPACITY);
            FxDevice device = StressDrivers.addAndStart(globals, "ROOT\\STRESS\\0003");
            List<FxFileHandle> handles = openHandles(device, 3);
            try (Completer completer = new Completer(driver, Seeds.forActor(seed, 0))) {
                traffic(ledger, handles, seed, 1, 80, 20);
                ledger.awaitAllAnswered("before the unload", () -> diagnosis(driver, globals));
                completer.paused = true;
                traffic(ledger, handles, seed, 2, 40, 10);
                assertThat(driver.heldCount()).as("requests held by the driver before the unload").isPositive();
                assertThat(ledger.unanswered().size()).as("requests in flight (held by the driver or waiting in the "
                        + "queue) before the unload").isGreaterThan(driver.heldCount());
                Thread late = trafficInBackground(ledger, handles.subList(2, 3), seed, 3, 40, 30);
                drivers.assertCleanStop(globals, "unload with requests outstanding" + diagnosis(driver, globals));
                late.join(TimeUnit.SECONDS.toMillis(StressDrivers.ANSWER_TIMEOUT_SECONDS));
                ledger.awaitAllAnswered("after the unload", () -> diagnosis(driver, globals));
            }
            assertThat(handles).as("handles open after the unload").noneMatch(FxFileHandle::isOpen);
            assertThat(device.pnpState()).isEqualTo(FxPnpMachine.State.REMOVED);
            assertLedger(ledger, driver, false);
        });
    }

    /**
     * (e) A driver like Microsoft's echo sample under concurrent reads, writes and cancels from several clients: a
     * sequential queue with synchronization scope QUEUE; each request kept pending and cancelable; a periodic timer,
     * child of the queue (automatic serialization), completes the pending request with the unmark-first discipline;
     * the cancel routine completes it with STATUS_CANCELLED.
     */
    @Test
    void echoLikeTimerDriverUnderConcurrentReadWriteAndCancel() {
        long seed = Seeds.seed();
        Seeds.reproducible("DeviceStressTest.echoLikeTimerDriverUnderConcurrentReadWriteAndCancel", seed, () -> {
            EchoTimerDriver driver = new EchoTimerDriver(CAPACITY);
            FxDriverGlobals globals = drivers.startPnp("dfecho", driver::deviceAdd);
            IoLedger ledger = new IoLedger(CAPACITY);
            FxDevice device = StressDrivers.addAndStart(globals, "ROOT\\STRESS\\0004");
            List<FxFileHandle> handles = openHandles(device, 4);
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CyclicBarrier start = new CyclicBarrier(handles.size());
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < handles.size(); c++) {
                FxFileHandle handle = handles.get(c);
                SplittableRandom random = Seeds.forActor(seed, 50 + c);
                clients.add(Thread.ofPlatform().name("echo-client-" + c).start(() -> {
                    try {
                        start.await();
                        List<Integer> mine = new ArrayList<>();
                        for (int k = 0; k < 200; k++) {
                            mine.add(ledger.send(handle, random, false));
                            int action = random.nextInt(100);
                            if (action < 25) {
                                ledger.cancel(mine.get(random.nextInt(mine.size())));
                            } else if (action < 27) {
                                mine.forEach(ledger::markCancelAsked);
                                handle.cancelAll();
                            }
                            if (random.nextInt(10) == 0) {
                                LockSupport.parkNanos(random.nextInt(1_000_000)); // pacing only, not synchronization
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(StressDrivers.ANSWER_TIMEOUT_SECONDS));
            }
            assertThat(failures).as("client threads").isEmpty();
            ledger.awaitAllAnswered("echo traffic", () -> "driver errors " + driver.errors
                    + StressDrivers.describe(globals.findings()));
            assertLedger(ledger, driver, true);
            System.out.printf("DeviceStressTest echo seed %d: %s%n", seed, ledger.summary());
            assertThat(ledger.summary()).contains("STATUS_SUCCESS").contains("STATUS_CANCELLED");

            handles.forEach(FxFileHandle::close);
            FxDevice.PnpOutcome removed = device.pnp(FxPnpMachine.Event.REMOVE);
            assertThat(removed.state()).as("REMOVE: %s", removed).isEqualTo(FxPnpMachine.State.REMOVED);
            assertDeviceGone(globals, device, handles, ledger);
            drivers.assertCleanStop(globals, "echo-like driver");
        });
    }

    /** How the device goes away in {@link #aRequestKeptAcrossTheStopIsPurgedOnRemoval}. */
    enum Removal { REMOVE, SURPRISE_REMOVE, UNLOAD }

    /**
     * A request the driver keeps across a stop ({@code stopAcknowledge(false)} from EvtIoStop(SUSPEND), after
     * unmarking it, as WDF requires) while its device is removed must still be given up: the removal's purge calls
     * EvtIoStop(PURGE) for every request the driver holds (docs/devices.md, orderly removal step 6, "held ones get
     * EvtIoStop(PURGE)"; KMDF puts an acknowledged request back on the driver-owned list and purges it the same
     * way), and the driver completes it then. Deterministic: three reads, each kept across the stop.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Removal.class)
    void aRequestKeptAcrossTheStopIsPurgedOnRemoval(Removal removal) throws Exception {
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<WdfRequest> kept = new java.util.concurrent.CopyOnWriteArrayList<>();
        // A short wait timeout: the framework gives up on held requests at half of it, so the failure is quick.
        FxDriverGlobals globals = drivers.startPnp("dfkept" + removal.ordinal(), Duration.ofSeconds(2), init -> {
            NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
            if (!device.isSuccess()) {
                return device.status();
            }
            return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoRead((queue, request, length) -> kept.add(request))
                    .withIoStop((queue, request, action, cancelable) -> {
                        calls.add(action + " " + kept.indexOf(request));
                        if (action == org.wdf4j.io.WdfRequestStopAction.SUSPEND) {
                            request.stopAcknowledge(false); // keep it across the stop
                        } else {
                            request.complete(NtStatus.STATUS_CANCELLED); // give it up
                        }
                    })
                    .withIoResume((queue, request) -> request.complete(NtStatus.STATUS_SUCCESS)),
                    WdfObjectAttributes.NONE).status();
        });
        FxDevice device = StressDrivers.addAndStart(globals, "ROOT\\STRESS\\0005");
        FxFileHandle handle = StressDrivers.open(device, 3000);
        List<org.wdf4j.framework.FxIrp> reads = List.of(handle.read(1), handle.read(2), handle.read(3));
        assertThat(kept).as("requests the driver keeps").hasSize(3);

        switch (removal) {
            case REMOVE -> assertThat(device.pnp(FxPnpMachine.Event.REMOVE).state()).isEqualTo(FxPnpMachine.State.REMOVED);
            case SURPRISE_REMOVE -> assertThat(device.pnp(FxPnpMachine.Event.SURPRISE_REMOVE).state())
                    .isEqualTo(FxPnpMachine.State.SURPRISE_REMOVED);
            case UNLOAD -> assertThat(globals.stop().hung()).isFalse();
        }
        for (org.wdf4j.framework.FxIrp read : reads) {
            assertThat(read.future().get(StressDrivers.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS).status())
                    .as("%s: each read is answered by the driver's EvtIoStop(PURGE). FRAMEWORK BUG if not: a request "
                            + "the driver acknowledged on EvtIoStop(SUSPEND) with stopAcknowledge(false) during the "
                            + "removal's power-down never gets EvtIoStop(PURGE) (FxIoQueue.purgeInternal skips requests "
                            + "whose stopNotified flag powerDown set), so the removal waits, then abandons it as a LEAK "
                            + "and tells the client STATUS_NO_SUCH_DEVICE (EvtIoStop calls: %s; findings:%s)",
                            removal, calls, StressDrivers.describe(globals.findings()))
                    .isEqualTo(NtStatus.STATUS_CANCELLED);
        }
        assertThat(calls).as("%s: EvtIoStop calls", removal)
                .containsExactlyInAnyOrder("SUSPEND 0", "SUSPEND 1", "SUSPEND 2", "PURGE 0", "PURGE 1", "PURGE 2");
        assertThat(globals.findings()).as("%s: findings%s", removal, StressDrivers.describe(globals.findings())).isEmpty();
        if (removal == Removal.SURPRISE_REMOVE) {
            assertThat(device.pnp(FxPnpMachine.Event.REMOVE).state()).isEqualTo(FxPnpMachine.State.REMOVED);
        }
        if (removal != Removal.UNLOAD) {
            drivers.assertCleanStop(globals, removal.toString());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Clients

    private static List<FxFileHandle> openHandles(FxDevice device, int n) {
        List<FxFileHandle> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            handles.add(StressDrivers.open(device, 2000 + i));
        }
        return handles;
    }

    /**
     * One client thread per handle, started together, each sending {@code perClient} requests and asking to cancel
     * one of its own in {@code cancelPercent} of the cases; returns when all have sent.
     */
    private static void traffic(IoLedger ledger, List<FxFileHandle> handles, long seed, int salt, int perClient,
                                int cancelPercent) throws Exception {
        Thread t = trafficInBackground(ledger, handles, seed, salt, perClient, cancelPercent);
        t.join(TimeUnit.SECONDS.toMillis(StressDrivers.ANSWER_TIMEOUT_SECONDS));
        assertThat(t.isAlive()).as("clients still sending after %d s", StressDrivers.ANSWER_TIMEOUT_SECONDS).isFalse();
    }

    /** As {@link #traffic}, on threads of its own; the answer is a thread that ends when every client has sent. */
    private static Thread trafficInBackground(IoLedger ledger, List<FxFileHandle> handles, long seed, int salt,
                                              int perClient, int cancelPercent) {
        CyclicBarrier start = new CyclicBarrier(handles.size());
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < handles.size(); c++) {
            FxFileHandle handle = handles.get(c);
            SplittableRandom random = Seeds.forActor(seed, salt * 16 + c);
            clients.add(Thread.ofPlatform().name("client-" + salt + "-" + c).unstarted(() -> {
                try {
                    start.await();
                    List<Integer> mine = new ArrayList<>();
                    for (int k = 0; k < perClient; k++) {
                        mine.add(ledger.send(handle, random));
                        if (random.nextInt(100) < cancelPercent) {
                            ledger.cancel(mine.get(random.nextInt(mine.size())));
                        }
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        return Thread.ofPlatform().name("clients-" + salt).start(() -> {
            clients.forEach(Thread::start);
            for (Thread t : clients) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("client threads failed");
                failures.forEach(e::addSuppressed);
                e.printStackTrace();
            }
        });
    }

    private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
        Set<Integer> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    // ---------------------------------------------------------------------------------------------
    // The driver's own completion thread

    /** The driver's own thread: completes a few held requests at a time (unmark first) while not paused. */
    private static final class Completer implements AutoCloseable {
        volatile boolean paused;
        volatile boolean keepAcknowledged;
        private volatile boolean stop;
        private final Thread thread;

        Completer(HoldingDriver driver, SplittableRandom random) {
            thread = Thread.ofPlatform().name("driver-completer").start(() -> {
                while (!stop) {
                    int done = 0;
                    if (!paused) {
                        try {
                            done = driver.completeSome(random, 3, keepAcknowledged);
                        } catch (WdfBugCheck e) {
                            driver.errors.add("the driver's thread hit a bug check: " + e.getMessage());
                        }
                    }
                    if (done == 0) {
                        LockSupport.parkNanos(200_000); // idle pacing, not synchronization
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(TimeUnit.SECONDS.toMillis(StressDrivers.ANSWER_TIMEOUT_SECONDS));
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Checks

    private static String diagnosis(HoldingDriver driver, FxDriverGlobals globals) {
        return "; driver " + driver.describeHeld() + ", EvtIoStop suspend " + driver.stopSuspend + " purge "
                + driver.stopPurge + ", resumes " + driver.resumes + ", errors " + driver.errors
                + StressDrivers.describe(globals.findings());
    }

    private static void assertNoFindings(FxDriverGlobals globals, RequestCounts driver, String when) {
        assertThat(driver.errors).as("%s: what the driver saw go wrong", when).isEmpty();
        assertThat(globals.failure()).as("%s: bug check%s", when, StressDrivers.describe(globals.findings())).isNull();
        assertThat(globals.findings()).as("%s: findings (a LEAK is a request the driver still held when its device "
                + "went)%s", when, StressDrivers.describe(globals.findings())).isEmpty();
    }

    private static void assertDeviceGone(FxDriverGlobals globals, FxDevice device, List<FxFileHandle> handles,
                                         IoLedger ledger) {
        assertThat(device.pnpState()).isEqualTo(FxPnpMachine.State.REMOVED);
        assertThat(globals.devices()).as("the driver's devices").doesNotContain(device);
        assertThat(handles).as("handles still open on the removed device").noneMatch(FxFileHandle::isOpen);
        int late = ledger.send(handles.get(0), new SplittableRandom(0));
        assertThat(ledger.answered(late)).as("a request sent to the removed device is answered at once").isTrue();
    }

    private static void assertLedger(IoLedger ledger, RequestCounts driver, boolean cancelImpliesAsked) {
        assertThat(driver.errors).as("what the driver saw go wrong").isEmpty();
        List<String> problems = ledger.verify(driver, cancelImpliesAsked);
        assertThat(problems).as("requests not answered exactly once, or not completed exactly once by the driver, "
                + "or with an inconsistent status (%s)", ledger.summary()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // The echo-like driver

    /**
     * A driver built like Microsoft's echo sample (see {@code samples/echo}): a sequential default queue with
     * synchronization scope QUEUE; EvtIoRead and EvtIoWrite keep the request pending, marked cancelable with
     * {@code markCancelableEx}; a periodic timer, child of the queue with automatic serialization (so under the
     * queue's lock, like the callbacks and the cancel routine), completes it after unmarking it; the cancel routine
     * completes it with STATUS_CANCELLED. Self-managed I/O starts and stops the queue and the timer. The request id
     * is its length minus one; every completion is counted.
     */
    static final class EchoTimerDriver extends RequestCounts {

        static final Duration PERIOD = Duration.ofMillis(1);

        /** The queue's state, guarded by the queue's presentation lock. */
        static final class QueueContext {
            WdfTimer timer;
            WdfRequest current;
            int currentId = -1;
            long currentLength;
        }

        static final ContextType<QueueContext> QUEUE_CONTEXT = ContextType.declare(QueueContext.class, QueueContext::new);

        EchoTimerDriver(int capacity) {
            super(capacity);
        }

        NtStatus deviceAdd(WdfDeviceInit init) {
            init.setPnpPowerEventCallbacks(WdfPnpPowerEventCallbacks.init()
                    .withSelfManagedIoInit(this::selfManagedIoStart)
                    .withSelfManagedIoRestart(this::selfManagedIoStart)
                    .withSelfManagedIoSuspend(this::selfManagedIoSuspend));
            NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
            if (!device.isSuccess()) {
                return device.status();
            }
            NtResult<WdfQueue> queue = WdfQueue.create(device.value(),
                    WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL)
                            .withIoRead((q, request, length) -> pend(q, request, length))
                            .withIoWrite((q, request, length) -> pend(q, request, length)),
                    WdfObjectAttributes.of(QUEUE_CONTEXT).withSynchronizationScope(WdfSynchronizationScope.QUEUE));
            if (!queue.isSuccess()) {
                return queue.status();
            }
            NtResult<WdfTimer> timer = WdfTimer.create(WdfTimerConfig.initPeriodic(this::timerFunc, PERIOD),
                    WdfObjectAttributes.init().withParent(queue.value()));
            if (!timer.isSuccess()) {
                return timer.status();
            }
            QUEUE_CONTEXT.get(queue.value()).timer = timer.value();
            return NtStatus.STATUS_SUCCESS;
        }

        NtStatus selfManagedIoStart(WdfDevice device) {
            WdfQueue queue = device.defaultQueue();
            queue.start();
            QUEUE_CONTEXT.get(queue).timer.start(PERIOD);
            return NtStatus.STATUS_SUCCESS;
        }

        NtStatus selfManagedIoSuspend(WdfDevice device) {
            WdfQueue queue = device.defaultQueue();
            queue.stopSynchronously();
            QUEUE_CONTEXT.get(queue).timer.stop(true);
            return NtStatus.STATUS_SUCCESS;
        }

        /** EvtIoRead and EvtIoWrite: keep the request pending for the timer, cancelable. */
        void pend(WdfQueue queue, WdfRequest request, long length) {
            int id = (int) length - 1;
            presented.incrementAndGet(id);
            QueueContext context = QUEUE_CONTEXT.get(queue);
            if (context.current != null) {
                errors.add("request " + id + " presented by a sequential queue while request " + context.currentId
                        + " is pending");
            }
            if (NtStatus.STATUS_CANCELLED.equals(request.markCancelableEx(this::cancelRoutine))) {
                driverCancelled.incrementAndGet(id);
                request.completeWithInformation(NtStatus.STATUS_CANCELLED, 0);
                return;
            }
            context.current = request;
            context.currentId = id;
            context.currentLength = length;
        }

        /** EvtRequestCancel: under the queue's lock, like the timer. */
        void cancelRoutine(WdfRequest request) {
            QueueContext context = QUEUE_CONTEXT.get(request.queue());
            int id = (int) request.parameters().length() - 1;
            if (context.current == request) {
                context.current = null;
                context.currentId = -1;
            }
            routineCancelled.incrementAndGet(id);
            request.completeWithInformation(NtStatus.STATUS_CANCELLED, 0);
        }

        /** EvtTimerFunc: completes the pending request unless the cancel routine owns it (unmark first). */
        void timerFunc(WdfTimer timer) {
            QueueContext context = QUEUE_CONTEXT.get(timer.parentObject());
            WdfRequest request = context.current;
            if (request == null) {
                return;
            }
            int id = context.currentId;
            context.current = null;
            context.currentId = -1;
            if (NtStatus.STATUS_CANCELLED.equals(request.unmarkCancelable())) {
                return; // the cancel routine runs when this callback lets go of the queue's lock
            }
            driverSuccess.incrementAndGet(id);
            request.completeWithInformation(NtStatus.STATUS_SUCCESS, context.currentLength);
        }
    }
}
