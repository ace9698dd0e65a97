package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.wdf4j.fxtest.TestDrivers.create;
import static org.wdf4j.fxtest.TestDrivers.driver;
import static org.wdf4j.fxtest.TestDrivers.fx;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/** The object tree: parents (O1) and the deletion order and timing (O2). */
class ObjectTreeTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    // ---------------------------------------------------------------------------------------------
    // O1

    // O1: with no parent given, an object's parent is the driver object, in DriverEntry as on any thread running
    // the driver's code; the driver object itself has no parent.
    @Test
    void o1_defaultParentIsTheDriverObject() {
        AtomicReference<WdfObject> inEntry = new AtomicReference<>();
        FxDriverGlobals globals = drivers.start("o1-default", VerifierSettings.on(),
                d -> inEntry.set(WdfObject.create(WdfObjectAttributes.NONE).value()));
        WdfDriver driver = driver(globals);
        WdfObject outside = globals.runAsDriver(() -> WdfObject.create(WdfObjectAttributes.NONE).value());

        assertThat(fx(driver).parent()).isNull();
        assertThat(fx(inEntry.get()).parent()).isSameAs(driver);
        assertThat(fx(outside).parent()).isSameAs(driver);
        assertThat(fx(driver).children()).containsExactly(fx(inEntry.get()), fx(outside));
        assertThat(globals.liveObjects()).isEqualTo(3);
    }

    // O1: an explicit parent is honoured, and deleting the parent deletes the child.
    @Test
    void o1_explicitParent() {
        FxDriverGlobals globals = drivers.start("o1-explicit", VerifierSettings.on());
        CallLog log = new CallLog();
        WdfObject parent = create(driver(globals), log.attributes("parent"));
        WdfObject child = create(parent, log.attributes("child"));

        assertThat(fx(child).parent()).isSameAs(parent);
        assertThat(fx(parent).children()).containsExactly(fx(child));
        assertThat(fx(driver(globals)).children()).containsExactly(fx(parent));
        assertThat(globals.objectTree()).extracting(FxDriverGlobals.TreeLine::depth, FxDriverGlobals.TreeLine::name)
                .containsExactly(tuple(0, "WDFDRIVER o1-explicit"), tuple(1, parent.toString()), tuple(2, child.toString()));

        assertThat(parent.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(fx(child).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(log.names()).containsExactly("cleanup child", "cleanup parent", "destroy child", "destroy parent");
        assertThat(fx(driver(globals)).children()).isEmpty();
    }

    // O1: a parent that is being deleted takes no new children: STATUS_DELETE_PENDING, whether it is still being
    // cleaned up (DISPOSING, from its own cleanup callback) or is waiting for its references (DISPOSED).
    @Test
    void o1_parentBeingDeletedGivesDeletePendingForANewChild() {
        FxDriverGlobals globals = drivers.start("o1-pending", VerifierSettings.on());
        List<NtStatus> fromCleanup = new CopyOnWriteArrayList<>();
        WdfObject parent = create(driver(globals), WdfObjectAttributes.NONE
                .withCleanup(o -> fromCleanup.add(WdfObject.create(WdfObjectAttributes.NONE.withParent(o)).status())));
        parent.reference("keep");
        int live = globals.liveObjects();

        assertThat(parent.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(fromCleanup).containsExactly(NtStatus.STATUS_DELETE_PENDING);
        assertThat(fx(parent).state()).isEqualTo(FxObjectState.DISPOSED);
        NtResult<WdfObject> late = WdfObject.create(WdfObjectAttributes.NONE.withParent(parent));
        assertThat(late.status()).isEqualTo(NtStatus.STATUS_DELETE_PENDING);
        assertThat(late.value()).isNull();
        assertThat(fx(parent).children()).isEmpty();
        assertThat(globals.liveObjects()).isEqualTo(live);

        parent.dereference("keep");
        assertThat(fx(parent).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(globals.findings()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // O2

    // O2: deleting an object runs the cleanup callbacks of its descendants first, children before their parents
    // (deepest first), siblings the last-created first, then its own; every cleanup before any destroy; and the
    // driver object last at unload.
    @Test
    void o2_deleteCleansUpChildrenBeforeParentsLastCreatedSiblingFirst() {
        CallLog log = new CallLog();
        FxDriverGlobals globals = drivers.start("o2-order", VerifierSettings.on(), log.attributes("driver"), d -> {
            WdfObject a = create(d, log.attributes("A"));
            WdfObject a1 = create(a, log.attributes("A1"));
            create(a1, log.attributes("A1x"));
            create(a, log.attributes("A2"));
            WdfObject b = create(d, log.attributes("B"));
            create(b, log.attributes("B1"));
        });
        globals.stop();

        List<String> order = List.of("B1", "B", "A2", "A1x", "A1", "A", "driver");
        assertThat(log.names("cleanup")).containsExactlyElementsOf(order);
        assertThat(log.names("destroy")).containsExactlyElementsOf(order);
        assertThat(log.names().subList(0, order.size())).allMatch(n -> n.startsWith("cleanup"));
        assertThat(globals.liveObjects()).isZero();
        assertThat(globals.findings()).isEmpty();
    }

    // O2: the same order holds in any tree: for a random tree (seeded), the cleanup order is the post-order of the
    // tree with siblings visited last-created first, so every object is cleaned up after all its descendants.
    @Test
    void o2_deleteOrderInRandomTrees() {
        long seed = Long.getLong("wdf4j.test.seed", System.nanoTime());
        Random random = new Random(seed);
        FxDriverGlobals globals = drivers.start("o2-random", VerifierSettings.OFF);
        for (int round = 0; round < 20; round++) {
            CallLog log = new CallLog();
            int size = 2 + random.nextInt(200);
            List<WdfObject> nodes = new ArrayList<>();
            List<List<Integer>> children = new ArrayList<>();
            nodes.add(create(driver(globals), log.attributes("0")));
            children.add(new ArrayList<>());
            for (int i = 1; i < size; i++) {
                int parent = random.nextInt(i);
                nodes.add(create(nodes.get(parent), log.attributes(Integer.toString(i))));
                children.add(new ArrayList<>());
                children.get(parent).add(i);
            }
            int deleted = random.nextInt(size);
            List<String> expected = new ArrayList<>();
            postorderLastCreatedFirst(deleted, children, expected);

            assertThat(nodes.get(deleted).delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(log.names("cleanup")).as("seed=%d round=%d", seed, round).containsExactlyElementsOf(expected);
            assertThat(log.names("destroy")).as("seed=%d round=%d", seed, round).containsExactlyElementsOf(expected);
            if (deleted != 0) {
                assertThat(nodes.getFirst().delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
            }
            assertThat(nodes).as("seed=%d", seed).allMatch(n -> fx(n).state() == FxObjectState.DESTROYED);
        }
        assertThat(globals.liveObjects()).as("seed=%d", seed).isEqualTo(1);
    }

    private static void postorderLastCreatedFirst(int node, List<List<Integer>> children, List<String> out) {
        // Iterative, children reversed: (node, next child index) pairs on a stack.
        ArrayList<int[]> stack = new ArrayList<>();
        stack.add(new int[] {node, children.get(node).size() - 1});
        while (!stack.isEmpty()) {
            int[] top = stack.getLast();
            if (top[1] < 0) {
                out.add(Integer.toString(top[0]));
                stack.removeLast();
            } else {
                int child = children.get(top[0]).get(top[1]--);
                stack.add(new int[] {child, children.get(child).size() - 1});
            }
        }
    }

    // O2: cleanup starts at once whatever the reference count; destroy waits until the count reaches zero, and
    // the destroy callback runs after the cleanup, exactly once.
    @Test
    void o2_cleanupAtOnceWhateverTheReferenceCountDestroyWhenItReachesZero() {
        FxDriverGlobals globals = drivers.start("o2-refs", VerifierSettings.on());
        CallLog log = new CallLog();
        WdfObject object = create(driver(globals), log.attributes("obj"));
        object.reference("a");
        object.reference("b");
        assertThat(fx(object).referenceCount()).isEqualTo(3);

        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(log.names()).containsExactly("cleanup obj");
        assertThat(fx(object).state()).isEqualTo(FxObjectState.DISPOSED);
        assertThat(fx(object).referenceCount()).as("the creation reference is given up by delete").isEqualTo(2);

        object.dereference("a");
        assertThat(log.names()).containsExactly("cleanup obj");
        assertThat(fx(object).state()).isEqualTo(FxObjectState.DISPOSED);

        object.dereference("b");
        assertThat(log.names()).containsExactly("cleanup obj", "destroy obj");
        assertThat(fx(object).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(fx(object).referenceCount()).isZero();
        assertThat(globals.findings()).isEmpty();
    }

    // O2, O3: a referenced child holds up the destruction of its parent, not its cleanup: the parent is destroyed
    // when its last child is, children always before their parents.
    @Test
    void o2_o3_parentIsDestroyedAfterItsReferencedChild() {
        FxDriverGlobals globals = drivers.start("o2-child-ref", VerifierSettings.on());
        CallLog log = new CallLog();
        WdfObject parent = create(driver(globals), log.attributes("parent"));
        WdfObject held = create(parent, log.attributes("held"));
        create(parent, log.attributes("free"));
        held.reference("keep");

        assertThat(parent.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(log.names()).containsExactly("cleanup free", "cleanup held", "cleanup parent", "destroy free");
        assertThat(fx(parent).state()).isEqualTo(FxObjectState.DISPOSED);
        assertThat(fx(parent).referenceCount()).isZero();
        // O3: the parent's deletion gave up the child's creation reference; only the driver's own is left.
        assertThat(fx(held).state()).isEqualTo(FxObjectState.DISPOSED);
        assertThat(fx(held).referenceCount()).isEqualTo(1);

        held.dereference("keep");
        assertThat(log.names()).containsExactly("cleanup free", "cleanup held", "cleanup parent", "destroy free",
                "destroy held", "destroy parent");
        assertThat(fx(parent).state()).isEqualTo(FxObjectState.DESTROYED);
    }

    // O2: a cleanup callback may still use its object (the object is valid until it is destroyed): a reference it
    // takes there holds up the destroy until it is given back.
    @Test
    void o2_cleanupCallbackMayStillUseTheObject() {
        FxDriverGlobals globals = drivers.start("o2-cleanup-use", VerifierSettings.on());
        List<NtStatus> allocated = new CopyOnWriteArrayList<>();
        WdfObject object = create(driver(globals), WdfObjectAttributes.NONE.withCleanup(o -> {
            o.reference("from-cleanup");
            allocated.add(o.allocateContext(PAYLOAD).status());
        }));
        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(allocated).containsExactly(NtStatus.STATUS_DELETE_PENDING);
        assertThat(fx(object).state()).isEqualTo(FxObjectState.DISPOSED);
        assertThat(fx(object).referenceCount()).isEqualTo(1);
        object.dereference("from-cleanup");
        assertThat(fx(object).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(globals.failure()).isNull();
        assertThat(globals.findings()).isEmpty();
    }

    static final class Payload {
        String text = "initial";
    }

    private static final ContextType<Payload> PAYLOAD = ContextType.declare(Payload.class, Payload::new);

    // O2: a destroy callback may read the object's context (the object is DESTROYING).
    @Test
    void o2_destroyCallbackMayReadTheContext() {
        FxDriverGlobals globals = drivers.start("o2-ctx", VerifierSettings.on());
        List<String> read = new CopyOnWriteArrayList<>();
        WdfObject object = create(driver(globals), WdfObjectAttributes.of(PAYLOAD)
                .withDestroy(o -> read.add(PAYLOAD.get(o).text + " in " + fx(o).state())));
        PAYLOAD.get(object).text = "written";
        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(read).containsExactly("written in DESTROYING");
        assertThat(globals.findings()).isEmpty();
        assertThat(globals.failure()).isNull();
    }

    // O2: a destroy callback may not call the object's methods: that is a bug check (WDF_INVALID_HANDLE), the
    // driver is failed, and the deletion still completes.
    @Test
    void o2_callingAMethodFromADestroyCallbackIsABugCheck() {
        FxDriverGlobals globals = drivers.start("o2-destroy-call", VerifierSettings.OFF);
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        WdfObject object = create(driver(globals), WdfObjectAttributes.NONE.withDestroy(o -> {
            for (Runnable call : List.<Runnable>of(o::reference, o::delete, () -> o.allocateContext(PAYLOAD))) {
                try {
                    call.run();
                } catch (Throwable t) {
                    thrown.add(t);
                }
            }
        }));
        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);

        assertThat(thrown).hasSize(3).allSatisfy(t -> assertThat(t).isInstanceOf(WdfBugCheck.class)
                .extracting(x -> ((WdfBugCheck) x).subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_HANDLE));
        assertThat(thrown.getFirst()).hasMessageContaining("WdfObjectReference").hasMessageContaining("being destroyed");
        assertThat(globals.failure()).isNotNull();
        assertThat(globals.failure().subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_HANDLE);
        assertThat(globals.findings()).filteredOn(f -> f.kind() == Finding.Kind.BUG_CHECK).hasSize(3);
        assertThat(fx(object).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(globals.journal()).anyMatch(e -> e.kind() == JournalEntry.Kind.BUG_CHECK);
    }

    // O2: a bug check thrown out of a destroy callback does not stop the deletion either.
    @Test
    void o2_bugCheckThrownFromDestroyCallbackDoesNotStopTheDeletion() {
        FxDriverGlobals globals = drivers.start("o2-destroy-throw", VerifierSettings.OFF);
        CallLog log = new CallLog();
        WdfObject parent = create(driver(globals), log.attributes("parent"));
        create(parent, WdfObjectAttributes.NONE.withDestroy(WdfObject::delete));
        assertThat(parent.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(log.names()).containsExactly("cleanup parent", "destroy parent");
        assertThat(globals.failure().subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_HANDLE);
        assertThat(globals.liveObjects()).isEqualTo(1);
    }

    // O2: an exception thrown by a cleanup callback is reported with its stack and the deletion goes on.
    @Test
    void o2_exceptionFromCleanupIsReportedAndDeletionGoesOn() {
        FxDriverGlobals globals = drivers.start("o2-cleanup-throw", VerifierSettings.OFF);
        CallLog log = new CallLog();
        WdfObject parent = create(driver(globals), log.attributes("parent"));
        create(parent, WdfObjectAttributes.NONE.withCleanup(o -> {
            throw new IllegalStateException("cleanup failed on purpose");
        }));
        assertThat(parent.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(log.names()).containsExactly("cleanup parent", "destroy parent");
        assertThat(globals.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.EXCEPTION);
            assertThat(f.message()).contains("EvtCleanupCallback", "cleanup failed on purpose");
            assertThat(f.stack()).contains("ObjectTreeTest");
        });
        assertThat(globals.liveObjects()).isEqualTo(1);
    }
}
