package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wdf4j.fxtest.TestDrivers.create;
import static org.wdf4j.fxtest.TestDrivers.driver;
import static org.wdf4j.fxtest.TestDrivers.fx;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfObject;

/** O5 (and D5): the driver object cannot be deleted by the driver. */
class DriverObjectDeleteTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    // O5, D5: deleting the driver object does nothing and answers STATUS_CANNOT_DELETE; the attempt is reported
    // as a finding even with the verifier off, and the driver object and its children stay alive and usable.
    @Test
    void o5_driverObjectCannotBeDeleted() {
        CallLog log = new CallLog();
        FxDriverGlobals globals = drivers.start("o5-off", VerifierSettings.OFF, log.attributes("driver"), d -> { });
        WdfDriver driver = driver(globals);
        WdfObject child = create(driver, log.attributes("child"));

        assertThat(driver.delete()).isEqualTo(NtStatus.STATUS_CANNOT_DELETE);
        assertUnchanged(globals, driver, child, log);
        assertThat(globals.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.VIOLATION);
            assertThat(f.rule()).isEqualTo("STATUS_CANNOT_DELETE");
            assertThat(f.object()).isEqualTo("WDFDRIVER o5-off");
            assertThat(f.stack()).contains("DriverObjectDeleteTest.o5_driverObjectCannotBeDeleted");
        });
        assertThat(globals.journal()).anyMatch(e -> e.kind() == JournalEntry.Kind.VIOLATION
                && e.detail().startsWith("STATUS_CANNOT_DELETE"));
        assertThat(globals.failure()).isNull();

        // The framework still deletes it at unload.
        globals.stop();
        assertThat(log.names()).containsExactly("cleanup child", "cleanup driver", "destroy child", "destroy driver");
    }

    // O5, V1: with the verifier on but not breaking on errors, the same: reported only.
    @Test
    void o5_driverObjectCannotBeDeletedReportOnly() {
        CallLog log = new CallLog();
        FxDriverGlobals globals = drivers.start("o5-report", VerifierSettings.on().withBreakOnError(false),
                log.attributes("driver"), d -> { });
        WdfDriver driver = driver(globals);
        WdfObject child = create(driver, log.attributes("child"));
        assertThat(driver.delete()).isEqualTo(NtStatus.STATUS_CANNOT_DELETE);
        assertUnchanged(globals, driver, child, log);
        assertThat(globals.findings()).singleElement().extracting(Finding::rule).isEqualTo("STATUS_CANNOT_DELETE");
        assertThat(globals.failure()).isNull();
    }

    // O5, D5, V1: with the verifier breaking on errors it is a bug check, and still nothing is deleted.
    @Test
    void o5_deletingTheDriverObjectIsABugCheckWithBreakOnError() {
        CallLog log = new CallLog();
        FxDriverGlobals globals = drivers.start("o5-break", VerifierSettings.on(), log.attributes("driver"), d -> { });
        WdfDriver driver = driver(globals);
        WdfObject child = create(driver, log.attributes("child"));

        assertThatThrownBy(driver::delete).isInstanceOfSatisfying(WdfBugCheck.class, b -> {
            assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_OBJECT_ERROR);
            assertThat(b.getMessage()).contains("STATUS_CANNOT_DELETE");
        });
        assertUnchanged(globals, driver, child, log);
        assertThat(globals.failure()).isNotNull();
        assertThat(globals.findings()).extracting(Finding::kind)
                .containsExactly(Finding.Kind.VIOLATION, Finding.Kind.BUG_CHECK);
    }

    // O5: DriverEntry gets the same answer.
    @Test
    void o5_driverObjectCannotBeDeletedFromDriverEntry() {
        java.util.List<NtStatus> answered = new java.util.concurrent.CopyOnWriteArrayList<>();
        FxDriverGlobals globals = drivers.start("o5-entry", VerifierSettings.OFF, d -> answered.add(d.delete()));
        assertThat(answered).containsExactly(NtStatus.STATUS_CANNOT_DELETE);
        assertThat(fx(driver(globals)).state()).isEqualTo(FxObjectState.CREATED);
    }

    private static void assertUnchanged(FxDriverGlobals globals, WdfDriver driver, WdfObject child, CallLog log) {
        assertThat(fx(driver).state()).isEqualTo(FxObjectState.CREATED);
        assertThat(fx(driver).referenceCount()).isEqualTo(1);
        assertThat(fx(child).state()).isEqualTo(FxObjectState.CREATED);
        assertThat(fx(driver).children()).containsExactly(fx(child));
        assertThat(log.size()).isZero();
        assertThat(globals.liveObjects()).isEqualTo(2);
        assertThat(driver.driverName()).isEqualTo(globals.name());
        WdfObject another = create(driver);
        assertThat(fx(another).parent()).isSameAs(driver);
        assertThat(another.delete()).isEqualTo(NtStatus.STATUS_SUCCESS);
    }
}
