package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.wdf4j.fxtest.TestDrivers.create;
import static org.wdf4j.fxtest.TestDrivers.driver;
import static org.wdf4j.fxtest.TestDrivers.fx;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtResult;
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

/** O6: typed context spaces. */
class ObjectContextTest {

    static final class Counter {
        int value;
    }

    static final class Name {
        String value = "unnamed";
    }

    private static final ContextType<Counter> COUNTER = ContextType.declare(Counter.class, Counter::new);
    /** A second declaration for the same class: another type. */
    private static final ContextType<Counter> OTHER_COUNTER = ContextType.declare("OtherCounter", Counter.class, Counter::new);
    private static final ContextType<Name> NAME = ContextType.declare(Name.class, Name::new);

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    // O6: a context type attached at creation is there, made by its initializer, and is the same instance on every
    // read; a type not attached answers null, which is not an error; types are compared by declaration, not class.
    @Test
    void o6_contextAttachedAtCreationAndMissingTypeAnswersNull() {
        FxDriverGlobals globals = drivers.start("o6-create", VerifierSettings.on());
        WdfObject object = create(driver(globals), WdfObjectAttributes.of(COUNTER));

        Counter counter = COUNTER.get(object);
        assertThat(counter).isNotNull();
        counter.value = 42;
        assertThat(object.getContext(COUNTER)).isSameAs(counter);
        assertThat(COUNTER.get(object).value).isEqualTo(42);
        assertThat(OTHER_COUNTER.get(object)).isNull();
        assertThat(NAME.get(object)).isNull();
        assertThat(object.toString()).contains("[Counter]");
        assertThat(globals.findings()).isEmpty();
        assertThat(globals.failure()).isNull();
    }

    // O6: a context can be attached later; attaching a type already attached answers STATUS_OBJECT_NAME_EXISTS (a
    // success) with the context already there, and changes nothing.
    @Test
    void o6_allocateLaterAndDuplicateGivesObjectNameExistsWithTheExistingContext() {
        FxDriverGlobals globals = drivers.start("o6-later", VerifierSettings.on());
        WdfObject object = create(driver(globals), WdfObjectAttributes.of(COUNTER));
        COUNTER.get(object).value = 7;

        NtResult<Name> name = object.allocateContext(NAME);
        assertThat(name.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(name.value()).isSameAs(NAME.get(object));
        name.value().value = "first";

        NtResult<Name> again = object.allocateContext(NAME);
        assertThat(again.status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_EXISTS);
        assertThat(again.isSuccess()).isTrue();
        assertThat(again.value()).isSameAs(name.value());
        assertThat(again.value().value).isEqualTo("first");

        NtResult<Counter> creationType = object.allocateContext(COUNTER);
        assertThat(creationType.status()).isEqualTo(NtStatus.STATUS_OBJECT_NAME_EXISTS);
        assertThat(creationType.value().value).isEqualTo(7);

        NtResult<Counter> sameClassOtherType = object.allocateContext(OTHER_COUNTER);
        assertThat(sameClassOtherType.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(sameClassOtherType.value()).isNotSameAs(COUNTER.get(object));
        assertThat(globals.findings()).isEmpty();
    }

    // O6: allocateContext takes a context type and its callbacks only; attributes naming a parent or a level are
    // STATUS_INVALID_PARAMETER; an object being deleted takes no new context (STATUS_DELETE_PENDING).
    @Test
    void o6_allocateContextRejectsOtherAttributesAndDeletedObjects() {
        FxDriverGlobals globals = drivers.start("o6-invalid", VerifierSettings.on());
        WdfObject object = create(driver(globals));
        assertThat(object.allocateContext(NAME, WdfObjectAttributes.NONE.withParent(driver(globals))).status())
                .isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
        assertThat(object.allocateContext(NAME, WdfObjectAttributes.of(COUNTER)).status())
                .isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
        assertThat(NAME.get(object)).isNull();
        assertThat(globals.findings()).hasSize(2).allMatch(f -> f.rule().equals("STATUS_INVALID_PARAMETER"));
        assertThat(object.allocateContext(NAME, WdfObjectAttributes.of(NAME)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);

        object.reference("keep");
        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(object.allocateContext(COUNTER).status()).isEqualTo(NtStatus.STATUS_DELETE_PENDING);
        assertThat(COUNTER.get(object)).isNull();
        assertThat(NAME.get(object)).as("contexts stay readable until the object is destroyed").isNotNull();
        object.dereference("keep");
    }

    // O6: each attached context carries its own cleanup and destroy callbacks; they run in attachment order (the
    // creation attributes' first), every cleanup before any destroy, each exactly once.
    @Test
    void o6_perContextCallbacksRunInAttachmentOrder() {
        FxDriverGlobals globals = drivers.start("o6-callbacks", VerifierSettings.on());
        List<String> calls = new CopyOnWriteArrayList<>();
        WdfObject object = create(driver(globals), WdfObjectAttributes.of(COUNTER)
                .withCleanup(o -> calls.add("cleanup Counter"))
                .withDestroy(o -> calls.add("destroy Counter=" + COUNTER.get(o).value)));
        object.allocateContext(NAME, WdfObjectAttributes.NONE
                .withCleanup(o -> calls.add("cleanup Name"))
                .withDestroy(o -> calls.add("destroy Name=" + NAME.get(o).value)));
        object.allocateContext(OTHER_COUNTER, WdfObjectAttributes.NONE
                .withDestroy(o -> calls.add("destroy OtherCounter")));
        object.allocateContext(NAME, WdfObjectAttributes.NONE
                .withCleanup(o -> calls.add("MUST NOT RUN: duplicate's cleanup"))
                .withDestroy(o -> calls.add("MUST NOT RUN: duplicate's destroy")));
        COUNTER.get(object).value = 3;
        NAME.get(object).value = "n";

        assertThat(object.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(calls).containsExactly("cleanup Counter", "cleanup Name",
                "destroy Counter=3", "destroy Name=n", "destroy OtherCounter");
        assertThat(globals.findings()).isEmpty();
    }

    // O6, O4: a null context type is a contract violation, never undefined behaviour: asking for it or attaching it is a
    // bug check (WDF_REQUIRED_PARAMETER_IS_NULL), whatever contexts the object has (here: none, or a context that
    // carries only callbacks, which has no type).
    @Test
    void o6_nullContextTypeIsABugCheck() {
        FxDriverGlobals globals = drivers.start("o6-null", VerifierSettings.OFF);
        WdfObject none = create(driver(globals));
        WdfObject callbacksOnly = create(driver(globals), WdfObjectAttributes.NONE.withCleanup(o -> { }));
        for (WdfObject object : List.of(none, callbacksOnly)) {
            assertThatThrownBy(() -> object.getContext(null)).as("getContext(null) on %s", object)
                    .isInstanceOfSatisfying(WdfBugCheck.class,
                            b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL));
            assertThatThrownBy(() -> object.allocateContext(null)).as("allocateContext(null) on %s", object)
                    .isInstanceOfSatisfying(WdfBugCheck.class,
                            b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL));
        }
    }

    // O6: a context type's initializer runs once per attached context.
    @Test
    void o6_initializerRunsForEachAttachedContext() {
        AtomicInteger made = new AtomicInteger();
        ContextType<Counter> counted = ContextType.declare("Counted", Counter.class, () -> {
            Counter c = new Counter();
            c.value = made.incrementAndGet();
            return c;
        });
        FxDriverGlobals globals = drivers.start("o6-init", VerifierSettings.on());
        WdfObject a = create(driver(globals), WdfObjectAttributes.of(counted));
        WdfObject b = create(driver(globals));
        assertThat(b.allocateContext(counted).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(counted.get(a).value).isEqualTo(1);
        assertThat(counted.get(b).value).isEqualTo(2);
    }

    // O6: contexts are released when the object is destroyed: nothing of the framework keeps them reachable, even
    // while the driver still holds the destroyed object's handle. A context of a live object stays reachable.
    @Test
    void o6_contextsAreReleasedWhenTheObjectIsDestroyed() {
        FxDriverGlobals globals = drivers.start("o6-release", VerifierSettings.on());
        WdfObject destroyed = create(driver(globals), WdfObjectAttributes.of(COUNTER));
        WdfObject alive = create(driver(globals), WdfObjectAttributes.of(COUNTER));
        WeakReference<Counter> creationContext = weakContext(destroyed, COUNTER);
        WeakReference<Name> laterContext = weakContext(destroyed, NAME);
        WeakReference<Counter> aliveContext = weakContext(alive, COUNTER);
        destroyed.reference("keep");
        assertThat(destroyed.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        gc();
        assertThat(creationContext.get()).as("a DISPOSED object's context is still there").isNotNull();

        destroyed.dereference("keep");
        assertThat(fx(destroyed).state()).isEqualTo(FxObjectState.DESTROYED);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            gc();
            return creationContext.get() == null && laterContext.get() == null;
        });
        assertThat(aliveContext.get()).isNotNull();
        assertThat(alive.getContext(COUNTER)).isSameAs(aliveContext.get());
    }

    // O6: an object abandoned at unload (leaked) releases its contexts too.
    @Test
    void o6_contextsOfALeakedObjectAreReleasedAtUnload() {
        FxDriverGlobals globals = drivers.start("o6-release-leak", VerifierSettings.OFF);
        WdfObject leaked = create(driver(globals), WdfObjectAttributes.of(COUNTER));
        WeakReference<Counter> context = weakContext(leaked, COUNTER);
        leaked.reference("leak");
        globals.stop();
        assertThat(fx(leaked).state()).isEqualTo(FxObjectState.ABANDONED);
        assertThat(globals.findings()).anyMatch(f -> f.kind() == Finding.Kind.LEAK);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            gc();
            return context.get() == null;
        });
    }

    /** A weak reference to the object's context of {@code type}, allocating it if needed; keeps no strong one. */
    private static <T> WeakReference<T> weakContext(WdfObject object, ContextType<T> type) {
        T value = object.getContext(type);
        if (value == null) {
            value = object.allocateContext(type).value();
        }
        return new WeakReference<>(value);
    }

    private static void gc() {
        System.gc();
    }
}
