package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.wdf4j.fxtest.TestDrivers.create;
import static org.wdf4j.fxtest.TestDrivers.fx;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.FxDriverState.Event;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/** The driver state table as data, and framework-level checks of U3, U4, U6 and D3 (the host tests cover them fully). */
class DriverStateTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    @Test
    void driverStateTableIsConsistent() {
        Set<String> pairs = new HashSet<>();
        for (FxDriverState.Transition t : FxDriverState.TABLE) {
            assertThat(pairs.add(t.from() + "/" + t.event())).as("one row per (state, event): %s", t).isTrue();
            assertThat(t.from().next(t.event())).isEqualTo(t.to());
        }
        for (FxDriverState s : FxDriverState.values()) {
            for (Event e : Event.values()) {
                if (!pairs.contains(s + "/" + e)) {
                    assertThat(s.next(e)).as("%s --%s-->", s, e).isNull();
                }
            }
        }
        for (Event e : Event.values()) {
            assertThat(FxDriverState.UNLOADED.next(e)).as("UNLOADED is final").isNull();
            assertThat(FxDriverState.ABANDONED.next(e)).as("ABANDONED is final").isNull();
        }
        for (FxDriverState s : EnumSet.complementOf(EnumSet.of(FxDriverState.UNLOADED, FxDriverState.ABANDONED))) {
            assertThat(s.next(Event.HUNG)).as("%s can hang", s).isEqualTo(FxDriverState.ABANDONED);
        }
    }

    // U4, U6: a normal life: LOADED, STARTED, UNLOADED; EvtDriverUnload at PASSIVE_LEVEL on the passive thread
    // while the tree is alive, then the cleanups (children first), then the destroys, the driver object's last.
    @Test
    void u4_u6_normalLifeFollowsTheTable() {
        FxDriverGlobals globals = drivers.globals("life", VerifierSettings.on());
        assertThat(globals.state()).isEqualTo(FxDriverState.LOADED);
        CallLog log = new CallLog();
        List<String> unload = new CopyOnWriteArrayList<>();
        FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, path) -> {
            NtResult<WdfDriver> d = WdfDriver.create(driverObject, path, log.attributes("driver"),
                    WdfDriverConfig.init(null).withUnload(driver -> unload.add(Irql.current() + " "
                            + Thread.currentThread().getName() + " children=" + fx(driver).children().size()
                            + " " + fx(fx(driver).children().getFirst()).state())));
            create(d.value(), log.attributes("child"));
            return d.status();
        });
        assertThat(outcome.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(globals.state()).isEqualTo(FxDriverState.STARTED);

        FxDriverGlobals.StopOutcome stop = globals.stop();
        assertThat(stop.refused()).isFalse();
        assertThat(stop.hung()).isFalse();
        assertThat(globals.state()).isEqualTo(FxDriverState.UNLOADED);
        assertThat(globals.evtDriverUnloadCalled()).isTrue();
        assertThat(unload).containsExactly("PASSIVE_LEVEL wdf4j-life-passive children=1 CREATED");
        assertThat(log.names()).containsExactly("cleanup child", "cleanup driver", "destroy child", "destroy driver");
        assertThat(globals.journal()).extracting(JournalEntry::kind).containsExactly(
                JournalEntry.Kind.DRIVER_ENTRY, JournalEntry.Kind.DRIVER_ENTRY_RETURNED, JournalEntry.Kind.EVT_DRIVER_UNLOAD,
                JournalEntry.Kind.CLEANUP, JournalEntry.Kind.CLEANUP, JournalEntry.Kind.DESTROY, JournalEntry.Kind.DESTROY);
        assertThat(globals.liveObjects()).isZero();
        assertThat(globals.stop().refused()).as("a second stop does nothing").isTrue();
        assertThat(unload).hasSize(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> !globals.passiveThread().isAlive());
    }

    // U3: a DriverEntry that fails after creating the driver object never gets EvtDriverUnload, but its objects
    // are cleaned up and destroyed as at a normal unload, and its passive thread ends.
    @Test
    void u3_failedDriverEntryTearsDownWithoutUnload() {
        FxDriverGlobals globals = drivers.globals("failed-entry", VerifierSettings.on());
        CallLog log = new CallLog();
        List<String> unload = new CopyOnWriteArrayList<>();
        FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, path) -> {
            NtResult<WdfDriver> d = WdfDriver.create(driverObject, path, log.attributes("driver"),
                    WdfDriverConfig.init(null).withUnload(driver -> unload.add("MUST NOT RUN")));
            create(d.value(), log.attributes("child"));
            return NtStatus.STATUS_INSUFFICIENT_RESOURCES;
        });
        assertThat(outcome.status()).isEqualTo(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
        assertThat(outcome.driverObjectCreated()).isTrue();
        assertThat(globals.state()).isEqualTo(FxDriverState.UNLOADED);
        assertThat(unload).isEmpty();
        assertThat(globals.evtDriverUnloadCalled()).isFalse();
        assertThat(log.names()).containsExactly("cleanup child", "cleanup driver", "destroy child", "destroy driver");
        assertThat(fx(globals.driverObject()).state()).isEqualTo(FxObjectState.DESTROYED);
        await().atMost(Duration.ofSeconds(20)).until(() -> !globals.passiveThread().isAlive());
    }

    // D3: when WdfDriver.create fails, none of the callbacks given to it ever runs, and a retry is not refused.
    @Test
    void d3_failedDriverCreateRunsNoCallbackAndMayBeRetried() {
        WdfObject someParent = TestDrivers.driver(drivers.start("d3-other", VerifierSettings.OFF));
        FxDriverGlobals globals = drivers.globals("d3", VerifierSettings.on());
        CallLog failed = new CallLog();
        CallLog kept = new CallLog();
        List<String> unloads = new CopyOnWriteArrayList<>();
        List<NtStatus> statuses = new CopyOnWriteArrayList<>();
        globals.callDriverEntry((driverObject, path) -> {
            // The driver object may not have a parent (D2): this first call fails.
            NtResult<WdfDriver> first = WdfDriver.create(driverObject, path,
                    failed.attributes("failed").withParent(someParent),
                    WdfDriverConfig.init(null).withUnload(d -> unloads.add("failed")));
            statuses.add(first.status());
            NtResult<WdfDriver> second = WdfDriver.create(driverObject, path, kept.attributes("driver"),
                    WdfDriverConfig.init(null).withUnload(d -> unloads.add("kept")));
            statuses.add(second.status());
            return second.status();
        });
        assertThat(statuses).containsExactly(NtStatus.STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED, NtStatus.STATUS_SUCCESS);
        globals.stop();
        assertThat(unloads).containsExactly("kept");
        assertThat(failed.size()).isZero();
        assertThat(kept.names()).containsExactly("cleanup driver", "destroy driver");
    }
}
