package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wdf4j.fxtest.TestDrivers.create;
import static org.wdf4j.fxtest.TestDrivers.driver;
import static org.wdf4j.fxtest.TestDrivers.fx;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/** References (O3) and use after destruction (O4). */
class ObjectReferenceTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    private static VerifierSettings tracking(String type, int history, boolean breakOnError) {
        return new VerifierSettings(true, breakOnError, Set.of(type), history, VerifierSettings.AllocateFail.NONE, 0,
                VerifierSettings.DEFAULT_WAIT_TIMEOUT);
    }

    // ---------------------------------------------------------------------------------------------
    // O3

    // O3: an object starts with one reference; tagged and untagged references add to it and are given back.
    @Test
    void o3_objectStartsWithOneReferenceAndTagsCount() {
        FxDriverGlobals globals = drivers.start("o3-count", VerifierSettings.on());
        WdfObject object = create(driver(globals));
        assertThat(fx(object).referenceCount()).isEqualTo(1);
        object.reference();
        object.reference("io");
        object.reference("io");
        Object tagObject = new Object();
        object.reference(tagObject);
        assertThat(fx(object).referenceCount()).isEqualTo(5);
        object.dereference("io");
        object.dereference(tagObject);
        object.dereference();
        object.dereference("io");
        assertThat(fx(object).referenceCount()).isEqualTo(1);
        assertThat(fx(object).state()).isEqualTo(FxObjectState.CREATED);
        assertThat(globals.findings()).isEmpty();
    }

    // O3: dropping the count to zero by dereference instead of delete is a bug check (WDF_OBJECT_ERROR); the
    // object keeps its creation reference and can still be deleted.
    @Test
    void o3_dereferenceToZeroInsteadOfDeleteIsABugCheck() {
        FxDriverGlobals globals = drivers.start("o3-deref-zero", VerifierSettings.OFF);
        CallLog log = new CallLog();
        WdfObject object = create(driver(globals), log.attributes("obj"));
        object.reference("io");
        object.dereference("io");

        assertThatThrownBy(object::dereference).isInstanceOfSatisfying(WdfBugCheck.class, b -> {
            assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_OBJECT_ERROR);
            assertThat(b.driverName()).isEqualTo("o3-deref-zero");
            assertThat(b.getMessage()).contains("delete the object instead");
        });
        assertThat(globals.failure()).isNotNull();
        assertThat(globals.failure().subCode()).isEqualTo(WdfBugCheckCode.WDF_OBJECT_ERROR);
        assertThat(fx(object).referenceCount()).isEqualTo(1);
        assertThat(fx(object).state()).isEqualTo(FxObjectState.CREATED);
        assertThat(log.size()).isZero();

        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(log.names()).containsExactly("cleanup obj", "destroy obj");
    }

    // O3: with the verifier on, the same mistake (an untagged release never acquired) is caught as such before the
    // count is touched: a bug check WDF_OBJECT_ERROR.
    @Test
    void o3_dereferenceToZeroWithVerifierIsABugCheck() {
        FxDriverGlobals globals = drivers.start("o3-deref-zero-v", VerifierSettings.on());
        WdfObject object = create(driver(globals));
        assertThatThrownBy(object::dereference).isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_OBJECT_ERROR));
        assertThat(fx(object).referenceCount()).isEqualTo(1);
    }

    // O3: with handle tracking on for the object's type, the last N reference events are recorded with the thread,
    // the IRQL and the stack; they appear in the leak report of an object leaked at unload.
    @Test
    void o3_handleTrackingRecordsTheLastNReferenceEventsWithStacks() {
        FxDriverGlobals globals = drivers.start("o3-history", tracking("WDFOBJECT", 3, true));
        WdfObject object = create(driver(globals));
        object.reference("t1");
        object.reference("t2");
        object.dereference("t1");
        object.reference("t3");
        takeReferenceInAHelper(object, "t4");
        globals.stop();

        Finding leak = leakOf(globals, object);
        String history = leak.message().substring(leak.message().indexOf("reference history (oldest first):"));
        String thread = " on thread \"" + Thread.currentThread().getName() + "\" at PASSIVE_LEVEL";
        List<String> events = history.lines().filter(l -> l.matches("(de)?reference '.*")).toList();
        assertThat(events).containsExactly("dereference 't1'" + thread, "reference 't3'" + thread, "reference 't4'" + thread);
        assertThat(history).containsSubsequence("dereference 't1'",
                "ObjectReferenceTest.o3_handleTrackingRecordsTheLastNReferenceEventsWithStacks",
                "reference 't3'", "ObjectReferenceTest.o3_handleTrackingRecordsTheLastNReferenceEventsWithStacks",
                "reference 't4'", "ObjectReferenceTest.takeReferenceInAHelper");
        assertThat(leak.message()).contains("'t2' x1", "'t3' x1", "'t4' x1");
    }

    private static void takeReferenceInAHelper(WdfObject object, String tag) {
        object.reference(tag);
    }

    private static Finding leakOf(FxDriverGlobals globals, WdfObject object) {
        List<Finding> leaks = globals.findings().stream()
                .filter(f -> f.kind() == Finding.Kind.LEAK && f.object().equals(object.toString())).toList();
        assertThat(leaks).as("leak report of %s in %s", object, globals.findings()).hasSize(1);
        return leaks.getFirst();
    }

    // O3, V1: handle tracking is per object type: the events of a type not tracked are not recorded.
    @Test
    void o3_handleTrackingIsPerObjectType() {
        Map<String, Boolean> recorded = new java.util.LinkedHashMap<>();
        for (String tracked : List.of("WDFOBJECT", "WDFDRIVER", "*")) {
            FxDriverGlobals globals = drivers.start("o3-type-" + (tracked.equals("*") ? "all" : tracked),
                    tracking(tracked, 16, true));
            WdfObject object = create(driver(globals));
            object.reference("kept");
            driver(globals).reference("driver-kept");
            globals.stop();
            boolean objectHistory = leakOf(globals, object).message().contains("reference history");
            boolean driverHistory = leakOf(globals, driver(globals)).message().contains("reference history");
            recorded.put(tracked, objectHistory);
            recorded.put(tracked + "/driver", driverHistory);
        }
        assertThat(recorded).containsExactly(
                Map.entry("WDFOBJECT", true), Map.entry("WDFOBJECT/driver", false),
                Map.entry("WDFDRIVER", false), Map.entry("WDFDRIVER/driver", true),
                Map.entry("*", true), Map.entry("*/driver", true));
    }

    // O3: with handle tracking on, releasing a tag that holds no reference is reported (the release still counts when
    // the verifier only reports), and references still held under other tags when the object is destroyed are reported.
    @Test
    void o3_releaseOfATagNeverAcquiredAndReferencesHeldAtDestroyAreReported() {
        FxDriverGlobals globals = drivers.start("o3-mismatch", VerifierSettings.on().withBreakOnError(false).withTrackHandles("WDFOBJECT"));
        WdfObject object = create(driver(globals));
        object.reference("acquired");
        object.dereference("never-acquired");

        assertThat(globals.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.VIOLATION);
            assertThat(f.rule()).isEqualTo("WDF_OBJECT_ERROR");
            assertThat(f.object()).isEqualTo(object.toString());
            assertThat(f.message()).contains("'never-acquired'", "holds no reference", "'acquired' x1");
            assertThat(f.stack()).contains("ObjectReferenceTest.o3_releaseOfATagNeverAcquiredAndReferencesHeldAtDestroyAreReported");
        });
        assertThat(fx(object).referenceCount()).isEqualTo(1);
        assertThat(globals.failure()).isNull();

        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(fx(object).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(globals.findings()).hasSize(2).last().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.VIOLATION);
            assertThat(f.message()).contains("destroyed with references still held", "'acquired' x1");
        });
    }

    // O3, V1: with break on error, releasing a tag never acquired is a bug check, and the count is not touched.
    @Test
    void o3_releaseOfATagNeverAcquiredIsABugCheckWithBreakOnError() {
        FxDriverGlobals globals = drivers.start("o3-mismatch-break", VerifierSettings.on().withTrackHandles("WDFOBJECT"));
        WdfObject object = create(driver(globals));
        object.reference("acquired");
        assertThatThrownBy(() -> object.dereference("never-acquired")).isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_OBJECT_ERROR));
        assertThat(fx(object).referenceCount()).isEqualTo(2);
        object.dereference("acquired");
        assertThat(fx(object).referenceCount()).isEqualTo(1);
    }

    // O3: tags are checked with handle tracking on for the object's type; the verifier alone does not report them.
    @Test
    void o3_tagsAreCheckedOnlyWithHandleTracking() {
        FxDriverGlobals globals = drivers.start("o3-untracked", VerifierSettings.on().withTrackHandles("WDFDEVICE"));
        WdfObject object = create(driver(globals));
        object.reference("acquired");
        object.dereference("never-acquired");
        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(fx(object).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(globals.findings()).isEmpty();
        assertThat(globals.failure()).isNull();
    }

    // O3, V1: with the verifier off, tags are not checked: a mismatched release is not reported.
    @Test
    void o3_tagsAreNotCheckedWithTheVerifierOff() {
        FxDriverGlobals globals = drivers.start("o3-mismatch-off", VerifierSettings.OFF);
        WdfObject object = create(driver(globals));
        object.reference("acquired");
        object.dereference("never-acquired");
        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(fx(object).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(globals.findings()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // O4

    static final class Ctx {
    }

    private static final ContextType<Ctx> CTX = ContextType.declare(Ctx.class, Ctx::new);

    // O4: every method of a destroyed object is a bug check (WDF_INVALID_HANDLE), never undefined behaviour.
    @Test
    void o4_useAfterDestroyIsABugCheck() {
        FxDriverGlobals globals = drivers.start("o4-destroyed", VerifierSettings.OFF);
        WdfObject object = create(driver(globals), WdfObjectAttributes.of(CTX));
        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(fx(object).state()).isEqualTo(FxObjectState.DESTROYED);

        assertInvalidHandle(object::delete, "WdfObjectDelete");
        assertInvalidHandle(object::reference, "WdfObjectReference");
        assertInvalidHandle(() -> object.dereference("x"), "WdfObjectDereference");
        assertInvalidHandle(() -> object.getContext(CTX), "WdfObjectGetTypedContext");
        assertInvalidHandle(() -> object.allocateContext(CTX), "WdfObjectAllocateContext");
        assertInvalidHandle(() -> WdfObject.create(WdfObjectAttributes.NONE.withParent(object)), "WdfObjectCreate");
        assertThat(globals.failure().subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_HANDLE);
        assertThat(globals.findings()).filteredOn(f -> f.kind() == Finding.Kind.BUG_CHECK).hasSize(6)
                .allSatisfy(f -> assertThat(f.rule()).isEqualTo("WDF_INVALID_HANDLE"));
    }

    // O4: so is every method of an object abandoned at unload because it was still referenced.
    @Test
    void o4_useAfterAbandonIsABugCheck() {
        FxDriverGlobals globals = drivers.start("o4-abandoned", VerifierSettings.OFF);
        WdfObject object = create(driver(globals), WdfObjectAttributes.of(CTX));
        object.reference("leak");
        globals.stop();
        assertThat(fx(object).state()).isEqualTo(FxObjectState.ABANDONED);
        assertInvalidHandle(() -> object.dereference("leak"), "WdfObjectDereference");
        assertInvalidHandle(() -> object.getContext(CTX), "WdfObjectGetTypedContext");
        assertInvalidHandle(() -> object.allocateContext(CTX), "WdfObjectAllocateContext");
    }

    private static void assertInvalidHandle(ThrowingCallable call, String function) {
        Consumer<WdfBugCheck> check = b -> {
            assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_HANDLE);
            assertThat(b.bugCheckCode()).isEqualTo(WdfBugCheck.WDF_VIOLATION);
            assertThat(b.getMessage()).contains(function);
        };
        assertThatThrownBy(call).isInstanceOfSatisfying(WdfBugCheck.class, check);
    }
}
