package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.wdf4j.fxtest.TestDrivers.create;
import static org.wdf4j.fxtest.TestDrivers.driver;
import static org.wdf4j.fxtest.TestDrivers.fx;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.object.WdfSynchronizationScope;

/** Execution level and synchronization scope (O7), deferral to the passive thread (O8), and IRQL checks (O9). */
@SuppressWarnings("try") // try (var ignored = Irql.raise(...)) { ... }: the scope is used only to lower the IRQL
class ExecutionLevelTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    private static WdfObjectAttributes level(WdfExecutionLevel level) {
        return WdfObjectAttributes.NONE.withExecutionLevel(level);
    }

    private static String passiveThread(FxDriverGlobals globals) {
        return "wdf4j-" + globals.name() + "-passive";
    }

    // ---------------------------------------------------------------------------------------------
    // O7: inheritance

    // O7: by default the driver object is DISPATCH with scope NONE, and its descendants inherit both.
    @Test
    void o7_defaultsAreInheritedFromTheDriverObject() {
        FxDriverGlobals globals = drivers.start("o7-default", VerifierSettings.on());
        WdfObject child = create(driver(globals));
        WdfObject grandchild = create(child);
        for (WdfObject o : List.of(driver(globals), child, grandchild)) {
            assertThat(fx(o).executionLevel()).as("%s", o).isEqualTo(WdfExecutionLevel.DISPATCH);
            assertThat(fx(o).synchronizationScope()).as("%s", o).isEqualTo(WdfSynchronizationScope.NONE);
        }
    }

    // O7: a driver's level and scope are inherited driver -> child -> grandchild; an explicit value overrides and
    // is inherited in turn by the object's own descendants.
    @Test
    void o7_levelAndScopeAreInheritedAndExplicitValuesOverride() {
        FxDriverGlobals globals = drivers.start("o7-inherit", VerifierSettings.on(), WdfObjectAttributes.NONE
                .withExecutionLevel(WdfExecutionLevel.PASSIVE)
                .withSynchronizationScope(WdfSynchronizationScope.DEVICE), d -> { });
        WdfDriver driver = driver(globals);
        WdfObject child = create(driver);
        WdfObject grandchild = create(child);
        WdfObject override = create(driver, level(WdfExecutionLevel.DISPATCH)
                .withSynchronizationScope(WdfSynchronizationScope.QUEUE));
        WdfObject underOverride = create(override);
        WdfObject scopeOnly = create(child, WdfObjectAttributes.NONE.withSynchronizationScope(WdfSynchronizationScope.NONE));
        WdfObject passiveAgain = create(underOverride, level(WdfExecutionLevel.PASSIVE));

        assertLevels(driver, WdfExecutionLevel.PASSIVE, WdfSynchronizationScope.DEVICE);
        assertLevels(child, WdfExecutionLevel.PASSIVE, WdfSynchronizationScope.DEVICE);
        assertLevels(grandchild, WdfExecutionLevel.PASSIVE, WdfSynchronizationScope.DEVICE);
        assertLevels(override, WdfExecutionLevel.DISPATCH, WdfSynchronizationScope.QUEUE);
        assertLevels(underOverride, WdfExecutionLevel.DISPATCH, WdfSynchronizationScope.QUEUE);
        assertLevels(scopeOnly, WdfExecutionLevel.PASSIVE, WdfSynchronizationScope.NONE);
        assertLevels(passiveAgain, WdfExecutionLevel.PASSIVE, WdfSynchronizationScope.QUEUE);
    }

    private static void assertLevels(WdfObject o, WdfExecutionLevel level, WdfSynchronizationScope scope) {
        assertThat(fx(o).executionLevel()).as("level of %s", o).isEqualTo(level);
        assertThat(fx(o).synchronizationScope()).as("scope of %s", o).isEqualTo(scope);
    }

    // ---------------------------------------------------------------------------------------------
    // O7 and O8: passive objects' callbacks at PASSIVE_LEVEL, deferred when deletion starts at DISPATCH_LEVEL

    // O8, O7: deleting a Passive object at DISPATCH_LEVEL returns at once; its cleanup and destroy are deferred to
    // the driver's passive framework thread and run there at PASSIVE_LEVEL, never on the caller at DISPATCH.
    @Test
    void o8_deleteAtDispatchIsDeferredToThePassiveThread() throws Exception {
        FxDriverGlobals globals = drivers.start("o8-defer", VerifierSettings.on());
        CallLog log = new CallLog();
        CountDownLatch gate = new CountDownLatch(1);
        WdfObject blocker = create(driver(globals), level(WdfExecutionLevel.PASSIVE).withCleanup(o -> awaitQuietly(gate)));
        WdfObject target = create(driver(globals), log.attributes(level(WdfExecutionLevel.PASSIVE), "target"));
        WdfObject child = create(target, log.attributes("child"));
        assertThat(fx(child).executionLevel()).isEqualTo(WdfExecutionLevel.PASSIVE);

        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            assertThat(blocker.delete()).isEqualTo(NtStatus.STATUS_SUCCESS); // occupies the passive thread until gate opens
            assertThat(target.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
            // Deferred: nothing ran on this thread, and the deletion has started (no new children, no second delete).
            assertThat(log.size()).isZero();
            assertThat(fx(target).state()).isEqualTo(FxObjectState.DISPOSING);
            assertThat(fx(child).state()).isEqualTo(FxObjectState.DISPOSING);
            assertThat(target.delete()).isEqualTo(NtStatus.STATUS_DELETE_PENDING);
            assertThat(WdfObject.create(WdfObjectAttributes.NONE.withParent(target)).status())
                    .isEqualTo(NtStatus.STATUS_DELETE_PENDING);
        } finally {
            gate.countDown();
        }
        await().atMost(WAIT).until(() -> fx(target).state() == FxObjectState.DESTROYED);

        assertThat(log.names()).containsExactly("cleanup child", "cleanup target", "destroy child", "destroy target");
        assertThat(log.calls()).allSatisfy(c -> {
            assertThat(c.irql()).isEqualTo(Irql.PASSIVE_LEVEL);
            assertThat(c.thread()).isEqualTo(passiveThread(globals));
        });
        assertThat(fx(blocker).state()).isEqualTo(FxObjectState.DESTROYED);
        assertThat(globals.findings()).isEmpty();
    }

    // O8, O7: a Dispatch object deleted at DISPATCH_LEVEL is not deferred: its callbacks run at once, on the
    // caller, at DISPATCH_LEVEL (which its level allows).
    @Test
    void o8_dispatchObjectDeletedAtDispatchIsNotDeferred() {
        FxDriverGlobals globals = drivers.start("o8-inline", VerifierSettings.on());
        CallLog log = new CallLog();
        WdfObject target = create(driver(globals), log.attributes("target"));
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            assertThat(target.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        }
        assertThat(log.names()).containsExactly("cleanup target", "destroy target");
        assertThat(log.calls()).allSatisfy(c -> {
            assertThat(c.irql()).isEqualTo(Irql.DISPATCH_LEVEL);
            assertThat(c.thread()).isEqualTo(Thread.currentThread().getName());
        });
    }

    // O8, O7: a Dispatch object with a Passive descendant deleted at DISPATCH_LEVEL is deferred as a whole, so that
    // the passive descendant is cleaned up at PASSIVE_LEVEL and the order (children first) is kept.
    @Test
    void o8_passiveDescendantDefersTheWholeDeletion() {
        FxDriverGlobals globals = drivers.start("o8-descendant", VerifierSettings.on());
        CallLog log = new CallLog();
        WdfObject top = create(driver(globals), log.attributes("top"));
        WdfObject middle = create(top, log.attributes("middle"));
        create(middle, log.attributes(level(WdfExecutionLevel.PASSIVE), "passive"));
        create(top, log.attributes("sibling"));
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            assertThat(top.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        }
        await().atMost(WAIT).until(() -> fx(top).state() == FxObjectState.DESTROYED);
        assertThat(log.names("cleanup")).containsExactly("sibling", "passive", "middle", "top");
        assertThat(log.calls()).allSatisfy(c -> {
            assertThat(c.irql()).isEqualTo(Irql.PASSIVE_LEVEL);
            assertThat(c.thread()).isEqualTo(passiveThread(globals));
        });
    }

    // O8, O7: when the last reference to a deleted Passive object is released at DISPATCH_LEVEL, its destroy
    // callback is deferred to the passive thread.
    @Test
    void o8_lastDereferenceAtDispatchDefersTheDestroy() {
        FxDriverGlobals globals = drivers.start("o8-deref", VerifierSettings.on());
        CallLog log = new CallLog();
        WdfObject target = create(driver(globals), log.attributes(level(WdfExecutionLevel.PASSIVE), "target"));
        target.reference("io");
        assertThat(target.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(log.calls()).singleElement().satisfies(c -> {
            assertThat(c.toString()).isEqualTo("cleanup target");
            assertThat(c.thread()).isEqualTo(Thread.currentThread().getName()); // deleted at PASSIVE: not deferred
        });
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            target.dereference("io");
        }
        await().atMost(WAIT).until(() -> fx(target).state() == FxObjectState.DESTROYED);
        assertThat(log.calls()).last().satisfies(c -> {
            assertThat(c.toString()).isEqualTo("destroy target");
            assertThat(c.irql()).isEqualTo(Irql.PASSIVE_LEVEL);
            assertThat(c.thread()).isEqualTo(passiveThread(globals));
        });
    }

    // O8, O7: a Passive parent whose last child (a Dispatch object) is destroyed at DISPATCH_LEVEL is itself
    // destroyed on the passive thread; the child, Dispatch, is destroyed at once.
    @Test
    void o8_passiveParentDestroyedAfterADispatchChildIsDeferred() {
        FxDriverGlobals globals = drivers.start("o8-climb", VerifierSettings.on());
        CallLog log = new CallLog();
        WdfObject parent = create(driver(globals), log.attributes(level(WdfExecutionLevel.PASSIVE), "parent"));
        WdfObject child = create(parent, log.attributes(level(WdfExecutionLevel.DISPATCH), "child"));
        child.reference("io");
        assertThat(parent.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(log.names()).containsExactly("cleanup child", "cleanup parent");
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            child.dereference("io");
        }
        await().atMost(WAIT).until(() -> fx(parent).state() == FxObjectState.DESTROYED);
        assertThat(log.names()).containsExactly("cleanup child", "cleanup parent", "destroy child", "destroy parent");
        CallLog.Call destroyChild = log.calls().get(2);
        CallLog.Call destroyParent = log.calls().get(3);
        assertThat(destroyChild.irql()).isEqualTo(Irql.DISPATCH_LEVEL);
        assertThat(destroyChild.thread()).isEqualTo(Thread.currentThread().getName());
        assertThat(destroyParent.irql()).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(destroyParent.thread()).isEqualTo(passiveThread(globals));
    }

    // O8: deferral works from the driver's own passive thread too (DriverEntry raising its IRQL): the deferred
    // cleanup runs after the raising code returns, at PASSIVE_LEVEL.
    @Test
    void o8_deleteAtDispatchOnThePassiveThreadRunsAfterTheCurrentCallback() {
        CallLog log = new CallLog();
        List<Integer> seenInEntry = new CopyOnWriteArrayList<>();
        FxDriverGlobals globals = drivers.start("o8-self", VerifierSettings.on(), d -> {
            WdfObject o = create(d, log.attributes(level(WdfExecutionLevel.PASSIVE), "self"));
            try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
                o.delete();
            }
            seenInEntry.add(log.size());
        });
        await().atMost(WAIT).until(() -> log.size() == 2);
        assertThat(seenInEntry).containsExactly(0);
        assertThat(log.calls()).allSatisfy(c -> assertThat(c.irql()).isEqualTo(Irql.PASSIVE_LEVEL));
        assertThat(globals.liveObjects()).isEqualTo(1);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate not opened within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // O9

    private record EntryResult(List<NtStatus> statuses, List<Throwable> thrown, FxDriverGlobals globals) {
    }

    /** DriverEntry calls WdfDriver.create at {@code irql}, then (if that did not bug check) at PASSIVE_LEVEL. */
    private EntryResult createDriverAt(String name, Irql irql, VerifierSettings verifier) {
        FxDriverGlobals globals = drivers.globals(name, verifier);
        List<NtStatus> statuses = new CopyOnWriteArrayList<>();
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        globals.callDriverEntry((driverObject, path) -> {
            WdfDriverConfig config = WdfDriverConfig.init(null).withUnload(d -> { });
            try (var ignored = Irql.raise(irql)) {
                statuses.add(WdfDriver.create(driverObject, path, WdfObjectAttributes.NONE, config).status());
            } catch (WdfBugCheck b) {
                thrown.add(b);
                return NtStatus.STATUS_UNSUCCESSFUL;
            }
            NtResult<WdfDriver> created = WdfDriver.create(driverObject, path, WdfObjectAttributes.NONE, config);
            statuses.add(created.status());
            return created.status();
        });
        return new EntryResult(statuses, thrown, globals);
    }

    // O9: a method called above its highest level is reported by the verifier (WdfDriverCreate is PASSIVE_LEVEL
    // only): a finding with rule IRQL naming the function and the levels; the call answers
    // STATUS_INVALID_DEVICE_REQUEST and the driver goes on.
    @Test
    void o9_callAboveTheMaximumIrqlIsReportedByTheVerifier() {
        for (Irql irql : List.of(Irql.APC_LEVEL, Irql.DISPATCH_LEVEL)) {
            EntryResult r = createDriverAt("o9-report-" + irql.value(), irql, VerifierSettings.on().withBreakOnError(false));
            assertThat(r.globals().findings()).first().satisfies(f -> {
                assertThat(f.kind()).isEqualTo(Finding.Kind.VIOLATION);
                assertThat(f.rule()).isEqualTo("IRQL");
                assertThat(f.message()).contains("WdfDriverCreate called at " + irql, "PASSIVE_LEVEL or below");
                assertThat(f.stack()).contains("ExecutionLevelTest");
            });
            // D2: for WdfDriverCreate in particular the verifier makes it a bug check even without break on error.
            assertThat(r.thrown()).singleElement().isInstanceOfSatisfying(WdfBugCheck.class,
                    b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_VERIFIER_IRQL_MISMATCH));
            assertThat(r.globals().state()).isEqualTo(FxDriverState.UNLOADED);
        }
    }

    // O9, V1: with break on error the same call is a bug check WDF_VERIFIER_IRQL_MISMATCH and the driver fails.
    @Test
    void o9_callAboveTheMaximumIrqlIsABugCheckWithBreakOnError() {
        EntryResult r = createDriverAt("o9-break", Irql.DISPATCH_LEVEL, VerifierSettings.on());
        assertThat(r.thrown()).singleElement().isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_VERIFIER_IRQL_MISMATCH));
        assertThat(r.globals().failure()).isNotNull();
        assertThat(r.globals().failure().subCode()).isEqualTo(WdfBugCheckCode.WDF_VERIFIER_IRQL_MISMATCH);
        assertThat(r.globals().findings()).extracting(Finding::rule).contains("IRQL", "WDF_VERIFIER_IRQL_MISMATCH");
        assertThat(r.globals().state()).isEqualTo(FxDriverState.UNLOADED);
    }

    // O9, V1: with the verifier off nothing is reported (the call still fails, as WDF always does).
    @Test
    void o9_nothingIsReportedWithTheVerifierOff() {
        EntryResult r = createDriverAt("o9-off", Irql.DISPATCH_LEVEL, VerifierSettings.OFF);
        assertThat(r.statuses()).containsExactly(NtStatus.STATUS_INVALID_DEVICE_REQUEST, NtStatus.STATUS_SUCCESS);
        assertThat(r.globals().findings()).isEmpty();
        assertThat(r.globals().failure()).isNull();
    }

    // O9: the rule holds for object methods too: WdfDriverGetRegistryPath is PASSIVE_LEVEL only (as in KMDF); called
    // at DISPATCH_LEVEL it is reported (a bug check with break on error), and it still answers the path.
    @Test
    void o9_registryPathAbovePassiveIsReported() {
        FxDriverGlobals report = drivers.start("o9-path", VerifierSettings.on().withBreakOnError(false));
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            assertThat(driver(report).registryPath()).isEqualTo(TestDrivers.REGISTRY_ROOT + "o9-path");
        }
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("IRQL");
            assertThat(f.object()).isEqualTo("WDFDRIVER o9-path");
            assertThat(f.message()).contains("WdfDriverGetRegistryPath called at DISPATCH_LEVEL");
        });
        assertThat(driver(report).registryPath()).isEqualTo(TestDrivers.REGISTRY_ROOT + "o9-path");
        assertThat(report.findings()).hasSize(1);

        FxDriverGlobals breaking = drivers.start("o9-path-break", VerifierSettings.on());
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            assertThatThrownBy(() -> driver(breaking).registryPath()).isInstanceOfSatisfying(WdfBugCheck.class,
                    b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_VERIFIER_IRQL_MISMATCH));
        }
        assertThat(breaking.failure()).isNotNull();
    }

    // O9: calls at or below their highest level are not reported: the object methods are DISPATCH_LEVEL methods.
    @Test
    void o9_callsAtTheirMaximumIrqlAreNotReported() {
        FxDriverGlobals globals = drivers.start("o9-ok", VerifierSettings.on());
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            WdfObject o = create(driver(globals));
            o.reference("t");
            o.dereference("t");
            assertThat(o.allocateContext(org.wdf4j.object.ContextType.declare(String.class, () -> "x")).isSuccess()).isTrue();
            assertThat(driver(globals).driverName()).isEqualTo("o9-ok");
            assertThat(driver(globals).poolTag()).isNotZero();
            assertThat(o.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
        }
        assertThat(globals.findings()).isEmpty();
        assertThat(globals.failure()).isNull();
    }
}
