package org.wdf4j.fxtest.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A cancellation storm: client threads send thousands of writes and cancel them every way a client can (the
 * request itself with {@link FxIrp#cancel()}, another client's request, {@link FxFileHandle#cancelAll()}, closing the
 * handle), while the driver's own threads complete, unmark and re-mark cancelable the same requests, and the cancel
 * routines complete what the cancels reach. Every choice is seeded ({@link Seeds}).
 *
 * <p>The driver follows WDF's rules for a request it holds cancelable:
 * <ul>
 *   <li>it completes only after {@code unmarkCancelable()} answered STATUS_SUCCESS; when it answers STATUS_CANCELLED
 *       the cancel routine owns the request and the driver lets go of it;</li>
 *   <li>its per-request lock, shared with the cancel routine, keeps it from touching a request the routine has
 *       already completed (the echo sample gets the same from its queue's synchronization scope);</li>
 *   <li>it re-marks requests with {@code markCancelable} (whose routine runs at once for a request already cancelled)
 *       and {@code markCancelableEx} (which answers STATUS_CANCELLED instead; the driver then completes the request
 *       with STATUS_CANCELLED itself), and sometimes completes a request it sees {@code isCanceled()} with
 *       STATUS_CANCELLED.</li>
 * </ul>
 *
 * <p>For every request the test checks: the client's future completed exactly once (a counter on the future); the
 * driver's completion paths ran exactly once in total for a request it was presented (each successful
 * {@code complete} call is counted, in the driver's normal path, in its "cancelled" paths and in the cancel routine),
 * and never for one it was not; a request is presented at most once; the status is STATUS_SUCCESS (with the
 * information the driver set) exactly when the driver's normal path won, and STATUS_CANCELLED exactly when a cancel
 * path won, which needs a cancel to have been asked for it. Then: no bug check, no finding, the device removed and
 * the driver stopped cleanly.
 */
class CancellationStormTest {

    private static final int CLIENTS = 4;
    private static final int DRIVER_THREADS = 3;
    private static final int REQUESTS = 4_000;
    /** How many times at most the driver lets a request wait, or unmarks and re-marks it, before completing it. */
    private static final int MAX_ROUNDS = 6;

    private final StressDrivers drivers = new StressDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    /**
     * {@code presentedLimit} 0: every request is presented at once; 8: most wait in the queue, so that cancels also
     * reach requests the framework still owns.
     */
    @ParameterizedTest(name = "parallel queue, presented limit {0}")
    @ValueSource(ints = {0, 8})
    void everyRequestIsCompletedExactlyOnceWithAConsistentStatus(int presentedLimit) {
        long seed = Seeds.seed();
        Seeds.reproducible("CancellationStormTest(presented limit " + presentedLimit + ")", seed,
                () -> storm(seed, presentedLimit));
    }

    private void storm(long seed, int presentedLimit) throws Exception {
        StormDriver driver = new StormDriver(seed, REQUESTS);
        FxDriverGlobals globals = drivers.startPnp("storm" + presentedLimit, init -> driver.deviceAdd(init, presentedLimit));
        FxDevice device = StressDrivers.addAndStart(globals, "ROOT\\STRESS\\STORM");

        Clients clients = new Clients(seed, REQUESTS, device);
        AtomicBoolean stop = new AtomicBoolean();
        CyclicBarrier start = new CyclicBarrier(CLIENTS + DRIVER_THREADS);
        List<Thread> threads = new ArrayList<>();
        Queue<Throwable> threadFailures = new ConcurrentLinkedQueue<>();
        for (int w = 0; w < DRIVER_THREADS; w++) {
            threads.add(Thread.ofPlatform().name("storm-driver-" + w).unstarted(() -> {
                try {
                    start.await();
                    driver.work(stop);
                } catch (Throwable t) {
                    threadFailures.add(t);
                }
            }));
        }
        List<Thread> clientThreads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int index = c;
            clientThreads.add(Thread.ofPlatform().name("storm-client-" + c).unstarted(() -> {
                try {
                    start.await();
                    clients.run(index, CLIENTS, driver);
                } catch (Throwable t) {
                    threadFailures.add(t);
                }
            }));
        }
        threads.addAll(clientThreads);
        threads.forEach(Thread::start);
        try {
            for (Thread t : clientThreads) {
                t.join(TimeUnit.SECONDS.toMillis(StressDrivers.ANSWER_TIMEOUT_SECONDS));
                assertThat(t.isAlive()).as("client thread %s still sending after %d s", t.getName(),
                        StressDrivers.ANSWER_TIMEOUT_SECONDS).isFalse();
            }
            assertThat(threadFailures).as("client or driver threads failed").isEmpty();
            try {
                CompletableFuture.allOf(clients.futures()).get(StressDrivers.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("requests never answered after " + StressDrivers.ANSWER_TIMEOUT_SECONDS + " s: "
                        + clients.unanswered(driver) + StressDrivers.describe(globals.findings()));
            }
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(StressDrivers.ANSWER_TIMEOUT_SECONDS));
            }
        }
        assertThat(threadFailures).as("client or driver threads failed").isEmpty();
        assertThat(driver.errors).as("what the driver saw go wrong").isEmpty();

        Outcomes outcomes = clients.verify(driver);
        System.out.printf("CancellationStormTest seed %d, presented limit %d: %s; %d cancel routines run by markCancelable%n",
                seed, presentedLimit, outcomes, driver.routineFromMark.get());
        assertThat(outcomes.problems).as("requests not completed exactly once with a consistent status (%s)", outcomes)
                .isEmpty();
        assertThat(outcomes.success).as("requests completed by the driver (%s)", outcomes).isPositive();
        assertThat(outcomes.cancelRoutine).as("requests completed by a cancel routine (%s)", outcomes).isPositive();

        clients.closeAll();
        FxDevice.PnpOutcome removed = device.pnp(FxPnpMachine.Event.REMOVE);
        assertThat(removed.state()).as("REMOVE: %s", removed).isEqualTo(FxPnpMachine.State.REMOVED);
        assertThat(globals.devices()).as("devices after REMOVE").doesNotContain(device);
        drivers.assertCleanStop(globals, "storm");
    }

    // ---------------------------------------------------------------------------------------------
    // The driver

    /** The driver's view of one request it was presented, guarded by its own monitor (the driver's lock for it). */
    private static final class Slot {
        final int id;
        final WdfRequest request;
        final long length;
        /** The request's own choices: which thread looks at it does not change what is done with it. */
        final SplittableRandom random;
        int rounds;
        /** Written under the monitor; volatile so that the clients' hunt can peek at it. */
        volatile DriverState state = DriverState.DRIVER;

        Slot(int id, WdfRequest request, long length, SplittableRandom random) {
            this.id = id;
            this.request = request;
            this.length = length;
            this.random = random;
            this.rounds = random.nextInt(MAX_ROUNDS + 1);
        }
    }

    /** Who owns a request, as the driver sees it. */
    private enum DriverState {
        /** The driver holds it, not cancelable (a cancel only sets its cancelled flag). */
        DRIVER,
        /** Marked cancelable: the first of the driver (unmark) and a cancel (routine) to take the slot's lock wins. */
        CANCELABLE,
        /** {@code unmarkCancelable} answered STATUS_CANCELLED: the routine runs, or is about to. */
        CANCEL_OWNED,
        /** The cancel routine took it and completes it. */
        ROUTINE,
        /** The driver completed it (or is completing it). */
        DONE
    }

    /** A PnP driver with a parallel default queue (synchronization scope NONE) whose writes the driver keeps. */
    private static final class StormDriver {
        final long seed;
        final int capacity;
        final AtomicIntegerArray presented;
        final AtomicIntegerArray driverSuccess;
        final AtomicIntegerArray driverCancelled;
        final AtomicIntegerArray routineCancelled;
        final Queue<Slot> work = new ConcurrentLinkedQueue<>();
        final Queue<String> errors = new ConcurrentLinkedQueue<>();
        final AtomicReferenceArray<Slot> slots;
        /** The slot this thread is marking cancelable with {@code markCancelable}, if any. */
        final ThreadLocal<Slot> marking = new ThreadLocal<>();
        final java.util.concurrent.atomic.AtomicInteger routineFromMark = new java.util.concurrent.atomic.AtomicInteger();

        StormDriver(long seed, int capacity) {
            this.seed = seed;
            this.capacity = capacity;
            this.presented = new AtomicIntegerArray(capacity);
            this.driverSuccess = new AtomicIntegerArray(capacity);
            this.driverCancelled = new AtomicIntegerArray(capacity);
            this.routineCancelled = new AtomicIntegerArray(capacity);
            this.slots = new AtomicReferenceArray<>(capacity);
        }

        NtStatus deviceAdd(WdfDeviceInit init, int presentedLimit) {
            NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
            if (!device.isSuccess()) {
                return device.status();
            }
            WdfIoQueueConfig config = WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withNumberOfPresentedRequests(presentedLimit)
                    .withIoWrite(this::ioWrite);
            return WdfQueue.create(device.value(), config, WdfObjectAttributes.NONE).status();
        }

        /** EvtIoWrite: the request's id is its length minus one. Completes it at once, or keeps it cancelable. */
        void ioWrite(WdfQueue queue, WdfRequest request, long length) {
            int id = (int) length - 1;
            if (id < 0 || id >= capacity) {
                errors.add("EvtIoWrite got a write of " + length + " bytes, which is no request of the test");
                request.complete(NtStatus.STATUS_INVALID_PARAMETER);
                return;
            }
            if (presented.incrementAndGet(id) != 1) {
                errors.add("request " + id + " was presented " + presented.get(id) + " times");
            }
            Slot slot = new Slot(id, request, length, Seeds.forRequest(seed, id));
            slots.set(id, slot);
            boolean completeNow;
            synchronized (slot) {
                int choice = slot.random.nextInt(100);
                completeNow = choice < 10;
                if (completeNow) {
                    slot.state = DriverState.DONE;
                } else {
                    markLocked(slot, choice < 35);
                }
            }
            if (completeNow) {
                complete(slot, NtStatus.STATUS_SUCCESS, length, driverSuccess);
            }
        }

        /**
         * With the slot's lock held and the request the driver's (not cancelable): marks it cancelable. A request
         * already cancelled goes to its routine at once ({@code markCancelable}, on this thread) or is completed
         * here with STATUS_CANCELLED ({@code markCancelableEx}); one still cancelable goes back to the work list.
         */
        private void markLocked(Slot slot, boolean ex) {
            // The state is CANCELABLE before the call: a routine run by the call (on this thread, the lock is
            // re-entered) or right after it (on a cancelling thread, waiting for the lock) finds it so.
            slot.state = DriverState.CANCELABLE;
            if (ex) {
                NtStatus marked = slot.request.markCancelableEx(r -> cancelRoutine(slot, r));
                if (NtStatus.STATUS_CANCELLED.equals(marked)) {
                    slot.state = DriverState.DONE;
                    complete(slot, NtStatus.STATUS_CANCELLED, 0, driverCancelled);
                    return;
                }
            } else {
                marking.set(slot);
                try {
                    slot.request.markCancelable(r -> cancelRoutine(slot, r));
                } finally {
                    marking.remove();
                }
            }
            if (slot.state == DriverState.CANCELABLE) {
                work.add(slot);
            }
        }

        /** EvtRequestCancel: owns the request; completes it with STATUS_CANCELLED unless something is wrong. */
        void cancelRoutine(Slot slot, WdfRequest request) {
            if (request != slot.request) {
                errors.add("the cancel routine of request " + slot.id + " was called with " + request);
                return;
            }
            synchronized (slot) {
                if (slot.state != DriverState.CANCELABLE && slot.state != DriverState.CANCEL_OWNED) {
                    // Completing here would be a second completion; the framework ran the routine of a request the
                    // driver had unmarked or completed.
                    errors.add("the cancel routine of request " + slot.id + " ran while the driver held it as "
                            + slot.state);
                    return;
                }
                slot.state = DriverState.ROUTINE;
            }
            if (marking.get() == slot) {
                routineFromMark.incrementAndGet(); // markCancelable of a request already cancelled ran it at once
            }
            complete(slot, NtStatus.STATUS_CANCELLED, 0, routineCancelled);
        }

        /** Counts the completion first (the client may look as soon as its future completes), then completes. */
        private void complete(Slot slot, NtStatus status, long information, AtomicIntegerArray counter) {
            counter.incrementAndGet(slot.id);
            try {
                slot.request.completeWithInformation(status, information);
            } catch (WdfBugCheck e) {
                errors.add("completing request " + slot.id + " with " + status + " was a bug check: " + e.getMessage());
            } catch (RuntimeException e) {
                errors.add("completing request " + slot.id + " with " + status + " threw " + e);
            }
        }

        /** A driver thread: takes the requests the driver keeps from the work list and moves each one step on. */
        void work(AtomicBoolean stop) {
            StressDrivers.work(work, stop, this::step, (slot, e) -> errors.add("the driver's step on request " + slot.id
                    + " was a bug check: " + e.getMessage()));
        }

        /**
         * One look at a request the driver keeps. A cancelable one waits some rounds, or is unmarked and held (not
         * cancelable: a cancel now only sets its cancelled flag), or is unmarked and completed. A held one waits,
         * or is completed with STATUS_CANCELLED when the driver sees it cancelled, or with success, or is marked
         * cancelable again.
         */
        private void step(Slot slot) {
            NtStatus completion;
            synchronized (slot) {
                int choice = slot.random.nextInt(100);
                switch (slot.state) {
                    case CANCELABLE -> {
                        if (slot.rounds > 0 && choice < 40) {
                            slot.rounds--;
                            work.add(slot); // not yet: give a cancel time to reach it while it is cancelable
                            return;
                        }
                        if (NtStatus.STATUS_CANCELLED.equals(slot.request.unmarkCancelable())) {
                            slot.state = DriverState.CANCEL_OWNED; // the routine completes it; hands off
                            return;
                        }
                        if (slot.rounds > 0) {
                            slot.rounds--;
                            slot.state = DriverState.DRIVER; // held, not cancelable, for a while
                            work.add(slot);
                            return;
                        }
                        slot.state = DriverState.DONE;
                        completion = NtStatus.STATUS_SUCCESS;
                    }
                    case DRIVER -> {
                        if (slot.rounds > 0 && choice < 50) {
                            slot.rounds--;
                            work.add(slot);
                            return;
                        }
                        if (choice < 75 && slot.request.isCanceled()) {
                            slot.state = DriverState.DONE; // the driver sees the cancel and completes it itself
                            completion = NtStatus.STATUS_CANCELLED;
                        } else if (slot.rounds == 0 && choice >= 90) {
                            slot.state = DriverState.DONE;
                            completion = NtStatus.STATUS_SUCCESS;
                        } else {
                            markLocked(slot, (choice & 1) == 0);
                            return;
                        }
                    }
                    default -> {
                        return; // the cancel routine owns it
                    }
                }
            }
            if (completion.equals(NtStatus.STATUS_SUCCESS)) {
                complete(slot, NtStatus.STATUS_SUCCESS, slot.length, driverSuccess);
            } else {
                complete(slot, NtStatus.STATUS_CANCELLED, 0, driverCancelled);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The clients

    /** What happened to the requests, counted by who completed them. */
    private static final class Outcomes {
        final List<String> problems = new ArrayList<>();
        int success;
        int cancelRoutine;
        int cancelledByDriver;
        int cancelledInQueue;
        int cancelAsked;

        @Override
        public String toString() {
            return success + " completed by the driver, " + cancelRoutine + " by cancel routines, " + cancelledByDriver
                    + " cancelled by the driver itself, " + cancelledInQueue + " cancelled before presentation; "
                    + cancelAsked + " cancels asked";
        }
    }

    /** The client side: requests numbered 0..n-1, each client thread sending its share. */
    private static final class Clients {
        final long seed;
        final int count;
        final FxDevice device;
        final AtomicReferenceArray<FxIrp> irps;
        /** Per request, the future of the counting callback: done once the answer is counted, not only given. */
        final AtomicReferenceArray<CompletableFuture<FxIoStatus>> counted;
        /** How many times each client future completed (a callback on it). */
        final AtomicIntegerArray answers;
        /** Set before any cancel that can reach the request (its own, another client's, cancelAll, close). */
        final AtomicIntegerArray cancelAsked;
        /** Recently sent request ids, for cancels from other clients; -1 when empty. */
        final AtomicIntegerArray recent = new AtomicIntegerArray(64);
        final Queue<FxFileHandle> handles = new ConcurrentLinkedQueue<>();

        Clients(long seed, int count, FxDevice device) {
            this.seed = seed;
            this.count = count;
            this.device = device;
            this.irps = new AtomicReferenceArray<>(count);
            this.counted = new AtomicReferenceArray<>(count);
            this.answers = new AtomicIntegerArray(count);
            this.cancelAsked = new AtomicIntegerArray(count);
            for (int i = 0; i < recent.length(); i++) {
                recent.set(i, -1);
            }
        }

        void run(int index, int clients, StormDriver driver) {
            SplittableRandom random = Seeds.forActor(seed, 100 + index);
            FxFileHandle handle = open(index);
            List<Integer> inFlight = new ArrayList<>();
            for (int id = index; id < count; id += clients) {
                byte[] data = new byte[id + 1];
                data[0] = (byte) id;
                FxIrp irp = handle.write(data);
                irps.set(id, irp);
                int answered = id;
                counted.set(id, irp.future().whenComplete((status, failure) -> answers.incrementAndGet(answered)));
                inFlight.add(id);
                recent.set(random.nextInt(recent.length()), id);
                int action = random.nextInt(1000);
                if (action < 200) {
                    cancel(id);
                } else if (action < 350) {
                    cancel(inFlight.get(random.nextInt(inFlight.size()))); // an older one, maybe held by the driver
                } else if (action < 500) {
                    int other = recent.get(random.nextInt(recent.length()));
                    if (other >= 0) {
                        cancel(other); // another client's, maybe
                    }
                } else if (action < 600) {
                    hunt(random, driver); // one the driver holds without being cancelable
                } else if (action < 456) {
                    inFlight.forEach(i -> cancelAsked.set(i, 1));
                    handle.cancelAll();
                } else if (action < 460) {
                    inFlight.forEach(i -> cancelAsked.set(i, 1));
                    handle.close();
                    handle = open(index);
                    inFlight.clear();
                }
                StressDrivers.pauseAndPrune(random, inFlight, irps);
            }
        }

        /**
         * Cancels a recently sent request that the driver holds unmarked (read without its lock: a hint only), so
         * that the cancel finds it not cancelable and the driver's {@code isCanceled} and {@code markCancelableEx}
         * paths, and {@code markCancelable} of a cancelled request, are taken.
         */
        private void hunt(SplittableRandom random, StormDriver driver) {
            for (int tries = 0; tries < 8; tries++) {
                int id = recent.get(random.nextInt(recent.length()));
                Slot slot = id < 0 ? null : driver.slots.get(id);
                if (slot != null && slot.state == DriverState.DRIVER) {
                    cancel(id);
                    return;
                }
            }
        }

        private FxFileHandle open(int index) {
            FxFileHandle handle = StressDrivers.open(device, 1000 + index);
            handles.add(handle);
            return handle;
        }

        private void cancel(int id) {
            cancelAsked.set(id, 1);
            irps.get(id).cancel();
        }

        CompletableFuture<?>[] futures() {
            return StressDrivers.answers(counted);
        }

        String unanswered(StormDriver driver) {
            StringBuilder text = new StringBuilder();
            int n = 0;
            for (int id = 0; id < count; id++) {
                FxIrp irp = irps.get(id);
                if (irp != null && !irp.future().isDone()) {
                    if (n++ < 20) {
                        Slot slot = driver.slots.get(id);
                        text.append("\n  request ").append(id).append(": presented ").append(driver.presented.get(id))
                                .append(", driver state ").append(slot == null ? "-" : slot.state)
                                .append(", cancel asked ").append(cancelAsked.get(id) == 1);
                    }
                }
            }
            return n + " unanswered" + text;
        }

        Outcomes verify(StormDriver driver) {
            Outcomes o = new Outcomes();
            for (int id = 0; id < count; id++) {
                FxIoStatus status = irps.get(id).future().getNow(null);
                int presented = driver.presented.get(id);
                int success = driver.driverSuccess.get(id);
                int byDriver = driver.driverCancelled.get(id);
                int byRoutine = driver.routineCancelled.get(id);
                boolean asked = cancelAsked.get(id) == 1;
                o.cancelAsked += asked ? 1 : 0;
                String what = "request " + id + ": status " + (status == null ? "none" : status.status()) + ", presented "
                        + presented + ", driver completions: " + success + " success, " + byDriver + " cancelled, "
                        + byRoutine + " by the cancel routine; cancel asked " + asked + "; future completed "
                        + answers.get(id) + " times";
                int driverCompletions = success + byDriver + byRoutine;
                boolean ok = status != null && answers.get(id) == 1 && presented <= 1
                        && driverCompletions == presented;
                if (ok && status.status().equals(NtStatus.STATUS_SUCCESS)) {
                    ok = success == 1 && status.information() == id + 1;
                    o.success++;
                } else if (ok && status.status().equals(NtStatus.STATUS_CANCELLED)) {
                    ok = asked && success == 0 && status.information() == 0;
                    if (byRoutine == 1) {
                        o.cancelRoutine++;
                    } else if (byDriver == 1) {
                        o.cancelledByDriver++;
                    } else {
                        o.cancelledInQueue++;
                    }
                } else {
                    ok = false;
                }
                if (!ok && o.problems.size() < 20) {
                    o.problems.add(what);
                }
            }
            return o;
        }

        void closeAll() {
            StressDrivers.closeAll(handles);
        }
    }
}
