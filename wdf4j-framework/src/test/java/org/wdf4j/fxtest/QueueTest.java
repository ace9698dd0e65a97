package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wdf4j.fxtest.DeviceTestDrivers.REPORTING;
import static org.wdf4j.fxtest.DeviceTestDrivers.STRICT;
import static org.wdf4j.fxtest.DeviceTestDrivers.WAIT;
import static org.wdf4j.fxtest.DeviceTestDrivers.await;
import static org.wdf4j.fxtest.DeviceTestDrivers.awaitInCallback;
import static org.wdf4j.fxtest.DeviceTestDrivers.describe;
import static org.wdf4j.fxtest.DeviceTestDrivers.queue;
import static org.wdf4j.fxtest.DeviceTestDrivers.result;
import static org.wdf4j.fxtest.DeviceTestDrivers.spin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.io.CtlCode;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfIoQueueState;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestStopAction;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.object.WdfSynchronizationScope;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;

/**
 * WDFQUEUE: routing (default queue, configured queues, handlers, EvtIoDefault, zero-length requests), the three
 * dispatch types, stop/start/drain/purge, forward and requeue, EvtIoCanceledOnQueue, invalid configurations, which
 * queues the driver may delete (O5), and the synchronization scope and execution level of queue callbacks (O7).
 */
class QueueTest {

    private static final int IOCTL_TEST = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x901, CtlCode.METHOD_BUFFERED,
            CtlCode.FILE_ANY_ACCESS);

    private final DeviceTestDrivers drivers = new DeviceTestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    private static WdfRequest take(BlockingQueue<WdfRequest> presented) throws InterruptedException {
        WdfRequest r = presented.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(r).as("a request presented within %s", WAIT).isNotNull();
        return r;
    }

    /** The seed of a test's random choices: -Dwdf4j.test.seed=N replays a run. */
    private static long seed() {
        return Long.getLong("wdf4j.test.seed", System.nanoTime());
    }

    private static String seedText(long seed) {
        return "seed " + seed + " (replay with -Dwdf4j.test.seed=" + seed + ")";
    }

    /** A test body whose random choices come from one seed. */
    @FunctionalInterface
    private interface Seeded {
        void run(long seed) throws Exception;
    }

    /** Runs {@code body} with a new seed; any failure is reported with the seed, so that the run can be replayed. */
    private static void withSeed(Seeded body) throws Exception {
        long seed = seed();
        try {
            body.run(seed);
        } catch (AssertionError | Exception e) {
            throw new AssertionError(seedText(seed) + ": " + e.getMessage(), e);
        }
    }

    /** Counts driver callbacks inside a section at once, the most ever, and the threads they came from. */
    private static final class Overlap {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicInteger max = new AtomicInteger();
        final Set<String> threads = ConcurrentHashMap.newKeySet();
        final Map<String, AtomicInteger> entries = new ConcurrentHashMap<>();

        void enter(String what) {
            int now = inside.incrementAndGet();
            max.accumulateAndGet(now, Math::max);
            threads.add(Thread.currentThread().getName());
            entries.computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
        }

        void exit() {
            inside.decrementAndGet();
        }

        int count(String what) {
            AtomicInteger n = entries.get(what);
            return n == null ? 0 : n.get();
        }

        @Override
        public String toString() {
            return "max " + max + " inside at once, entries " + entries + ", threads " + threads;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Routing

    // The default queue receives every request no other queue was configured for; configureRequestDispatching sends
    // one type to another queue of the device, and refuses (STATUS_INVALID_PARAMETER) another request type, a type
    // already configured, and a queue of another device.
    @Test
    void theDefaultQueueAndConfiguredQueuesReceiveTheirRequestTypes() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        Map<String, NtStatus> configured = new ConcurrentHashMap<>();
        List<WdfQueue[]> queuesByDevice = new CopyOnWriteArrayList<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("q-routing", STRICT, device -> {
            WdfQueue dflt = queue(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoRead((q, r, n) -> {
                        calls.add("default READ" + (r.queue() == q ? "" : " (request.queue() is not the queue)"));
                        r.complete(NtStatus.STATUS_SUCCESS);
                    })
                    .withIoWrite((q, r, n) -> {
                        calls.add("default WRITE");
                        r.complete(NtStatus.STATUS_SUCCESS);
                    })
                    .withIoDeviceControl((q, r, out, in, code) -> {
                        calls.add("default DEVICE_CONTROL " + (code == IOCTL_TEST));
                        r.complete(NtStatus.STATUS_SUCCESS);
                    }), WdfObjectAttributes.NONE);
            WdfQueue writes = queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.PARALLEL)
                    .withIoWrite((q, r, n) -> {
                        calls.add("writes WRITE" + (r.queue() == q ? "" : " (request.queue() is not the queue)"));
                        r.complete(NtStatus.STATUS_SUCCESS);
                    }), WdfObjectAttributes.NONE);
            WdfQueue other = queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.PARALLEL), WdfObjectAttributes.NONE);
            configured.put("WRITE", device.configureRequestDispatching(writes, WdfRequestType.WRITE));
            configured.put("CREATE", device.configureRequestDispatching(other, WdfRequestType.CREATE));
            configured.put("WRITE again", device.configureRequestDispatching(other, WdfRequestType.WRITE));
            configured.put("default queue is the default", device.defaultQueue() == dflt && dflt.device() == device
                    ? NtStatus.STATUS_SUCCESS : NtStatus.STATUS_UNSUCCESSFUL);
            queuesByDevice.add(new WdfQueue[] {dflt, writes, other});
            return NtStatus.STATUS_SUCCESS;
        });
        assertThat(configured).containsEntry("WRITE", NtStatus.STATUS_SUCCESS)
                .containsEntry("CREATE", NtStatus.STATUS_INVALID_PARAMETER)
                .containsEntry("WRITE again", NtStatus.STATUS_INVALID_PARAMETER)
                .containsEntry("default queue is the default", NtStatus.STATUS_SUCCESS);

        FxFileHandle handle = rig.open();
        assertThat(result(handle.read(4)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(result(handle.write(new byte[3])).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(result(handle.deviceIoControl(IOCTL_TEST, new byte[1], 1)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(calls).containsExactly("default READ", "writes WRITE", "default DEVICE_CONTROL true");

        FxDevice second = DeviceTestDrivers.addDevice(rig.globals(), "ROOT\\Q-ROUTING\\0001");
        WdfQueue queueOfFirst = queuesByDevice.get(0)[2];
        assertThat(second.configureRequestDispatching(queueOfFirst, WdfRequestType.READ))
                .as("a queue of another device").isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
        assertThat(rig.globals().failure()).isNull();
    }

    // A request type without a handler in its queue (and no EvtIoDefault) is failed by the framework with
    // STATUS_INVALID_DEVICE_REQUEST and never presented; EvtIoDefault receives every type without a handler of its own.
    @Test
    void aTypeWithoutHandlerIsInvalidDeviceRequestAndEvtIoDefaultTakesTheRest() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        DeviceTestDrivers.Rig readsOnly = drivers.startWithDefaultQueue("q-nohandler", STRICT,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL).withIoRead((q, r, n) -> {
                    calls.add("read");
                    r.complete(NtStatus.STATUS_SUCCESS);
                }));
        FxFileHandle h1 = readsOnly.open();
        assertThat(result(h1.write(new byte[2])).status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        assertThat(result(h1.deviceIoControl(IOCTL_TEST, null, 0)).status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        assertThat(result(h1.read(2)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(calls).containsExactly("read");

        calls.clear();
        DeviceTestDrivers.Rig withDefault = drivers.startWithDefaultQueue("q-iodefault", STRICT,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL)
                        .withIoRead((q, r, n) -> {
                            calls.add("read");
                            r.complete(NtStatus.STATUS_SUCCESS);
                        })
                        .withIoDefault((q, r) -> {
                            calls.add("default " + r.parameters().type());
                            r.complete(NtStatus.STATUS_SUCCESS);
                        }));
        FxFileHandle h2 = withDefault.open();
        assertThat(result(h2.write(new byte[2])).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(result(h2.deviceIoControl(IOCTL_TEST, new byte[1], 0)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(result(h2.read(2)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(calls).containsExactly("default WRITE", "default DEVICE_CONTROL", "read");
        assertThat(readsOnly.globals().findings()).isEmpty();
        assertThat(withDefault.globals().findings()).isEmpty();
    }

    // Reads and writes of length 0 are completed by the framework with STATUS_SUCCESS and never presented, unless the
    // queue allows zero-length requests; then they are presented with length 0.
    @Test
    void zeroLengthRequestsAreCompletedByTheFrameworkUnlessAllowed() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        WdfIoQueueConfig config = WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead((q, r, n) -> {
                    calls.add("read " + n);
                    r.complete(NtStatus.STATUS_SUCCESS);
                })
                .withIoWrite((q, r, n) -> {
                    calls.add("write " + n);
                    r.complete(NtStatus.STATUS_SUCCESS);
                });
        FxFileHandle refused = drivers.startWithDefaultQueue("q-zero", STRICT, config).open();
        FxIoStatus read = result(refused.read(0));
        FxIoStatus write = result(refused.write(new byte[0]));
        assertThat(read.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(read.information()).isZero();
        assertThat(write.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(calls).as("never presented").isEmpty();

        FxFileHandle allowed = drivers.startWithDefaultQueue("q-zero-allowed", STRICT,
                config.withAllowZeroLengthRequests(true)).open();
        assertThat(result(allowed.read(0)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(result(allowed.write(new byte[0])).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(calls).containsExactly("read 0", "write 0");
    }

    // ---------------------------------------------------------------------------------------------
    // Dispatch types

    // SEQUENTIAL: one request at a time, the next presented when the driver completed the current one, in arrival
    // order (the lengths are a seeded shuffle).
    @Test
    void sequentialPresentsOneAtATimeInArrivalOrder() throws Exception {
        withSeed(seed -> {
            List<Integer> lengths = new ArrayList<>(List.of(1, 2, 3, 4, 5, 6, 7, 8));
            Collections.shuffle(lengths, new Random(seed));
            BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
            List<Long> order = new CopyOnWriteArrayList<>();
            List<Integer> ownedWhenPresented = new CopyOnWriteArrayList<>();
            DeviceTestDrivers.Rig rig = drivers.startWithDefaultQueue("q-sequential", STRICT,
                    WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL).withIoRead((q, r, n) -> {
                        order.add(n);
                        ownedWhenPresented.add(q.queueState().driverRequests());
                        presented.add(r);
                    }));
            FxFileHandle handle = rig.open();
            List<FxIrp> irps = new ArrayList<>();
            for (int n : lengths) {
                irps.add(handle.read(n));
            }
            WdfIoQueueState state = rig.defaultQueue().queueState();
            assertThat(state.driverRequests()).isEqualTo(1);
            assertThat(state.queuedRequests()).isEqualTo(lengths.size() - 1);
            assertThat(presented).hasSize(1);
            for (int i = 0; i < lengths.size(); i++) {
                WdfRequest r = take(presented);
                assertThat(presented).as("only one presented at a time").isEmpty();
                r.complete(NtStatus.STATUS_SUCCESS);
            }
            for (FxIrp irp : irps) {
                assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            }
            assertThat(order).containsExactlyElementsOf(lengths.stream().map(Integer::longValue).toList());
            assertThat(ownedWhenPresented).containsOnly(1);
        });
    }

    // PARALLEL: requests are presented as they arrive, without waiting for the driver: N requests are all inside
    // EvtIoRead at once.
    @Test
    void parallelPresentsRequestsConcurrently() throws Exception {
        int n = 4;
        CountDownLatch allInside = new CountDownLatch(n);
        CountDownLatch release = new CountDownLatch(1);
        Overlap overlap = new Overlap();
        DeviceTestDrivers.Rig rig = drivers.startWithDefaultQueue("q-parallel", STRICT,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL).withIoRead((q, r, len) -> {
                    overlap.enter("read");
                    try {
                        allInside.countDown();
                        awaitInCallback(release);
                    } finally {
                        overlap.exit();
                    }
                    r.complete(NtStatus.STATUS_SUCCESS);
                }));
        FxFileHandle handle = rig.open();
        ExecutorService clients = Executors.newFixedThreadPool(n);
        try {
            List<Future<FxIrp>> irps = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int length = i + 1;
                irps.add(clients.submit(() -> handle.read(length)));
            }
            boolean together = allInside.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            int inside = overlap.inside.get();
            release.countDown();
            assertThat(together).as("all %d requests inside EvtIoRead at once; %s", n, overlap).isTrue();
            assertThat(inside).isEqualTo(n);
            for (Future<FxIrp> irp : irps) {
                assertThat(result(irp.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            }
        } finally {
            release.countDown();
            clients.shutdownNow();
        }
        assertThat(rig.globals().findings()).isEmpty();
    }

    // PARALLEL with numberOfPresentedRequests: the driver never owns more than that many; the others wait and are
    // presented as the driver completes (in a seeded random order) those it owns.
    @Test
    void parallelRespectsNumberOfPresentedRequests() throws Exception {
        withSeed(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            int limit = 2;
            int total = 7;
            List<WdfRequest> owned = new CopyOnWriteArrayList<>();
            AtomicInteger maxOwned = new AtomicInteger();
            DeviceTestDrivers.Rig rig = drivers.startWithDefaultQueue("q-limit", STRICT,
                    WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL).withNumberOfPresentedRequests(limit)
                            .withIoRead((q, r, n) -> {
                                owned.add(r);
                                maxOwned.accumulateAndGet(q.queueState().driverRequests(), Math::max);
                            }));
            FxFileHandle handle = rig.open();
            List<FxIrp> irps = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                irps.add(handle.read(i + 1));
            }
            WdfIoQueueState state = rig.defaultQueue().queueState();
            assertThat(state.driverRequests()).isEqualTo(limit);
            assertThat(state.queuedRequests()).isEqualTo(total - limit);
            int completed = 0;
            while (completed < total) {
                assertThat(owned).as("the driver owns at most %d", limit).hasSizeLessThanOrEqualTo(limit)
                        .isNotEmpty();
                WdfRequest r = owned.remove(random.nextInt(owned.size()));
                r.complete(NtStatus.STATUS_SUCCESS);
                completed++;
            }
            for (FxIrp irp : irps) {
                assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            }
            assertThat(maxOwned.get()).isEqualTo(limit);
            assertThat(rig.globals().findings()).isEmpty();
        });
    }

    // MANUAL: nothing is presented; retrieveNextRequest takes the requests in arrival order and answers
    // STATUS_NO_MORE_ENTRIES when none waits; readyNotify is called each time the queue goes from empty to holding a
    // request, until it is cleared with null. A queue that presents its requests refuses retrieveNextRequest.
    @Test
    void manualQueueRetrieveNextRequestAndReadyNotify() throws Exception {
        AtomicReference<WdfQueue> manual = new AtomicReference<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("q-manual", STRICT, device -> {
            WdfQueue m = queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL), WdfObjectAttributes.NONE);
            manual.set(m);
            queue(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoWrite((q, r, n) -> r.complete(NtStatus.STATUS_SUCCESS)), WdfObjectAttributes.NONE);
            return device.configureRequestDispatching(m, WdfRequestType.READ);
        });
        WdfQueue m = manual.get();
        AtomicInteger notified = new AtomicInteger();
        m.readyNotify(q -> notified.incrementAndGet());
        assertThat(m.retrieveNextRequest().status()).isEqualTo(NtStatus.STATUS_NO_MORE_ENTRIES);

        FxFileHandle handle = rig.open();
        FxIrp first = handle.read(1);
        FxIrp second = handle.read(2);
        assertThat(notified.get()).as("empty -> one request: one notification; the second arrives in a non-empty queue")
                .isEqualTo(1);
        assertThat(m.queueState().queuedRequests()).isEqualTo(2);
        NtResult<WdfRequest> r1 = m.retrieveNextRequest();
        NtResult<WdfRequest> r2 = m.retrieveNextRequest();
        assertThat(r1.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(r2.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(r1.value().parameters().length()).isEqualTo(1);
        assertThat(r2.value().parameters().length()).isEqualTo(2);
        assertThat(m.retrieveNextRequest().status()).isEqualTo(NtStatus.STATUS_NO_MORE_ENTRIES);
        assertThat(m.queueState().driverRequests()).isEqualTo(2);
        r1.value().complete(NtStatus.STATUS_SUCCESS);
        r2.value().complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(first).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(result(second).status()).isEqualTo(NtStatus.STATUS_SUCCESS);

        FxIrp third = handle.read(3);
        assertThat(notified.get()).as("empty again -> one request").isEqualTo(2);
        m.retrieveNextRequest().value().complete(NtStatus.STATUS_SUCCESS);
        result(third);

        m.readyNotify(null);
        FxIrp fourth = handle.read(4);
        assertThat(notified.get()).as("notifications stopped").isEqualTo(2);
        m.retrieveNextRequest().value().complete(NtStatus.STATUS_SUCCESS);
        result(fourth);

        assertThat(rig.defaultQueue().retrieveNextRequest().status()).as("a PARALLEL queue presents its requests itself")
                .isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        assertThat(rig.globals().failure()).isNull();
    }

    // ---------------------------------------------------------------------------------------------
    // Stop, start, drain, purge

    // stop: the queue keeps accepting but presents nothing; its callback comes once the request the driver owned is
    // completed; start presents what was held.
    @Test
    void stopHoldsRequestsUntilStartAndCallsBackWhenTheDriverIsDone() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = drivers.startWithDefaultQueue("q-stop", STRICT,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL).withIoRead((q, r, n) -> presented.add(r)));
        WdfQueue q = rig.defaultQueue();
        FxFileHandle handle = rig.open();
        FxIrp first = handle.read(1);
        WdfRequest owned = take(presented);
        CountDownLatch stopped = new CountDownLatch(1);
        q.stop(queue -> stopped.countDown());
        assertThat(stopped.getCount()).as("the driver still owns a request").isEqualTo(1);

        FxIrp held = handle.read(2);
        WdfIoQueueState state = q.queueState();
        assertThat(state.acceptingRequests()).isTrue();
        assertThat(state.dispatchingRequests()).isFalse();
        assertThat(state.queuedRequests()).isEqualTo(1);
        assertThat(presented).isEmpty();

        owned.complete(NtStatus.STATUS_SUCCESS);
        await(stopped, "the stop callback");
        assertThat(presented).as("still stopped").isEmpty();
        assertThat(held.future()).isNotDone();

        q.start();
        WdfRequest second = take(presented);
        assertThat(second.parameters().length()).isEqualTo(2);
        second.complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(first).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(result(held).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(rig.globals().findings()).isEmpty();
    }

    // stopSynchronously returns only once the requests the driver owns are completed.
    @Test
    void stopSynchronouslyWaitsForTheRequestsTheDriverOwns() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = drivers.startWithDefaultQueue("q-stopsync", STRICT,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL).withIoRead((q, r, n) -> presented.add(r)));
        WdfQueue q = rig.defaultQueue();
        FxFileHandle handle = rig.open();
        FxIrp first = handle.read(1);
        WdfRequest owned = take(presented);

        CompletableFuture<Void> stop = CompletableFuture.runAsync(q::stopSynchronously);
        Awaitility.await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                .until(() -> !stop.isDone());
        owned.complete(NtStatus.STATUS_SUCCESS);
        DeviceTestDrivers.get(stop, "stopSynchronously");
        assertThat(result(first).status()).isEqualTo(NtStatus.STATUS_SUCCESS);

        FxIrp held = handle.read(2);
        assertThat(presented).as("stopped").isEmpty();
        q.start();
        take(presented).complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(held).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(rig.globals().findings()).isEmpty();
    }

    // drain: new requests fail with STATUS_INVALID_DEVICE_STATE; those held are still presented; the callback comes
    // when none is left, queued or with the driver; start accepts again.
    @Test
    void drainRefusesNewRequestsPresentsHeldOnesAndCallsBackWhenEmpty() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = drivers.startWithDefaultQueue("q-drain", STRICT,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL).withIoRead((q, r, n) -> presented.add(r)));
        WdfQueue q = rig.defaultQueue();
        FxFileHandle handle = rig.open();
        FxIrp first = handle.read(1);
        FxIrp second = handle.read(2);
        WdfRequest r1 = take(presented);
        CountDownLatch drained = new CountDownLatch(1);
        q.drain(queue -> drained.countDown());

        assertThat(result(handle.read(3)).status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_STATE);
        assertThat(q.queueState().acceptingRequests()).isFalse();
        r1.complete(NtStatus.STATUS_SUCCESS);
        WdfRequest r2 = take(presented);
        assertThat(r2.parameters().length()).as("the held request is still presented").isEqualTo(2);
        assertThat(drained.getCount()).as("one request still with the driver").isEqualTo(1);
        r2.complete(NtStatus.STATUS_SUCCESS);
        await(drained, "the drain callback");
        assertThat(result(first).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(result(second).status()).isEqualTo(NtStatus.STATUS_SUCCESS);

        q.start();
        FxIrp fourth = handle.read(4);
        take(presented).complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(fourth).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(rig.globals().findings()).isEmpty();
    }

    // purge: queued requests are cancelled (STATUS_CANCELLED); the driver gets EvtIoStop(PURGE) for each request it
    // owns, saying whether it is cancelable; cancelable ones are cancelled (their routine runs); new requests fail;
    // the callback comes when none is left.
    @Test
    void purgeCancelsQueuedAndCancelableRequestsAndCallsEvtIoStopPurge() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = drivers.startWithDefaultQueue("q-purge", STRICT,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL).withNumberOfPresentedRequests(2)
                        .withIoRead((q, r, n) -> {
                            if (n == 1) {
                                r.markCancelable(c -> {
                                    calls.add("cancel routine " + c.parameters().length());
                                    c.complete(NtStatus.STATUS_CANCELLED);
                                });
                            }
                            presented.add(r);
                        })
                        .withIoStop((q, r, action, cancelable) -> {
                            calls.add("EvtIoStop " + r.parameters().length() + " " + action + " cancelable=" + cancelable);
                            if (!cancelable) {
                                r.complete(NtStatus.STATUS_CANCELLED);
                            }
                        }));
        WdfQueue q = rig.defaultQueue();
        FxFileHandle handle = rig.open();
        FxIrp cancelable = handle.read(1);
        FxIrp plain = handle.read(2);
        FxIrp queued = handle.read(3);
        take(presented);
        take(presented);
        assertThat(q.queueState().queuedRequests()).isEqualTo(1);

        CountDownLatch purged = new CountDownLatch(1);
        q.purge(queue -> {
            calls.add("purge complete");
            purged.countDown();
        });
        await(purged, "the purge callback");
        assertThat(result(queued).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(result(cancelable).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(result(plain).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(calls).containsExactlyInAnyOrder("EvtIoStop 1 PURGE cancelable=true", "cancel routine 1",
                "EvtIoStop 2 PURGE cancelable=false", "purge complete");
        assertThat(calls).containsSubsequence("EvtIoStop 1 PURGE cancelable=true", "cancel routine 1");
        assertThat(calls.get(calls.size() - 1)).as("the purge callback comes last").isEqualTo("purge complete");
        assertThat(result(handle.read(4)).status()).as("a purged queue accepts nothing")
                .isEqualTo(NtStatus.STATUS_INVALID_DEVICE_STATE);
        assertThat(presented).isEmpty();
        assertThat(rig.globals().findings()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Forward, requeue, EvtIoCanceledOnQueue

    // forwardToIoQueue moves a request the driver owns to another queue of the device, which presents it; forwarding
    // to the request's own queue answers STATUS_INVALID_DEVICE_REQUEST and leaves it with the driver.
    @Test
    void forwardToAnotherQueueButNotToItsOwn() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        AtomicReference<WdfQueue> second = new AtomicReference<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("q-forward", STRICT, device -> {
            second.set(queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.PARALLEL).withIoRead((q, r, n) -> {
                calls.add("second queue presents, request.queue() is it: " + (r.queue() == q));
                r.complete(NtStatus.STATUS_SUCCESS);
            }), WdfObjectAttributes.NONE));
            return WdfQueue.create(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoRead((q, r, n) -> {
                        calls.add("to own queue: " + r.forwardToIoQueue(q));
                        calls.add("to second: " + r.forwardToIoQueue(second.get()));
                        calls.add("default queue owns " + q.queueState().driverRequests());
                    }), WdfObjectAttributes.NONE).status();
        });
        assertThat(result(rig.open().read(4)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(calls).containsExactly("to own queue: " + NtStatus.STATUS_INVALID_DEVICE_REQUEST,
                "to second: " + NtStatus.STATUS_SUCCESS, "default queue owns 0",
                "second queue presents, request.queue() is it: true");
        assertThat(rig.globals().failure()).isNull();
    }

    // requeue puts the request back at the head of its queue: it is presented again before the one that waited.
    @Test
    void requeuePutsTheRequestBackAtTheHeadOfItsQueue() throws Exception {
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        List<Long> order = new CopyOnWriteArrayList<>();
        DeviceTestDrivers.Rig rig = drivers.startWithDefaultQueue("q-requeue", STRICT,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL).withIoRead((q, r, n) -> {
                    order.add(n);
                    presented.add(r);
                }));
        FxFileHandle handle = rig.open();
        FxIrp first = handle.read(1);
        FxIrp second = handle.read(2);
        WdfRequest r1 = take(presented);
        assertThat(r1.requeue()).isEqualTo(NtStatus.STATUS_SUCCESS);
        WdfRequest again = take(presented);
        assertThat(again.parameters().length()).isEqualTo(1);
        again.complete(NtStatus.STATUS_SUCCESS);
        take(presented).complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(first).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(result(second).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(order).containsExactly(1L, 1L, 2L);
        assertThat(rig.globals().findings()).isEmpty();
    }

    // EvtIoCanceledOnQueue: a request the driver forwarded to a queue and that is cancelled while waiting there goes
    // back to the driver through that callback (which completes it); without the callback, or for a request that came
    // straight from the client, the framework completes it with STATUS_CANCELLED.
    @Test
    void aForwardedRequestCancelledWhileWaitingGoesToEvtIoCanceledOnQueue() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        AtomicReference<WdfQueue> withCallback = new AtomicReference<>();
        AtomicReference<WdfQueue> without = new AtomicReference<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("q-canceled-on-queue", STRICT, device -> {
            withCallback.set(queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL)
                    .withIoCanceledOnQueue((q, r) -> {
                        calls.add("EvtIoCanceledOnQueue " + r.parameters().type() + " " + r.parameters().length()
                                + (q == withCallback.get() ? "" : " (another queue)") + " canceled=" + r.isCanceled());
                        r.completeWithInformation(NtStatus.STATUS_CANCELLED, 0);
                    }), WdfObjectAttributes.NONE));
            without.set(queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL), WdfObjectAttributes.NONE));
            NtStatus writes = device.configureRequestDispatching(withCallback.get(), WdfRequestType.WRITE);
            if (!writes.isSuccess()) {
                return writes;
            }
            return WdfQueue.create(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoRead((q, r, n) -> r.forwardToIoQueue(n == 1 ? withCallback.get() : without.get())),
                    WdfObjectAttributes.NONE).status();
        });
        FxFileHandle handle = rig.open();
        FxIrp forwarded = handle.read(1);
        FxIrp forwardedNoCallback = handle.read(2);
        FxIrp direct = handle.write(new byte[5]);
        assertThat(withCallback.get().queueState().queuedRequests()).isEqualTo(2);
        assertThat(without.get().queueState().queuedRequests()).isEqualTo(1);

        forwarded.cancel();
        assertThat(result(forwarded).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(calls).containsExactly("EvtIoCanceledOnQueue READ 1 canceled=true");
        forwardedNoCallback.cancel();
        direct.cancel();
        assertThat(result(forwardedNoCallback).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(result(direct).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(calls).as("only the forwarded request in the queue with the callback goes to the driver").hasSize(1);
        assertThat(rig.globals().findings()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Invalid configurations, deletion

    // WdfIoQueueCreate answers STATUS_INVALID_PARAMETER for a MANUAL queue with handlers, a SEQUENTIAL or MANUAL queue
    // with a presented-requests limit, and a second default queue (the first stays the default).
    @Test
    void invalidQueueConfigurationsAreInvalidParameter() throws Exception {
        Map<String, NtStatus> statuses = new ConcurrentHashMap<>();
        AtomicReference<WdfQueue> firstDefault = new AtomicReference<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("q-invalid", STRICT, device -> {
            statuses.put("manual with a read handler", WdfQueue.create(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL)
                    .withIoRead((q, r, n) -> r.complete(NtStatus.STATUS_SUCCESS)), WdfObjectAttributes.NONE).status());
            statuses.put("manual with EvtIoDefault", WdfQueue.create(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL)
                    .withIoDefault((q, r) -> r.complete(NtStatus.STATUS_SUCCESS)), WdfObjectAttributes.NONE).status());
            statuses.put("sequential with a limit", WdfQueue.create(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.SEQUENTIAL)
                    .withNumberOfPresentedRequests(2), WdfObjectAttributes.NONE).status());
            statuses.put("manual with a limit", WdfQueue.create(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL)
                    .withNumberOfPresentedRequests(1), WdfObjectAttributes.NONE).status());
            NtResult<WdfQueue> first = WdfQueue.create(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoRead((q, r, n) -> r.complete(NtStatus.STATUS_SUCCESS)), WdfObjectAttributes.NONE);
            statuses.put("first default queue", first.status());
            firstDefault.set(first.value());
            statuses.put("second default queue", WdfQueue.create(device,
                    WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL), WdfObjectAttributes.NONE).status());
            return NtStatus.STATUS_SUCCESS;
        });
        assertThat(statuses).containsEntry("manual with a read handler", NtStatus.STATUS_INVALID_PARAMETER)
                .containsEntry("manual with EvtIoDefault", NtStatus.STATUS_INVALID_PARAMETER)
                .containsEntry("sequential with a limit", NtStatus.STATUS_INVALID_PARAMETER)
                .containsEntry("manual with a limit", NtStatus.STATUS_INVALID_PARAMETER)
                .containsEntry("first default queue", NtStatus.STATUS_SUCCESS)
                .containsEntry("second default queue", NtStatus.STATUS_INVALID_PARAMETER);
        assertThat(rig.defaultQueue()).isSameAs(firstDefault.get());
        assertThat(result(rig.open().read(1)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(rig.globals().failure()).isNull();
    }

    // O5: the default queue and a queue configured for a request type cannot be deleted by the driver
    // (STATUS_CANNOT_DELETE, reported, the queue left working); a plain extra queue can be deleted.
    @Test
    void o5_defaultAndDispatchConfiguredQueuesCannotBeDeletedButAPlainQueueCan() throws Exception {
        AtomicReference<WdfQueue> writes = new AtomicReference<>();
        AtomicReference<WdfQueue> plain = new AtomicReference<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("q-o5", REPORTING, device -> {
            queue(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoRead((q, r, n) -> r.complete(NtStatus.STATUS_SUCCESS)), WdfObjectAttributes.NONE);
            writes.set(queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.PARALLEL)
                    .withIoWrite((q, r, n) -> r.complete(NtStatus.STATUS_SUCCESS)), WdfObjectAttributes.NONE));
            plain.set(queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL), WdfObjectAttributes.NONE));
            return device.configureRequestDispatching(writes.get(), WdfRequestType.WRITE);
        });
        WdfQueue dflt = rig.defaultQueue();
        assertThat(dflt.delete()).as("the default queue").isEqualTo(NtStatus.STATUS_CANNOT_DELETE);
        assertThat(writes.get().delete()).as("a dispatch-configured queue").isEqualTo(NtStatus.STATUS_CANNOT_DELETE);
        assertThat(plain.get().delete()).as("a plain extra queue").isEqualTo(NtStatus.STATUS_SUCCESS);

        assertThat(rig.globals().findings().stream().filter(f -> f.kind() == Finding.Kind.VIOLATION
                && f.rule().equals("STATUS_CANNOT_DELETE")).count()).as(describe(rig.globals())).isEqualTo(2);
        assertThat(TestDrivers.fx(plain.get()).state()).as("the plain queue is gone").isEqualTo(FxObjectState.DESTROYED);
        assertThat(rig.device().defaultQueue()).isSameAs(dflt);
        FxFileHandle handle = rig.open();
        assertThat(result(handle.read(2)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(result(handle.write(new byte[2])).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(rig.globals().failure()).isNull();
    }

    // ---------------------------------------------------------------------------------------------
    // O7: synchronization scope and execution level

    // O7: with synchronization scope QUEUE, the queue's read callbacks, the cancel routines of its requests and a
    // timer parented to it with automatic serialization never run at the same time, under a seeded random workload
    // of concurrent clients completing and cancelling.
    @Test
    void o7_queueScopeSerializesReadCancelAndTimerCallbacks() throws Exception {
        withSeed(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            int clients = 4;
            int total = 120;
            boolean[] cancel = new boolean[total];
            long[] work = new long[total];
            Map<Integer, CountDownLatch> marked = new ConcurrentHashMap<>();
            for (int i = 0; i < total; i++) {
                cancel[i] = random.nextInt(3) == 0;
                work[i] = random.nextLong(20_000, 150_000);
                marked.put(i, new CountDownLatch(1));
            }
            Overlap overlap = new Overlap();
            AtomicReference<WdfTimer> timer = new AtomicReference<>();
            DeviceTestDrivers.Rig rig = drivers.startDevice("o7-queue-scope", STRICT, device -> {
                WdfQueue q = queue(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead((queue, r, n) -> {
                            int i = (int) n - 1;
                            overlap.enter("read");
                            try {
                                spin(work[i]);
                                if (cancel[i]) {
                                    r.markCancelable(c -> {
                                        overlap.enter("cancel");
                                        try {
                                            spin(work[i]);
                                            c.complete(NtStatus.STATUS_CANCELLED);
                                        } finally {
                                            overlap.exit();
                                        }
                                    });
                                    marked.get(i).countDown();
                                } else {
                                    r.complete(NtStatus.STATUS_SUCCESS);
                                }
                            } finally {
                                overlap.exit();
                            }
                        }), WdfObjectAttributes.NONE.withSynchronizationScope(WdfSynchronizationScope.QUEUE));
                NtResult<WdfTimer> t = WdfTimer.create(WdfTimerConfig.initPeriodic(tm -> {
                    overlap.enter("timer");
                    try {
                        spin(50_000);
                    } finally {
                        overlap.exit();
                    }
                }, Duration.ofMillis(1)), WdfObjectAttributes.NONE.withParent(q));
                timer.set(t.value());
                return t.status();
            });
            timer.get().start(Duration.ZERO);
            Awaitility.await().atMost(WAIT).until(() -> overlap.count("timer") >= 2);
            FxFileHandle handle = rig.open();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<List<FxIrp>>> perClient = new ArrayList<>();
            try {
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    perClient.add(pool.submit(() -> {
                        List<FxIrp> mine = new ArrayList<>();
                        for (int i = client; i < total; i += clients) {
                            FxIrp irp = handle.read(i + 1);
                            mine.add(irp);
                            if (cancel[i]) {
                                await(marked.get(i), "request " + (i + 1) + " marked cancelable");
                                irp.cancel();
                            }
                        }
                        return mine;
                    }));
                }
                List<FxIrp> irps = new ArrayList<>();
                for (Future<List<FxIrp>> f : perClient) {
                    irps.addAll(f.get(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS));
                }
                for (FxIrp irp : irps) {
                    result(irp);
                }
            } finally {
                pool.shutdownNow();
                timer.get().stop(true);
            }
            int cancels = 0;
            for (boolean c : cancel) {
                cancels += c ? 1 : 0;
            }
            assertThat(overlap.max.get()).as("callbacks inside the queue's scope at once: %s", overlap)
                    .isEqualTo(1);
            assertThat(overlap.count("read")).isEqualTo(total);
            assertThat(overlap.count("cancel")).isEqualTo(cancels);
            assertThat(overlap.threads.size()).as("callbacks came from several threads: %s", overlap).isGreaterThan(1);
            assertThat(rig.globals().findings()).as(describe(rig.globals())).isEmpty();
        });
    }

    // O7: with synchronization scope DEVICE, the callbacks of two queues of the device (and a timer parented to the
    // device with automatic serialization) never run at the same time, under a seeded random mix of reads and writes
    // from concurrent clients.
    @Test
    void o7_deviceScopeSerializesTheCallbacksOfAllItsQueues() throws Exception {
        withSeed(seed -> {
            SplittableRandom random = new SplittableRandom(seed);
            int clients = 4;
            int total = 120;
            boolean[] write = new boolean[total];
            long[] work = new long[total];
            for (int i = 0; i < total; i++) {
                write[i] = random.nextBoolean();
                work[i] = random.nextLong(20_000, 150_000);
            }
            Overlap overlap = new Overlap();
            AtomicReference<WdfTimer> timer = new AtomicReference<>();
            DeviceTestDrivers.Rig rig = drivers.startDevice("o7-device-scope", STRICT, init -> { },
                    WdfObjectAttributes.NONE.withSynchronizationScope(WdfSynchronizationScope.DEVICE), device -> {
                        queue(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                                .withIoRead((q, r, n) -> {
                                    overlap.enter("read");
                                    try {
                                        spin(work[(int) n - 1]);
                                        r.complete(NtStatus.STATUS_SUCCESS);
                                    } finally {
                                        overlap.exit();
                                    }
                                }), WdfObjectAttributes.NONE);
                        WdfQueue writes = queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.PARALLEL)
                                .withIoWrite((q, r, n) -> {
                                    overlap.enter("write");
                                    try {
                                        spin(work[(int) n - 1]);
                                        r.complete(NtStatus.STATUS_SUCCESS);
                                    } finally {
                                        overlap.exit();
                                    }
                                }), WdfObjectAttributes.NONE);
                        NtResult<WdfTimer> t = WdfTimer.create(WdfTimerConfig.initPeriodic(tm -> {
                            overlap.enter("timer");
                            try {
                                spin(50_000);
                            } finally {
                                overlap.exit();
                            }
                        }, Duration.ofMillis(1)), WdfObjectAttributes.NONE.withParent(device));
                        timer.set(t.value());
                        if (!t.isSuccess()) {
                            return t.status();
                        }
                        return device.configureRequestDispatching(writes, WdfRequestType.WRITE);
                    });
            timer.get().start(Duration.ZERO);
            Awaitility.await().atMost(WAIT).until(() -> overlap.count("timer") >= 2);
            FxFileHandle handle = rig.open();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<List<FxIrp>>> submitted = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    submitted.add(pool.submit(() -> {
                        List<FxIrp> mine = new ArrayList<>();
                        for (int i = client; i < total; i += clients) {
                            mine.add(write[i] ? handle.write(new byte[i + 1]) : handle.read(i + 1));
                        }
                        return mine;
                    }));
                }
                for (Future<List<FxIrp>> f : submitted) {
                    for (FxIrp irp : f.get(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS)) {
                        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                    }
                }
            } finally {
                pool.shutdownNow();
                timer.get().stop(true);
            }
            int writes = 0;
            for (boolean w : write) {
                writes += w ? 1 : 0;
            }
            assertThat(overlap.max.get()).as("callbacks inside the device's scope at once: %s", overlap)
                    .isEqualTo(1);
            assertThat(overlap.count("write")).isEqualTo(writes);
            assertThat(overlap.count("read")).isEqualTo(total - writes);
            assertThat(overlap.threads.size()).as("callbacks came from several threads: %s", overlap).isGreaterThan(1);
            assertThat(rig.globals().findings()).as(describe(rig.globals())).isEmpty();
        });
    }

    // O7: a DISPATCH-level queue with a synchronization scope (its lock is a spin lock in WDF) runs EvtIoRead and the
    // cancel routines of its requests at DISPATCH_LEVEL, even for a client at PASSIVE_LEVEL.
    @Test
    void o7_aSerializedDispatchLevelQueueRunsEvtIoReadAtDispatchLevel() throws Exception {
        List<String> levels = new CopyOnWriteArrayList<>();
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("o7-dispatch-queue", STRICT, device -> WdfQueue.create(device,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL).withIoRead((q, r, n) -> {
                    levels.add("EvtIoRead " + Irql.current());
                    r.markCancelable(c -> {
                        levels.add("EvtRequestCancel " + Irql.current());
                        c.complete(NtStatus.STATUS_CANCELLED);
                    });
                    presented.add(r);
                }), WdfObjectAttributes.NONE.withSynchronizationScope(WdfSynchronizationScope.QUEUE)).status());
        FxIrp irp = rig.open().read(1);
        take(presented);
        irp.cancel();
        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(levels).containsExactly("EvtIoRead DISPATCH_LEVEL", "EvtRequestCancel DISPATCH_LEVEL");
        assertThat(Irql.current()).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(rig.globals().findings()).isEmpty();
    }

    /** A DISPATCH-level timer under the driver object (no serialization) that runs {@code body} once. */
    private static WdfTimer dispatchTimer(FxDriverGlobals globals, Runnable body) {
        NtResult<WdfTimer> t = globals.runAsDriver(() -> WdfTimer.create(WdfTimerConfig.init(tm -> body.run())
                        .withAutomaticSerialization(false),
                WdfObjectAttributes.NONE.withParent(TestDrivers.driver(globals)).withExecutionLevel(WdfExecutionLevel.DISPATCH)));
        assertThat(t.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return t.value();
    }

    // O7: a PASSIVE-level queue never runs a callback at DISPATCH_LEVEL: when a DISPATCH-level timer completes the
    // request the driver owns, the next request is presented at PASSIVE_LEVEL (not on the timer's thread).
    @Test
    void o7_aPassiveQueuePresentsTheNextRequestAtPassiveLevelAfterACompletionAtDispatchLevel() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        Set<String> presentingThreads = ConcurrentHashMap.newKeySet();
        DeviceTestDrivers.Rig rig = drivers.startDevice("o7-passive-queue", STRICT, device -> WdfQueue.create(device,
                WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL).withIoRead((q, r, n) -> {
                    seen.add("EvtIoRead " + n + " " + Irql.current());
                    presentingThreads.add(Thread.currentThread().getName());
                    presented.add(r);
                }), WdfObjectAttributes.NONE.withExecutionLevel(WdfExecutionLevel.PASSIVE)).status());
        FxFileHandle handle = rig.open();
        FxIrp first = handle.read(1);
        FxIrp second = handle.read(2);
        WdfRequest r1 = take(presented);
        AtomicReference<String> timerThread = new AtomicReference<>();
        dispatchTimer(rig.globals(), () -> {
            seen.add("timer completes 1 at " + Irql.current());
            timerThread.set(Thread.currentThread().getName());
            r1.complete(NtStatus.STATUS_SUCCESS);
        }).start(Duration.ZERO);

        WdfRequest r2 = take(presented);
        r2.complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(first).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(result(second).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(seen).containsExactly("EvtIoRead 1 PASSIVE_LEVEL", "timer completes 1 at DISPATCH_LEVEL",
                "EvtIoRead 2 PASSIVE_LEVEL");
        assertThat(presentingThreads).doesNotContain(timerThread.get());
        assertThat(rig.globals().findings()).isEmpty();
    }

    // O7: a PASSIVE-level queue never runs a callback at DISPATCH_LEVEL, whatever starts it at DISPATCH_LEVEL: the
    // drain callback when a DISPATCH-level timer completes the last request, and EvtIoStop(PURGE), the cancel routine
    // and the purge callback when a DISPATCH-level timer purges the queue (WdfIoQueuePurge may be called at
    // DISPATCH_LEVEL).
    @Test
    void o7_aPassiveQueueNeverRunsItsStateCallbacksAtDispatchLevel() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        AtomicReference<WdfQueue> purged = new AtomicReference<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("o7-passive-state", STRICT, device -> {
            WdfObjectAttributes passive = WdfObjectAttributes.NONE.withExecutionLevel(WdfExecutionLevel.PASSIVE);
            queue(device, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoRead((q, r, n) -> presented.add(r)), passive);
            WdfQueue writes = queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.PARALLEL)
                    .withIoWrite((q, r, n) -> {
                        r.markCancelable(c -> {
                            seen.add("EvtRequestCancel " + Irql.current());
                            c.complete(NtStatus.STATUS_CANCELLED);
                        });
                        presented.add(r);
                    })
                    .withIoStop((q, r, action, cancelable) -> seen.add("EvtIoStop(" + action + ") " + Irql.current())),
                    passive);
            purged.set(writes);
            return device.configureRequestDispatching(writes, WdfRequestType.WRITE);
        });
        FxFileHandle handle = rig.open();

        FxIrp read = handle.read(1);
        WdfRequest r1 = take(presented);
        CountDownLatch drained = new CountDownLatch(1);
        rig.defaultQueue().drain(q -> {
            seen.add("drain complete " + Irql.current());
            drained.countDown();
        });
        dispatchTimer(rig.globals(), () -> r1.complete(NtStatus.STATUS_SUCCESS)).start(Duration.ZERO);
        await(drained, "the drain callback");
        assertThat(result(read).status()).isEqualTo(NtStatus.STATUS_SUCCESS);

        FxIrp write = handle.write(new byte[1]);
        take(presented);
        CountDownLatch purgeDone = new CountDownLatch(1);
        dispatchTimer(rig.globals(), () -> purged.get().purge(q -> {
            seen.add("purge complete " + Irql.current());
            purgeDone.countDown();
        })).start(Duration.ZERO);
        await(purgeDone, "the purge callback");
        assertThat(result(write).status()).isEqualTo(NtStatus.STATUS_CANCELLED);

        new DeviceTestDrivers.Problems()
                .checkEqual(seen, List.of("drain complete PASSIVE_LEVEL",
                        "EvtIoStop(" + WdfRequestStopAction.PURGE + ") PASSIVE_LEVEL", "EvtRequestCancel PASSIVE_LEVEL",
                        "purge complete PASSIVE_LEVEL"), "the callbacks of PASSIVE-level queues, with their IRQL")
                .check(rig.globals().findings().isEmpty(), "no findings: %s", describe(rig.globals()))
                .assertNone();
    }
}
