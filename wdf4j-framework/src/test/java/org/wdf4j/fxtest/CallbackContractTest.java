package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wdf4j.fxtest.TestDrivers.create;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.Irql;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfObjectAttributes;

/** What the framework guarantees around each call into a driver, and the journal's limits. */
class CallbackContractTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    // U4, O7: a callback that returns above the level it was called at is reported, and the framework goes on at the
    // level it called at: EvtDriverUnload still runs at PASSIVE_LEVEL after a DriverEntry that left DISPATCH_LEVEL raised.
    @Test
    void u4_callbackReturningAtAnotherLevelIsReportedAndTheLevelRestored() {
        List<Irql> unloadLevels = new CopyOnWriteArrayList<>();
        FxDriverGlobals globals = drivers.globals("irql-leak", VerifierSettings.OFF);
        FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, path) -> {
            NtStatus status = WdfDriver.create(driverObject, path, WdfObjectAttributes.NONE,
                    WdfDriverConfig.init(null).withUnload(d -> unloadLevels.add(Irql.current()))).status();
            Irql.raise(Irql.DISPATCH_LEVEL); // never lowered: a driver bug
            return status;
        });
        assertThat(outcome.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(globals.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.VIOLATION);
            assertThat(f.rule()).isEqualTo("IRQL");
            assertThat(f.message()).contains("returned at DISPATCH_LEVEL but was called at PASSIVE_LEVEL");
        });
        globals.stop();
        assertThat(unloadLevels).containsExactly(Irql.PASSIVE_LEVEL);
    }

    // U9: past the journal's limit the newest entries are kept, so the unload is always in the report; one entry says
    // how many were dropped between the first entries and the newest.
    @Test
    void u9_journalKeepsItsFirstAndNewestEntries() {
        FxDriverGlobals globals = drivers.start("journal", VerifierSettings.OFF, driver -> { });
        WdfDriver driver = TestDrivers.driver(globals);
        WdfObjectAttributes withCleanup = WdfObjectAttributes.NONE.withParent(driver).withCleanup(o -> { });
        for (int i = 0; i < 20_000; i++) {
            create(driver, withCleanup).delete();
        }
        globals.stop();
        List<JournalEntry> journal = globals.journal();
        assertThat(journal.getFirst().kind()).isEqualTo(JournalEntry.Kind.DRIVER_ENTRY);
        assertThat(journal).filteredOn(e -> e.kind() == JournalEntry.Kind.DROPPED).singleElement()
                .satisfies(e -> assertThat(e.toString()).matches("\\.\\.\\. \\d+ entries not kept"));
        assertThat(journal.getLast().kind()).as("the unload is the newest entry (the driver object has no callbacks)")
                .isEqualTo(JournalEntry.Kind.EVT_DRIVER_UNLOAD);
        assertThat(journal).hasSize(10_001);
    }
}
