package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wdf4j.fxtest.TestDrivers.driver;
import static org.wdf4j.fxtest.TestDrivers.fx;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wdf4j.Irql;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * O2, O3, O7, O8 under concurrency: several threads reference, dereference and delete the same objects (roots with
 * children, some Passive, some calls at DISPATCH_LEVEL) in a random interleaving; every cleanup and every destroy
 * callback runs exactly once, children before parents, Passive objects' callbacks at PASSIVE_LEVEL, and the
 * verifier (on, breaking on errors) finds nothing wrong. Seeded: the seed is in every assertion message, and a
 * failing seed can be replayed with {@code -Dwdf4j.test.seed=...}.
 */
@SuppressWarnings("try") // try (var ignored = Irql.raise(...)) { ... }: the scope is used only to lower the IRQL
class ConcurrentObjectTest {

    private static final int THREADS = 4;
    private static final int ROOTS = 150;
    private static final int CHILDREN = 3;
    private static final int ROUNDS = 8;

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    // O2: every destroy callback runs exactly once, after the object's cleanup and after its children's destroys,
    // whatever the interleaving of references, dereferences and deletes. O3: the reference count and tags stay
    // consistent (no bug check, no verifier finding). O7, O8: Passive objects' callbacks never run at DISPATCH_LEVEL,
    // deletions and last releases at DISPATCH_LEVEL being deferred to the passive thread.
    @Test
    @Timeout(120)
    void o2_o3_concurrentReferenceDereferenceDeleteDestroysEachObjectExactlyOnce() throws Exception {
        long seed = Long.getLong("wdf4j.test.seed", System.nanoTime());
        System.out.println("ConcurrentObjectTest seed=" + seed);
        for (int round = 0; round < ROUNDS; round++) {
            runRound(seed, round);
        }
    }

    private sealed interface Op permits Ref, Delete, Deref {
    }

    /** A nested reference/dereference pair under a tag of its own. */
    private record Ref(int object, String tag, boolean atDispatch) implements Op {
    }

    private record Delete(int object, boolean atDispatch) implements Op {
    }

    /** Gives back the thread's base reference: the thread's last operation on the object. */
    private record Deref(int object, boolean atDispatch) implements Op {
    }

    private void runRound(long seed, int round) throws Exception {
        String where = "seed=" + seed + " round=" + round;
        Random random = new Random(seed * 31 + round);
        int count = ROOTS * (1 + CHILDREN);
        VerifierSettings verifier = round % 2 == 0 ? VerifierSettings.on()
                : new VerifierSettings(true, true, java.util.Set.of("*"), 4, VerifierSettings.AllocateFail.NONE, 0,
                        VerifierSettings.DEFAULT_WAIT_TIMEOUT);
        FxDriverGlobals globals = drivers.start("concurrent-" + round, verifier);

        AtomicIntegerArray cleanups = new AtomicIntegerArray(count);
        AtomicIntegerArray destroys = new AtomicIntegerArray(count);
        AtomicIntegerArray deleteSuccesses = new AtomicIntegerArray(count);
        Queue<String> errors = new ConcurrentLinkedQueue<>();
        WdfObject[] objects = new WdfObject[count];
        boolean[] passive = new boolean[count];
        int[] rootOf = new int[count];

        // Objects 0..ROOTS-1 are roots under the driver; each has CHILDREN children that inherit its level.
        for (int i = 0; i < count; i++) {
            int index = i;
            boolean root = i < ROOTS;
            int parent = root ? -1 : (i - ROOTS) / CHILDREN;
            rootOf[i] = root ? i : parent;
            passive[i] = root ? random.nextBoolean() : passive[parent];
            WdfObjectAttributes attributes = WdfObjectAttributes.NONE
                    .withParent(root ? driver(globals) : objects[parent])
                    .withExecutionLevel(root && passive[i] ? WdfExecutionLevel.PASSIVE : WdfExecutionLevel.INHERIT_FROM_PARENT)
                    .withCleanup(o -> {
                        if (cleanups.incrementAndGet(index) != 1) {
                            errors.add("second cleanup of " + index);
                        }
                        checkLevel(index, passive, "cleanup", errors);
                    })
                    .withDestroy(o -> {
                        if (destroys.incrementAndGet(index) != 1) {
                            errors.add("second destroy of " + index);
                        }
                        if (cleanups.get(index) != 1) {
                            errors.add("destroy of " + index + " before its cleanup");
                        }
                        if (index < ROOTS) {
                            for (int c = 0; c < CHILDREN; c++) {
                                if (destroys.get(ROOTS + index * CHILDREN + c) != 1) {
                                    errors.add("destroy of root " + index + " before its child " + c);
                                }
                            }
                        }
                        checkLevel(index, passive, "destroy", errors);
                    });
            objects[i] = WdfObject.create(attributes).value();
            assertThat(objects[i]).as(where).isNotNull();
            assertThat(fx(objects[i]).executionLevel())
                    .isEqualTo(passive[i] ? WdfExecutionLevel.PASSIVE : WdfExecutionLevel.DISPATCH);
        }

        // Each thread holds a base reference on every object before the threads start, so every call it makes is
        // legal: it gives that reference back with its last operation on the object.
        for (int i = 0; i < count; i++) {
            for (int t = 0; t < THREADS; t++) {
                objects[i].reference(baseTag(t));
            }
        }
        // Deleters: every root has one or two, a child none, one or two (deleting a child races with its root).
        List<List<Integer>> deleters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i < ROOTS ? 1 + random.nextInt(2) : random.nextInt(3);
            List<Integer> chosen = new ArrayList<>();
            while (chosen.size() < n) {
                int t = random.nextInt(THREADS);
                if (!chosen.contains(t)) {
                    chosen.add(t);
                }
            }
            deleters.add(chosen);
        }
        List<List<Op>> plans = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            plans.add(plan(t, count, deleters, new Random(random.nextLong())));
        }

        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(THREADS);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            List<Op> plan = plans.get(t);
            int thread = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (Op op : plan) {
                        run(op, thread, objects, deleteSuccesses, errors);
                    }
                } catch (Throwable e) {
                    errors.add("thread " + thread + ": " + e);
                } finally {
                    done.countDown();
                }
            }, "concurrent-" + round + "-" + t);
            threads.add(worker);
            worker.start();
        }
        start.countDown();
        assertThat(done.await(60, TimeUnit.SECONDS)).as("%s: threads finished", where).isTrue();

        // Deletions and destroys started at DISPATCH_LEVEL for Passive objects finish on the passive thread.
        assertThat(errors).as(where).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(notOne(destroys))
                .as("%s: objects not destroyed exactly once; findings %s", where, globals.findings()).isEmpty());
        assertThat(errors).as(where).isEmpty();
        for (int i = 0; i < count; i++) {
            assertThat(cleanups.get(i)).as("%s: cleanups of %d", where, i).isEqualTo(1);
            assertThat(destroys.get(i)).as("%s: destroys of %d", where, i).isEqualTo(1);
            assertThat(fx(objects[i]).state()).as("%s: state of %d", where, i).isEqualTo(FxObjectState.DESTROYED);
            if (i < ROOTS) {
                assertThat(deleteSuccesses.get(i)).as("%s: successful deletes of root %d", where, i).isEqualTo(1);
            } else {
                assertThat(deleteSuccesses.get(i)).as("%s: successful deletes of child %d", where, i).isLessThanOrEqualTo(1);
            }
        }
        assertThat(globals.findings()).as(where).isEmpty();
        assertThat(globals.failure()).as(where).isNull();
        assertThat(globals.liveObjects()).as(where).isEqualTo(1);
        assertThat(fx(driver(globals)).children()).as(where).isEmpty();
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        globals.stop();
        assertThat(globals.findings()).as(where).isEmpty();
    }

    private static String baseTag(int thread) {
        return "thread-" + thread;
    }

    /**
     * One thread's operations: for each object, a few nested reference pairs, its delete if it is a deleter, and
     * its final dereference, in that object's order; the objects' sequences interleaved at random.
     */
    private static List<Op> plan(int thread, int count, List<List<Integer>> deleters, Random random) {
        List<ArrayDeque<Op>> perObject = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ArrayDeque<Op> ops = new ArrayDeque<>();
            int refs = random.nextInt(4);
            int deleteAt = deleters.get(i).contains(thread) ? random.nextInt(refs + 1) : -1;
            for (int r = 0; r <= refs; r++) {
                if (r == deleteAt) {
                    ops.add(new Delete(i, random.nextInt(4) == 0));
                }
                if (r < refs) {
                    ops.add(new Ref(i, baseTag(thread) + "-nested-" + r, random.nextInt(4) == 0));
                }
            }
            ops.add(new Deref(i, random.nextInt(4) == 0));
            perObject.add(ops);
        }
        List<Op> plan = new ArrayList<>();
        List<ArrayDeque<Op>> open = new ArrayList<>(perObject);
        while (!open.isEmpty()) {
            int pick = random.nextInt(open.size());
            plan.add(open.get(pick).poll());
            if (open.get(pick).isEmpty()) {
                open.set(pick, open.getLast());
                open.removeLast();
            }
        }
        return plan;
    }

    private static void run(Op op, int thread, WdfObject[] objects, AtomicIntegerArray deleteSuccesses,
                            Queue<String> errors) {
        boolean atDispatch = switch (op) {
            case Ref r -> r.atDispatch();
            case Delete d -> d.atDispatch();
            case Deref d -> d.atDispatch();
        };
        try (var ignored = atDispatch ? Irql.raise(Irql.DISPATCH_LEVEL) : null) {
            switch (op) {
                case Ref r -> {
                    objects[r.object()].reference(r.tag());
                    objects[r.object()].dereference(r.tag());
                }
                case Delete d -> {
                    NtStatus status = objects[d.object()].delete();
                    if (status.equals(NtStatus.STATUS_SUCCESS)) {
                        deleteSuccesses.incrementAndGet(d.object());
                    } else if (!status.equals(NtStatus.STATUS_DELETE_PENDING)) {
                        errors.add("delete of " + d.object() + " answered " + status);
                    }
                }
                case Deref d -> objects[d.object()].dereference(baseTag(thread));
            }
        }
    }

    private static void checkLevel(int index, boolean[] passive, String what, Queue<String> errors) {
        if (passive[index] && Irql.current() != Irql.PASSIVE_LEVEL) {
            errors.add(what + " of Passive object " + index + " at " + Irql.current() + " on " + Thread.currentThread().getName());
        }
    }

    /** The first indexes (at most 20) whose count is not 1. */
    private static List<Integer> notOne(AtomicIntegerArray counts) {
        List<Integer> wrong = new ArrayList<>();
        for (int i = 0; i < counts.length() && wrong.size() < 20; i++) {
            if (counts.get(i) != 1) {
                wrong.add(i);
            }
        }
        return wrong;
    }
}
