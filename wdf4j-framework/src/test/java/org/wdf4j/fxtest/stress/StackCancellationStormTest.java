package org.wdf4j.fxtest.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceStack;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.io.EvtIoWrite;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfIoTarget;
import org.wdf4j.io.WdfIoTargetSentIoAction;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestSendOptions;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * ST7 and ST10 under stress: the cancellation storm of {@link CancellationStormTest} on a device stack. Four devices
 * of four drivers, bottom-up: the bus driver's device (the bottom: it keeps the writes it gets, cancelable, and its
 * threads complete them), a lower filter, the function driver and an upper filter, each of the three forwarding every
 * write to its default target with a completion routine. Client threads send writes and cancel them (their own, an
 * older one, {@link FxFileHandle#cancelAll()}, closing the handle); the function driver cancels some of the requests it
 * sent ({@code cancelSentRequest}); and a bus thread unplugs the child (the whole stack's surprise removal and removal,
 * as the host's PnP manager does it for a missing child) and plugs it in again (a new stack of the same four drivers),
 * or stops and restarts a level's default target with CANCEL_SENT_IO. Every choice is seeded ({@link Seeds}).
 *
 * <p>For every request: the client's future completed exactly once; each level that was presented it presented it once
 * and either sent it (then its completion routine ran exactly once) or completed it itself once when the send failed;
 * the bottom completed what it was presented exactly once (its normal path, its cancel-aware paths, its cancel
 * routine); and the client's status is the status of the lowest driver that completed it (STATUS_SUCCESS with the
 * information only from the bottom's normal path), or, when no driver completed it, one the framework gives a request
 * it cancels or refuses (STATUS_CANCELLED, STATUS_NO_SUCH_DEVICE, STATUS_FILE_CLOSED); a level's send fails only with
 * STATUS_INVALID_DEVICE_STATE (its target closed by the unplug). Then: no bug check, no finding,
 * no object left alive, each driver stopped cleanly.
 */
class StackCancellationStormTest {

    private static final String NODE = "ROOT\\STRESS\\STACKSTORM";
    private static final int CLIENTS = 3;
    private static final int BOTTOM_THREADS = 2;
    private static final int REQUESTS = 3_000;
    /** How many times the bus thread unplugs and re-plugs the child (or stops a target) during the storm, at most. */
    private static final int BUS_CYCLES = 12;
    private static final int MAX_ROUNDS = 5;
    /** The levels above the bottom, bottom-up; their index in the counters is 1..3 (0 is the bottom). */
    private static final String[] LEVELS = {"lower filter", "function driver", "upper filter"};
    private static final int FUNCTION = 2;

    private final StressDrivers drivers = new StressDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    @Test
    void st7_st10_aThreeLevelStackUnderACancellationStormWithTheChildUnpluggedAndReplugged() {
        long seed = Seeds.seed();
        Seeds.reproducible("StackCancellationStormTest", seed, () -> storm(seed));
    }

    private void storm(long seed) throws Exception {
        Ledger ledger = new Ledger(REQUESTS);
        Bottom bottom = new Bottom(seed, ledger);
        List<Forwarder> forwarders = new ArrayList<>();
        List<FxDriverGlobals> globals = new ArrayList<>();
        globals.add(drivers.startPnp("stackstorm-bus", bottom::deviceAdd));
        for (int level = 1; level <= LEVELS.length; level++) {
            Forwarder f = new Forwarder(level, ledger);
            forwarders.add(f);
            globals.add(drivers.startPnp("stackstorm-" + LEVELS[level - 1].replace(' ', '-'), f::deviceAdd));
        }
        int[] baseline = globals.stream().mapToInt(FxDriverGlobals::liveObjects).toArray();
        Bus bus = new Bus(seed, globals);
        bus.plugIn();

        Clients clients = new Clients(seed, bus, ledger);
        AtomicBoolean stop = new AtomicBoolean();
        CyclicBarrier start = new CyclicBarrier(CLIENTS + BOTTOM_THREADS + 2);
        Queue<Throwable> threadFailures = new ConcurrentLinkedQueue<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < BOTTOM_THREADS; w++) {
            workers.add(thread("stackstorm-bottom-" + w, start, threadFailures, () -> bottom.work(stop)));
        }
        workers.add(thread("stackstorm-sender-cancels", start, threadFailures,
                () -> forwarders.get(FUNCTION - 1).cancelSome(Seeds.forActor(seed, 50), stop)));
        Thread busThread = thread("stackstorm-bus", start, threadFailures, () -> bus.run(clients, stop));
        List<Thread> clientThreads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int index = c;
            clientThreads.add(thread("stackstorm-client-" + c, start, threadFailures, () -> clients.run(index)));
        }
        List<Thread> all = new ArrayList<>(workers);
        all.add(busThread);
        all.addAll(clientThreads);
        all.forEach(Thread::start);
        try {
            for (Thread t : clientThreads) {
                t.join(TimeUnit.SECONDS.toMillis(StressDrivers.ANSWER_TIMEOUT_SECONDS));
                assertThat(t.isAlive()).as("client thread %s still sending", t.getName()).isFalse();
            }
            clients.done.set(true);
            busThread.join(TimeUnit.SECONDS.toMillis(StressDrivers.ANSWER_TIMEOUT_SECONDS));
            assertThat(busThread.isAlive()).as("the bus thread still unplugging").isFalse();
            assertThat(threadFailures).as("client, bus or driver threads failed").isEmpty();
            try {
                CompletableFuture.allOf(clients.futures()).get(StressDrivers.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("requests never answered after " + StressDrivers.ANSWER_TIMEOUT_SECONDS
                        + " s: " + clients.unanswered() + describe(globals));
            }
        } finally {
            stop.set(true);
            for (Thread t : all) {
                t.join(TimeUnit.SECONDS.toMillis(StressDrivers.ANSWER_TIMEOUT_SECONDS));
            }
        }
        assertThat(threadFailures).as("client, bus or driver threads failed").isEmpty();
        assertThat(ledger.errors).as("what the drivers saw go wrong").isEmpty();

        Outcomes outcomes = clients.verify();
        System.out.printf("StackCancellationStormTest seed %d: %s; %d unplugs, %d target stops, %d sender cancels%n",
                seed, outcomes, bus.unplugs.get(), bus.targetStops.get(), forwarders.get(FUNCTION - 1).senderCancels.get());
        assertThat(outcomes.problems).as("requests not completed exactly once at every level (%s)", outcomes).isEmpty();
        assertThat(outcomes.success).as("requests the bottom completed (%s)", outcomes).isPositive();
        assertThat(outcomes.cancelled).as("requests cancelled (%s)", outcomes).isPositive();
        assertThat(bus.unplugs).as("unplugs during the storm").hasValueGreaterThan(0);

        clients.closeAll();
        bus.unplug(false);
        for (int i = 0; i < globals.size(); i++) {
            FxDriverGlobals g = globals.get(i);
            assertThat(g.liveObjects()).as("%s: objects alive after the last removal%s", g.name(),
                    StressDrivers.describe(g.findings())).isEqualTo(baseline[i]);
            drivers.assertCleanStop(g, g.name());
        }
    }

    /** EvtDriverDeviceAdd of every level: the device, with a parallel default queue whose writes go to {@code write}. */
    private static NtStatus writesDevice(WdfDeviceInit init, EvtIoWrite write) {
        NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
        if (!device.isSuccess()) {
            return device.status();
        }
        return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoWrite(write), WdfObjectAttributes.NONE).status();
    }

    private static Thread thread(String name, CyclicBarrier start, Queue<Throwable> failures, Seeds.ThrowingRunnable body) {
        return Thread.ofPlatform().name(name).unstarted(() -> {
            try {
                start.await();
                body.run();
            } catch (Throwable t) {
                failures.add(t);
            }
        });
    }

    private static String describe(List<FxDriverGlobals> globals) {
        StringBuilder text = new StringBuilder();
        for (FxDriverGlobals g : globals) {
            text.append(StressDrivers.describe(g.findings()));
        }
        return text.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // What each level did with each request

    /** Per request id, what each level did; written by the drivers, read by the verification. Thread-safe (atomics). */
    private static final class Ledger {
        final int count;
        /** [level * count + id]: how many times the level was presented the request (level 0: the bottom). */
        final AtomicIntegerArray presented;
        /** [level * count + id]: how many times the level's send of it answered true. */
        final AtomicIntegerArray sent;
        /** [level * count + id]: how many times the level completed it itself after its send failed. */
        final AtomicIntegerArray sendFailed;
        /** [level * count + id]: how many times the level's completion routine ran for it. */
        final AtomicIntegerArray routines;
        /** Per id: the bottom's completions by its normal path (success), its own cancel paths, its cancel routine. */
        final AtomicIntegerArray bottomSuccess;
        final AtomicIntegerArray bottomCancelled;
        final AtomicIntegerArray bottomRoutine;
        /** Per id: the status of the lowest driver that completed it first-hand, and which level that was. */
        final AtomicReferenceArray<NtStatus> origin;
        final AtomicIntegerArray originLevel;
        final Queue<String> errors = new ConcurrentLinkedQueue<>();

        Ledger(int count) {
            this.count = count;
            int cells = (LEVELS.length + 1) * count;
            presented = new AtomicIntegerArray(cells);
            sent = new AtomicIntegerArray(cells);
            sendFailed = new AtomicIntegerArray(cells);
            routines = new AtomicIntegerArray(cells);
            bottomSuccess = new AtomicIntegerArray(count);
            bottomCancelled = new AtomicIntegerArray(count);
            bottomRoutine = new AtomicIntegerArray(count);
            origin = new AtomicReferenceArray<>(count);
            originLevel = new AtomicIntegerArray(count);
        }

        /** The request's id (its length minus one), or -1 (recorded as an error) when it is no request of the test. */
        int id(int level, long length) {
            int id = (int) length - 1;
            if (id < 0 || id >= count) {
                errors.add("level " + level + " got a write of " + length + " bytes, which is no request of the test");
                return -1;
            }
            if (presented.incrementAndGet(level * count + id) != 1) {
                errors.add("request " + id + " was presented " + presented.get(level * count + id) + " times at level "
                        + level);
            }
            return id;
        }

        /** The request is completed first-hand by {@code level} with {@code status}: counted before it is completed. */
        void origin(int id, int level, NtStatus status) {
            if (!origin.compareAndSet(id, null, status)) {
                errors.add("request " + id + " completed first-hand twice: at level " + originLevel.get(id) + " with "
                        + origin.get(id) + " and at level " + level + " with " + status);
                return;
            }
            originLevel.set(id, level);
        }

        int cell(int level, int id) {
            return level * count + id;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The drivers

    /** The bottom's view of one request it was presented, guarded by its own monitor. */
    private static final class Held {
        final int id;
        final WdfRequest request;
        final long length;
        final SplittableRandom random;
        int rounds;
        /** Whether the request is marked cancelable (the cancel routine may take it); guarded by this. */
        boolean cancelable;
        /** Whether the driver or its cancel routine has taken it to complete it; guarded by this. */
        boolean taken;

        Held(int id, WdfRequest request, long length, SplittableRandom random) {
            this.id = id;
            this.request = request;
            this.length = length;
            this.random = random;
            this.rounds = random.nextInt(MAX_ROUNDS + 1);
        }
    }

    /**
     * The bus driver's device at the bottom of the stack: it keeps every write, marked cancelable
     * ({@code markCancelableEx}: a request already cancelled is completed here with STATUS_CANCELLED), and its threads
     * complete them after some rounds, after unmarking them (an unmark that answers STATUS_CANCELLED leaves the request
     * to the cancel routine), or complete one they see cancelled with STATUS_CANCELLED. It never completes a request
     * while holding its lock, so that completion routines above may take theirs.
     */
    private static final class Bottom {
        final long seed;
        final Ledger ledger;
        final Queue<Held> work = new ConcurrentLinkedQueue<>();

        Bottom(long seed, Ledger ledger) {
            this.seed = seed;
            this.ledger = ledger;
        }

        NtStatus deviceAdd(WdfDeviceInit init) {
            return writesDevice(init, this::ioWrite);
        }

        void ioWrite(WdfQueue queue, WdfRequest request, long length) {
            int id = ledger.id(0, length);
            if (id < 0) {
                request.complete(NtStatus.STATUS_INVALID_PARAMETER);
                return;
            }
            Held held = new Held(id, request, length, Seeds.forRequest(seed, id));
            if (held.random.nextInt(100) < 10) {
                complete(held, NtStatus.STATUS_SUCCESS, length, ledger.bottomSuccess);
                return;
            }
            mark(held);
        }

        /** Marks the request cancelable; one already cancelled is completed here with STATUS_CANCELLED. */
        private void mark(Held held) {
            boolean cancelled;
            synchronized (held) {
                held.cancelable = true;
                cancelled = NtStatus.STATUS_CANCELLED.equals(held.request.markCancelableEx(r -> cancelRoutine(held, r)));
                if (cancelled) {
                    held.cancelable = false;
                    held.taken = true;
                }
            }
            if (cancelled) {
                complete(held, NtStatus.STATUS_CANCELLED, 0, ledger.bottomCancelled);
            } else {
                work.add(held);
            }
        }

        void cancelRoutine(Held held, WdfRequest request) {
            if (request != held.request) {
                ledger.errors.add("the cancel routine of request " + held.id + " was called with " + request);
                return;
            }
            synchronized (held) {
                if (!held.cancelable || held.taken) {
                    ledger.errors.add("the cancel routine of request " + held.id + " ran while the driver held it"
                            + (held.taken ? " taken" : " unmarked"));
                    return;
                }
                held.cancelable = false;
                held.taken = true;
            }
            complete(held, NtStatus.STATUS_CANCELLED, 0, ledger.bottomRoutine);
        }

        private void complete(Held held, NtStatus status, long information, AtomicIntegerArray counter) {
            counter.incrementAndGet(held.id);
            ledger.origin(held.id, 0, status);
            try {
                held.request.completeWithInformation(status, information);
            } catch (WdfBugCheck e) {
                ledger.errors.add("completing request " + held.id + " at the bottom was a bug check: " + e.getMessage());
            } catch (RuntimeException e) {
                ledger.errors.add("completing request " + held.id + " at the bottom threw " + e);
            }
        }

        void work(AtomicBoolean stop) {
            StressDrivers.work(work, stop, this::step, (held, e) -> ledger.errors.add("the bottom's step on request "
                    + held.id + " was a bug check: " + e.getMessage()));
        }

        /** One look at a request the bottom keeps cancelable: wait a round, or unmark it and complete or re-mark it. */
        private void step(Held held) {
            NtStatus completion;
            synchronized (held) {
                if (held.taken || !held.cancelable) {
                    return; // the cancel routine took it
                }
                int choice = held.random.nextInt(100);
                if (held.rounds > 0 && choice < 50) {
                    held.rounds--;
                    work.add(held);
                    return;
                }
                if (NtStatus.STATUS_CANCELLED.equals(held.request.unmarkCancelable())) {
                    return; // the cancel routine runs, or is about to: it owns the request
                }
                held.cancelable = false;
                if (held.rounds > 0 && choice < 80) {
                    held.rounds--; // re-marked below, outside the lock
                    completion = null;
                } else if (held.request.isCanceled()) {
                    held.taken = true;
                    completion = NtStatus.STATUS_CANCELLED;
                } else {
                    held.taken = true;
                    completion = NtStatus.STATUS_SUCCESS;
                }
            }
            if (completion == null) {
                mark(held);
            } else if (completion.equals(NtStatus.STATUS_SUCCESS)) {
                complete(held, NtStatus.STATUS_SUCCESS, held.length, ledger.bottomSuccess);
            } else {
                complete(held, NtStatus.STATUS_CANCELLED, 0, ledger.bottomCancelled);
            }
        }
    }

    /** One request a forwarding level sent; {@code done} is guarded by its monitor. */
    private static final class Sent {
        final WdfRequest request;
        /** Set by the completion routine before it completes the request upward: then the request may be gone. */
        boolean done;

        Sent(WdfRequest request) {
            this.request = request;
        }
    }

    /**
     * A filter or function driver that forwards every write to its default target with a completion routine that
     * counts and completes the request upward with the lower status and information; a failed send completes it with
     * the send's status. The function level also keeps what it sent, for its own {@code cancelSentRequest}.
     */
    private static final class Forwarder {
        final int level;
        final Ledger ledger;
        final AtomicReferenceArray<Sent> sent;
        /** Recently sent ids, -1 when empty, for {@link #cancelSome}. */
        final AtomicIntegerArray recent = new AtomicIntegerArray(32);
        final AtomicInteger senderCancels = new AtomicInteger();

        Forwarder(int level, Ledger ledger) {
            this.level = level;
            this.ledger = ledger;
            this.sent = new AtomicReferenceArray<>(ledger.count);
            for (int i = 0; i < recent.length(); i++) {
                recent.set(i, -1);
            }
        }

        NtStatus deviceAdd(WdfDeviceInit init) {
            if (level != FUNCTION) {
                init.setFilter();
            }
            return writesDevice(init, this::ioWrite);
        }

        void ioWrite(WdfQueue queue, WdfRequest request, long length) {
            int id = ledger.id(level, length);
            if (id < 0) {
                request.complete(NtStatus.STATUS_INVALID_PARAMETER);
                return;
            }
            Sent s = new Sent(request);
            request.formatRequestUsingCurrentType();
            request.setCompletionRoutine((r, target, params) -> {
                ledger.routines.incrementAndGet(ledger.cell(level, id));
                synchronized (s) {
                    s.done = true;
                }
                r.completeWithInformation(params.status(), params.information());
            });
            boolean delivered;
            // The lock is held across the send so that cancelSome never cancels a request not yet sent; a completion
            // routine that runs inside the send re-enters it.
            synchronized (s) {
                sent.set(id, s);
                delivered = request.send(queue.device().ioTarget(), WdfRequestSendOptions.init());
                if (delivered) {
                    ledger.sent.incrementAndGet(ledger.cell(level, id));
                } else {
                    s.done = true;
                }
            }
            if (delivered) {
                recent.set(id % recent.length(), id);
            } else {
                NtStatus status = request.status();
                ledger.sendFailed.incrementAndGet(ledger.cell(level, id));
                ledger.origin(id, level, status);
                request.complete(status);
            }
        }

        /** The sender's own cancels: {@code cancelSentRequest} on recently sent requests still below. */
        void cancelSome(SplittableRandom random, AtomicBoolean stop) {
            while (!stop.get()) {
                int id = recent.get(random.nextInt(recent.length()));
                Sent s = id < 0 ? null : sent.get(id);
                if (s != null) {
                    synchronized (s) {
                        if (!s.done) {
                            s.request.cancelSentRequest();
                            senderCancels.incrementAndGet();
                        }
                    }
                }
                for (int i = random.nextInt(200); i > 0; i--) {
                    Thread.onSpinWait();
                }
                if (id < 0) {
                    Thread.yield();
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The bus

    /** One plug-in of the child: its stack, and a latch opened when the next plug-in's stack has started. */
    private record Plug(FxDeviceStack stack, CountDownLatch replaced) {
    }

    /**
     * The bus: plugs the child in (a new stack of the four drivers, started bottom-up), unplugs it (SURPRISE_REMOVE
     * then REMOVE through the stack top-down, as the host's PnP manager does for a child reported missing), and stops
     * and restarts a level's default target with CANCEL_SENT_IO.
     */
    private static final class Bus {
        final SplittableRandom random;
        final List<FxDriverGlobals> globals;
        final AtomicReference<Plug> current = new AtomicReference<>();
        final AtomicInteger unplugs = new AtomicInteger();
        final AtomicInteger targetStops = new AtomicInteger();
        /** How many cycles have begun; the clients wait for a cycle at its boundary. */
        final AtomicInteger begun = new AtomicInteger();
        final AtomicBoolean finished = new AtomicBoolean();

        Bus(long seed, List<FxDriverGlobals> globals) {
            this.random = Seeds.forActor(seed, 70);
            this.globals = globals;
        }

        void plugIn() {
            FxDeviceStack stack = new FxDeviceStack(NODE);
            for (FxDriverGlobals g : globals) {
                NtResult<FxDevice> added = stack.addDevice(g, "ROOT\\STRESS");
                assertThat(added.status()).as("the device of %s", g.name()).isEqualTo(NtStatus.STATUS_SUCCESS);
            }
            List<FxDevice.PnpOutcome> started = stack.pnp(FxPnpMachine.Event.START);
            assertThat(FxDeviceStack.succeeded(started)).as("START of %s: %s", stack, started).isTrue();
            Plug previous = current.getAndSet(new Plug(stack, new CountDownLatch(1)));
            if (previous != null) {
                previous.replaced.countDown();
            }
        }

        /** Unplugs the child: surprise removal (or, {@code surprise} false, an orderly removal) of its whole stack. */
        void unplug(boolean surprise) {
            FxDeviceStack stack = current.get().stack();
            if (surprise) {
                List<FxDevice.PnpOutcome> gone = stack.pnp(FxPnpMachine.Event.SURPRISE_REMOVE);
                assertThat(gone).as("SURPRISE_REMOVE of %s", stack).allMatch(o -> !o.hung()
                        && o.state() == FxPnpMachine.State.SURPRISE_REMOVED);
            }
            List<FxDevice.PnpOutcome> removed = stack.pnp(FxPnpMachine.Event.REMOVE);
            assertThat(removed).as("REMOVE of %s", stack).allMatch(o -> !o.hung()
                    && o.state() == FxPnpMachine.State.REMOVED);
            assertThat(stack.devices()).as("devices left in the unplugged stack").isEmpty();
        }

        /** Where cycle {@code k} starts: after that many requests were sent. */
        static int boundary(int k) {
            return (k + 1) * REQUESTS / (BUS_CYCLES + 1);
        }

        /**
         * While the clients send: at each boundary, unplugs and re-plugs the child (two cycles in three), or stops and
         * restarts a level's target. The clients wait at a boundary until its cycle has begun, then send on during it.
         */
        void run(Clients clients, AtomicBoolean stop) {
            try {
                for (int cycle = 0; cycle < BUS_CYCLES && !clients.done.get() && !stop.get(); cycle++) {
                    while (clients.sentCount.get() < boundary(cycle) && !clients.done.get()) {
                        Thread.onSpinWait();
                        Thread.yield();
                    }
                    if (clients.done.get()) {
                        return;
                    }
                    begun.incrementAndGet();
                    if (random.nextInt(3) == 0) {
                        FxDevice device = current.get().stack().devices().get(1 + random.nextInt(LEVELS.length));
                        WdfIoTarget target = device.ioTarget();
                        target.stop(WdfIoTargetSentIoAction.CANCEL_SENT_IO);
                        assertThat(target.start()).as("the restart of %s's target", device)
                                .isEqualTo(NtStatus.STATUS_SUCCESS);
                        targetStops.incrementAndGet();
                    } else {
                        unplug(true);
                        unplugs.incrementAndGet();
                        plugIn();
                    }
                }
            } finally {
                finished.set(true);
            }
        }

        /** A client waits here while the next cycle's boundary is reached and the cycle has not begun. */
        void awaitCycle(int sent) {
            while (!finished.get() && sent >= boundary(begun.get())) {
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The clients

    private static final class Outcomes {
        final List<String> problems = new ArrayList<>();
        int success;
        int cancelled;
        int refused;
        final Map<String, Integer> failedSends = new TreeMap<>();

        @Override
        public String toString() {
            return success + " completed by the bottom, " + cancelled + " cancelled, " + refused
                    + " refused by a removed device or a closed handle, failed by a send: " + failedSends;
        }
    }

    private static final class Clients {
        final long seed;
        final Bus bus;
        final Ledger ledger;
        final AtomicReferenceArray<FxIrp> irps;
        final AtomicReferenceArray<CompletableFuture<FxIoStatus>> counted;
        final AtomicIntegerArray answers;
        final AtomicInteger sentCount = new AtomicInteger();
        final AtomicBoolean done = new AtomicBoolean();
        final Queue<FxFileHandle> handles = new ConcurrentLinkedQueue<>();

        Clients(long seed, Bus bus, Ledger ledger) {
            this.seed = seed;
            this.bus = bus;
            this.ledger = ledger;
            this.irps = new AtomicReferenceArray<>(ledger.count);
            this.counted = new AtomicReferenceArray<>(ledger.count);
            this.answers = new AtomicIntegerArray(ledger.count);
        }

        void run(int index) throws InterruptedException {
            SplittableRandom random = Seeds.forActor(seed, 100 + index);
            FxFileHandle handle = open(index);
            List<Integer> inFlight = new ArrayList<>();
            for (int id = index; id < ledger.count; id += CLIENTS) {
                if (!handle.isOpen()) {
                    handle = open(index); // the child was unplugged: the new one's stack
                    inFlight.clear();
                }
                bus.awaitCycle(sentCount.get());
                byte[] data = new byte[id + 1];
                FxIrp irp = handle.write(data);
                irps.set(id, irp);
                int answered = id;
                counted.set(id, irp.future().whenComplete((status, failure) -> answers.incrementAndGet(answered)));
                sentCount.incrementAndGet();
                inFlight.add(id);
                FxIoStatus refused = irp.future().getNow(null);
                if (refused != null && refused.status().equals(NtStatus.STATUS_NO_SUCH_DEVICE)) {
                    // the child is being unplugged: wait for it to come back rather than burn requests on it
                    handle = reopenAfterUnplug(index, handle);
                    inFlight.clear();
                    continue;
                }
                int action = random.nextInt(1000);
                if (action < 200) {
                    irp.cancel();
                } else if (action < 350) {
                    irps.get(inFlight.get(random.nextInt(inFlight.size()))).cancel();
                } else if (action < 355) {
                    handle.cancelAll();
                } else if (action < 358) {
                    handle.close();
                    handle = open(index);
                    inFlight.clear();
                }
                StressDrivers.pauseAndPrune(random, inFlight, irps);
            }
        }

        /** The handle's child is going: waits for the next plug-in and opens it. */
        private FxFileHandle reopenAfterUnplug(int index, FxFileHandle handle) throws InterruptedException {
            Plug plug = bus.current.get();
            if (plug.stack().devices().contains(handle.device())) {
                assertThat(plug.replaced().await(StressDrivers.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                        .as("the child plugged in again").isTrue();
            }
            return open(index);
        }

        /** Opens the child's current stack; while it is unplugged, waits for the next plug-in. */
        private FxFileHandle open(int index) throws InterruptedException {
            while (true) {
                Plug plug = bus.current.get();
                FxDevice top = plug.stack().top();
                if (top != null) {
                    try {
                        NtResult<FxFileHandle> opened = top.open(new WdfRequestor(1000 + index, 0, 0), "")
                                .get(StressDrivers.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                        if (opened.isSuccess()) {
                            handles.add(opened.value());
                            return opened.value();
                        }
                        assertThat(opened.status()).as("an open that fails while the child is unplugged")
                                .isEqualTo(NtStatus.STATUS_DELETE_PENDING);
                    } catch (ExecutionException | TimeoutException e) {
                        throw new AssertionError("open of " + top + " did not answer", e);
                    }
                }
                assertThat(plug.replaced().await(StressDrivers.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                        .as("the child plugged in again").isTrue();
            }
        }

        CompletableFuture<?>[] futures() {
            return StressDrivers.answers(counted);
        }

        String unanswered() {
            StringBuilder text = new StringBuilder();
            int n = 0;
            for (int id = 0; id < ledger.count; id++) {
                FxIrp irp = irps.get(id);
                if (irp != null && !irp.future().isDone() && n++ < 20) {
                    text.append("\n  ").append(describe(id, null));
                }
            }
            return n + " unanswered" + text;
        }

        private String describe(int id, FxIoStatus status) {
            StringBuilder text = new StringBuilder("request " + id + ": status "
                    + (status == null ? "none" : status.status() + " information " + status.information())
                    + ", future completed " + answers.get(id) + " times; bottom presented "
                    + ledger.presented.get(id) + ", completed " + ledger.bottomSuccess.get(id) + " success, "
                    + ledger.bottomCancelled.get(id) + " cancelled, " + ledger.bottomRoutine.get(id)
                    + " by its cancel routine");
            for (int level = 1; level <= LEVELS.length; level++) {
                int cell = ledger.cell(level, id);
                text.append("; ").append(LEVELS[level - 1]).append(" presented ").append(ledger.presented.get(cell))
                        .append(", sent ").append(ledger.sent.get(cell)).append(", send failed ")
                        .append(ledger.sendFailed.get(cell)).append(", routine ").append(ledger.routines.get(cell));
            }
            return text.append("; first-hand ").append(ledger.origin.get(id)).append(" at level ")
                    .append(ledger.originLevel.get(id)).toString();
        }

        Outcomes verify() {
            Outcomes o = new Outcomes();
            for (int id = 0; id < ledger.count; id++) {
                FxIoStatus status = irps.get(id).future().getNow(null);
                boolean ok = status != null && answers.get(id) == 1;
                int bottomPresented = ledger.presented.get(id);
                int bottomCompletions = ledger.bottomSuccess.get(id) + ledger.bottomCancelled.get(id)
                        + ledger.bottomRoutine.get(id);
                ok &= bottomPresented <= 1 && bottomCompletions == bottomPresented;
                for (int level = 1; level <= LEVELS.length; level++) {
                    int cell = ledger.cell(level, id);
                    int presented = ledger.presented.get(cell);
                    ok &= presented <= 1 && ledger.sent.get(cell) + ledger.sendFailed.get(cell) == presented
                            && ledger.routines.get(cell) == ledger.sent.get(cell);
                }
                NtStatus origin = ledger.origin.get(id);
                if (ok && origin != null) {
                    // the client sees what the lowest driver that completed it said, passed up by each routine
                    ok = status.status().equals(origin);
                    if (origin.equals(NtStatus.STATUS_SUCCESS)) {
                        ok &= ledger.originLevel.get(id) == 0 && ledger.bottomSuccess.get(id) == 1
                                && status.information() == id + 1;
                        o.success++;
                    } else if (origin.equals(NtStatus.STATUS_CANCELLED)) {
                        ok &= status.information() == 0;
                        o.cancelled++;
                    } else {
                        // only a level's failed send completes with another status: its target closed by the unplug
                        ok &= ledger.originLevel.get(id) > 0 && origin.equals(NtStatus.STATUS_INVALID_DEVICE_STATE);
                        o.failedSends.merge(origin.name() + " at " + LEVELS[ledger.originLevel.get(id) - 1], 1,
                                Integer::sum);
                    }
                } else if (ok) {
                    // no driver completed it: the framework cancelled it in a queue or a target, or refused it
                    NtStatus s = status.status();
                    ok = status.information() == 0 && (s.equals(NtStatus.STATUS_CANCELLED)
                            || s.equals(NtStatus.STATUS_NO_SUCH_DEVICE) || s.equals(NtStatus.STATUS_FILE_CLOSED));
                    if (s.equals(NtStatus.STATUS_CANCELLED)) {
                        o.cancelled++;
                    } else {
                        o.refused++;
                    }
                }
                if (!ok && o.problems.size() < 20) {
                    o.problems.add(describe(id, status));
                }
            }
            return o;
        }

        void closeAll() {
            StressDrivers.closeAll(handles);
        }
    }
}
