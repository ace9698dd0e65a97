package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.wdf4j.fxtest.TestDrivers.create;
import static org.wdf4j.fxtest.TestDrivers.driver;
import static org.wdf4j.fxtest.TestDrivers.fx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
import org.wdf4j.framework.VerifierSettings.AllocateFail;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/** V1: every verifier setting has an effect. */
class VerifierSettingsTest {

    private static final Duration SHORT_WAIT = Duration.ofMillis(300);

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    // V1: the defaults: off is off; on() breaks on errors; neither tracks handles, injects failures or limits
    // objects; the wait timeout is 60 s.
    @Test
    void v1_defaults() {
        assertThat(VerifierSettings.OFF.enabled()).isFalse();
        assertThat(VerifierSettings.on().enabled()).isTrue();
        assertThat(VerifierSettings.on().breakOnError()).isTrue();
        for (VerifierSettings s : List.of(VerifierSettings.OFF, VerifierSettings.on())) {
            assertThat(s.trackHandles()).isEmpty();
            assertThat(s.allocateFail()).isEqualTo(AllocateFail.NONE);
            assertThat(s.objectLeakLimit()).isZero();
            assertThat(s.waitTimeout()).isEqualTo(Duration.ofSeconds(60)).isEqualTo(VerifierSettings.DEFAULT_WAIT_TIMEOUT);
            assertThat(s.interleavingDelays()).isEqualTo(VerifierSettings.InterleavingDelays.OFF);
            assertThat(s.interleavingDelays().on()).isFalse();
        }
        assertThat(VerifierSettings.InterleavingDelays.seeded(42).on()).isTrue();
        assertThat(VerifierSettings.on().withInterleavingDelays(VerifierSettings.InterleavingDelays.seeded(42))
                .withWaitTimeout(Duration.ofSeconds(3)).interleavingDelays().seed()).as("kept by the other withers")
                .isEqualTo(42);
        assertThat(VerifierSettings.OFF.withTrackHandles("*").tracks("WDFOBJECT"))
                .as("handle tracking needs the verifier on").isFalse();
        assertThat(VerifierSettings.on().withTrackHandles("WDFOBJECT").tracks("WDFOBJECT")).isTrue();
        assertThat(VerifierSettings.on().withTrackHandles("WDFOBJECT").tracks("WDFDRIVER")).isFalse();
        assertThat(VerifierSettings.on().withTrackHandles("*").tracks("WDFDRIVER")).isTrue();
    }

    // V1: settings that make no sense are refused.
    @Test
    void v1_invalidSettingsAreRefused() {
        assertThatThrownBy(() -> VerifierSettings.on().withObjectLeakLimit(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VerifierSettings.on().withWaitTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VerifierSettings.on().withWaitTimeout(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AllocateFail.only(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AllocateFail.after(-2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VerifierSettings.InterleavingDelays(1, Duration.ofMillis(1), 101))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VerifierSettings.InterleavingDelays(1, Duration.ofMillis(-1), 50))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VerifierSettings(true, true, Set.of(), 0, AllocateFail.NONE, 0,
                VerifierSettings.DEFAULT_WAIT_TIMEOUT)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------------------------------------
    // Allocate-fail

    // V1: allocate-fail after N: creation calls 1..N succeed (the driver object's own creation is call 1), every
    // later one answers STATUS_INSUFFICIENT_RESOURCES and creates nothing; with the verifier on or off.
    @Test
    void v1_allocateFailAfterN() {
        for (VerifierSettings base : List.of(VerifierSettings.OFF, VerifierSettings.on())) {
            String name = "v1-after-" + (base.enabled() ? "on" : "off");
            CallLog log = new CallLog();
            FxDriverGlobals globals = drivers.start(name, base.withAllocateFail(AllocateFail.after(3)));
            List<NtStatus> statuses = new ArrayList<>();
            for (int call = 2; call <= 6; call++) {
                statuses.add(WdfObject.create(log.attributes(Integer.toString(call)).withParent(driver(globals))).status());
            }
            assertThat(statuses).as(name).containsExactly(NtStatus.STATUS_SUCCESS, NtStatus.STATUS_SUCCESS,
                    NtStatus.STATUS_INSUFFICIENT_RESOURCES, NtStatus.STATUS_INSUFFICIENT_RESOURCES,
                    NtStatus.STATUS_INSUFFICIENT_RESOURCES);
            assertThat(globals.liveObjects()).isEqualTo(3);
            assertThat(fx(driver(globals)).children()).hasSize(2);
            globals.stop();
            assertThat(log.names("destroy")).as("callbacks of failed creations never run").containsExactly("3", "2");
        }
    }

    // V1: fail-only-the-Nth: only creation call N fails; the calls before and after it succeed.
    @Test
    void v1_allocateFailOnlyTheNth() {
        FxDriverGlobals globals = drivers.start("v1-only", VerifierSettings.on().withAllocateFail(AllocateFail.only(3)));
        List<NtStatus> statuses = new ArrayList<>();
        for (int call = 2; call <= 5; call++) {
            statuses.add(WdfObject.create(WdfObjectAttributes.NONE.withParent(driver(globals))).status());
        }
        assertThat(statuses).containsExactly(NtStatus.STATUS_SUCCESS, NtStatus.STATUS_INSUFFICIENT_RESOURCES,
                NtStatus.STATUS_SUCCESS, NtStatus.STATUS_SUCCESS);
        assertThat(globals.liveObjects()).isEqualTo(4);
        // the journal says which call was failed (how wdf4j verify knows a run failed one)
        assertThat(globals.journal()).filteredOn(e -> e.kind() == org.wdf4j.framework.JournalEntry.Kind.FAULT_INJECTED)
                .singleElement().satisfies(e -> {
                    assertThat(e.subject()).isEqualTo("WdfObjectCreate");
                    assertThat(e.detail()).isEqualTo("creation call 3 failed with STATUS_INSUFFICIENT_RESOURCES");
                });
    }

    // V1: allocate-fail counts the driver object's creation: after(0) and only(1) fail WdfDriverCreate, and the
    // driver does not load; only(1) lets a retry succeed.
    @Test
    void v1_allocateFailCountsTheDriverObject() {
        for (AllocateFail fail : List.of(AllocateFail.after(0), AllocateFail.only(1))) {
            FxDriverGlobals globals = drivers.globals("v1-driver-" + (fail.onlyNth() ? "only" : "after"),
                    VerifierSettings.OFF.withAllocateFail(fail));
            List<NtStatus> statuses = new ArrayList<>();
            FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, path) -> {
                for (int attempt = 0; attempt < 2; attempt++) {
                    statuses.add(WdfDriver.create(driverObject, path, WdfObjectAttributes.NONE,
                            WdfDriverConfig.init(null).withUnload(d -> { })).status());
                }
                return statuses.getLast();
            });
            if (fail.onlyNth()) {
                assertThat(statuses).containsExactly(NtStatus.STATUS_INSUFFICIENT_RESOURCES, NtStatus.STATUS_SUCCESS);
                assertThat(globals.state()).isEqualTo(FxDriverState.STARTED);
            } else {
                assertThat(statuses).containsExactly(NtStatus.STATUS_INSUFFICIENT_RESOURCES,
                        NtStatus.STATUS_INSUFFICIENT_RESOURCES);
                assertThat(outcome.status()).isEqualTo(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
                assertThat(outcome.driverObjectCreated()).isFalse();
                assertThat(globals.state()).isEqualTo(FxDriverState.UNLOADED);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Object leak limit

    // V1: creating more objects than the object leak limit (the driver object included) is a violation; it is
    // reported at each creation beyond the limit, and no longer once objects are deleted.
    @Test
    void v1_objectLeakLimitExceededIsAViolation() {
        FxDriverGlobals globals = drivers.start("v1-leak-limit",
                VerifierSettings.on().withBreakOnError(false).withObjectLeakLimit(3));
        WdfObject a = create(driver(globals));
        WdfObject b = create(driver(globals));
        assertThat(globals.findings()).isEmpty();
        WdfObject c = create(driver(globals));
        assertThat(globals.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.VIOLATION);
            assertThat(f.rule()).isEqualTo("ObjectLeakLimit");
            assertThat(f.object()).as("checked before the object is made: the violation names its parent")
                    .isEqualTo(driver(globals).toString());
            assertThat(f.message()).contains("WdfObjectCreate would give the driver 4 framework objects",
                    "object leak limit of 3");
        });
        assertThat(globals.failure()).isNull();
        create(driver(globals));
        assertThat(globals.findings()).hasSize(2);

        for (WdfObject o : fx(driver(globals)).children()) {
            o.delete();
        }
        assertThat(List.of(a, b, c)).allMatch(o -> fx(o).state() == FxObjectState.DESTROYED);
        create(driver(globals));
        create(driver(globals));
        assertThat(globals.findings()).hasSize(2);
    }

    // V1: with break on error, exceeding the object leak limit is a bug check.
    @Test
    void v1_objectLeakLimitWithBreakOnErrorIsABugCheck() {
        FxDriverGlobals globals = drivers.start("v1-leak-limit-break", VerifierSettings.on().withObjectLeakLimit(2));
        create(driver(globals));
        assertThatThrownBy(() -> WdfObject.create(WdfObjectAttributes.NONE.withParent(driver(globals))))
                .isInstanceOfSatisfying(WdfBugCheck.class, b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_OBJECT_ERROR));
        assertThat(globals.failure()).isNotNull();
        assertThat(fx(driver(globals)).children()).as("nothing half-made is left in the tree").hasSize(1);
    }

    // V1: the object leak limit is a verifier check: with the verifier off it is not applied.
    @Test
    void v1_objectLeakLimitNeedsTheVerifier() {
        FxDriverGlobals globals = drivers.start("v1-leak-limit-off", VerifierSettings.OFF.withObjectLeakLimit(1));
        create(driver(globals));
        create(driver(globals));
        assertThat(globals.findings()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Break on error, on/off

    // V1: break on error decides whether a violation stops the driver (bug check) or is only reported; with the
    // verifier off the same misuse is not even checked.
    @Test
    void v1_breakOnErrorVersusReportOnlyVersusOff() {
        record Outcome(String thrown, List<String> findings, boolean failed) {
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (VerifierSettings settings : List.of(VerifierSettings.on().withTrackHandles("*"),
                VerifierSettings.on().withBreakOnError(false).withTrackHandles("*"), VerifierSettings.OFF.withTrackHandles("*"))) {
            FxDriverGlobals globals = drivers.start("v1-break-" + outcomes.size(), settings);
            WdfObject o = create(driver(globals));
            o.reference("a");
            String thrown = "";
            try {
                o.dereference("b");
            } catch (WdfBugCheck b) {
                thrown = b.subCode().name();
            }
            outcomes.add(new Outcome(thrown, globals.findings().stream().map(f -> f.kind() + " " + f.rule()).toList(),
                    globals.failure() != null));
        }
        assertThat(outcomes).containsExactly(
                new Outcome("WDF_OBJECT_ERROR", List.of("VIOLATION WDF_OBJECT_ERROR", "BUG_CHECK WDF_OBJECT_ERROR"), true),
                new Outcome("", List.of("VIOLATION WDF_OBJECT_ERROR"), false),
                new Outcome("", List.of(), false));
    }

    // V1, V2: with the verifier off no creation stack is recorded: the leak report says so.
    @Test
    void v1_verifierOffRecordsNoCreationStacks() {
        FxDriverGlobals off = drivers.start("v1-stacks-off", VerifierSettings.OFF);
        FxDriverGlobals on = drivers.start("v1-stacks-on", VerifierSettings.on());
        for (FxDriverGlobals globals : List.of(off, on)) {
            create(driver(globals)).reference("leak");
            globals.stop();
        }
        Finding offLeak = off.findings().stream().filter(f -> f.kind() == Finding.Kind.LEAK).findFirst().orElseThrow();
        Finding onLeak = on.findings().stream().filter(f -> f.kind() == Finding.Kind.LEAK).findFirst().orElseThrow();
        assertThat(offLeak.stack()).contains("not recorded").doesNotContain("VerifierSettingsTest");
        assertThat(onLeak.stack()).contains("VerifierSettingsTest.v1_verifierOffRecordsNoCreationStacks");
    }

    // ---------------------------------------------------------------------------------------------
    // Wait timeout

    // V1: the wait timeout bounds DriverEntry: one that blocks longer is reported as hung (with the stack of the
    // stuck thread), and the driver is abandoned. When the blocked callback finally returns, the driver's passive
    // thread ends, so that it does not keep running (and keep the driver's class loader) forever.
    @Test
    void v1_waitTimeoutAbandonsAHungDriverEntry() throws Exception {
        FxDriverGlobals globals = drivers.globals("v1-hung-entry", VerifierSettings.on().withWaitTimeout(SHORT_WAIT));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        try {
            long start = System.nanoTime();
            FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, path) -> {
                try {
                    WdfDriver.create(driverObject, path, WdfObjectAttributes.NONE, WdfDriverConfig.init(null));
                    blockUntil(release);
                    return NtStatus.STATUS_SUCCESS;
                } finally {
                    returned.countDown();
                }
            });
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(outcome.hung()).isTrue();
            assertThat(outcome.driverObjectCreated()).isTrue();
            assertThat(outcome.status().isSuccess()).isFalse();
            assertThat(waitedMillis).isBetween(SHORT_WAIT.toMillis() - 50, 30_000L);
            assertThat(globals.state()).isEqualTo(FxDriverState.ABANDONED);
            assertThat(globals.findings()).anySatisfy(f -> {
                assertThat(f.rule()).isEqualTo("HUNG");
                assertThat(f.message()).contains("DriverEntry", "PT0.3S");
                assertThat(f.stack()).contains("wdf4j-v1-hung-entry-passive", "VerifierSettingsTest.blockUntil");
            });
            assertThat(globals.stop().refused()).as("an abandoned driver is not stopped").isTrue();
        } finally {
            release.countDown();
        }
        assertThat(returned.await(30, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(globals.passiveThread().isAlive()).as("passive thread of an abandoned driver").isFalse());
        assertThat(globals.state()).as("a late return does not revive the driver").isEqualTo(FxDriverState.ABANDONED);
        assertThat(globals.passiveThread().getContextClassLoader()).isNull();
    }

    // V1: the wait timeout bounds the unload as well.
    @Test
    void v1_waitTimeoutAbandonsAHungUnload() throws Exception {
        FxDriverGlobals globals = drivers.globals("v1-hung-unload", VerifierSettings.on().withWaitTimeout(SHORT_WAIT));
        CountDownLatch release = new CountDownLatch(1);
        CallLog log = new CallLog();
        try {
            FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, path) -> WdfDriver.create(
                    driverObject, path, log.attributes("driver"),
                    WdfDriverConfig.init(null).withUnload(d -> blockUntil(release))).status());
            assertThat(outcome.hung()).isFalse();
            FxDriverGlobals.StopOutcome stop = globals.stop();
            assertThat(stop.hung()).isTrue();
            assertThat(stop.refused()).isFalse();
            assertThat(globals.state()).isEqualTo(FxDriverState.ABANDONED);
            assertThat(globals.findings()).anySatisfy(f -> {
                assertThat(f.rule()).isEqualTo("HUNG");
                assertThat(f.message()).contains("the unload");
            });
            assertThat(log.size()).as("nothing is torn down while the unload is stuck").isZero();
        } finally {
            release.countDown();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> assertThat(globals.passiveThread().isAlive()).as("passive thread of an abandoned driver").isFalse());
    }

    private static void blockUntil(CountDownLatch latch) {
        try {
            if (!latch.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // V1: a DriverEntry within the wait timeout is not hung.
    @Test
    void v1_driverEntryWithinTheWaitTimeoutIsNotHung() {
        FxDriverGlobals globals = drivers.globals("v1-not-hung", VerifierSettings.on().withWaitTimeout(Duration.ofSeconds(30)));
        NtResult<?>[] created = new NtResult<?>[1];
        FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, path) -> {
            created[0] = WdfDriver.create(driverObject, path, WdfObjectAttributes.NONE, WdfDriverConfig.init(null).withUnload(d -> { }));
            return created[0].status();
        });
        assertThat(outcome.hung()).isFalse();
        assertThat(outcome.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(globals.state()).isEqualTo(FxDriverState.STARTED);
    }
}
