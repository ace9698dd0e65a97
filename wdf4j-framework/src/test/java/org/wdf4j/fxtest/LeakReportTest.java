package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wdf4j.fxtest.TestDrivers.create;
import static org.wdf4j.fxtest.TestDrivers.driver;
import static org.wdf4j.fxtest.TestDrivers.fx;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfObject;

/** V2: the leak report at unload. */
class LeakReportTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    private static List<Finding> leaks(FxDriverGlobals globals) {
        return globals.findings().stream().filter(f -> f.kind() == Finding.Kind.LEAK).toList();
    }

    // V2: with the verifier on, an object still referenced at unload is reported with the stack where it was
    // created and every reference still held, with its tag; it is abandoned (never destroyed), while everything
    // else, the driver object last, is cleaned up and destroyed as usual.
    @Test
    void v2_leakIsReportedWithCreationStackAndHeldTags() {
        CallLog log = new CallLog();
        AtomicReference<WdfObject> leaked = new AtomicReference<>();
        FxDriverGlobals globals = drivers.start("v2-leak", VerifierSettings.on(), log.attributes("driver"), d -> {
            leaked.set(createLeakedObjectInDriverEntry(d, log));
            create(d, log.attributes("clean"));
        });
        WdfObject cache = leaked.get();
        cache.reference();
        globals.stop();

        assertThat(leaks(globals)).singleElement().satisfies(leak -> {
            assertThat(leak.rule()).isEqualTo("framework object");
            assertThat(leak.object()).isEqualTo(cache.toString());
            assertThat(leak.message()).contains(cache + " is still referenced (2 references: 'driver-cache' x1, <untagged> x1)");
            assertThat(leak.stack()).as("creation stack").startsWith("\tat org.wdf4j.fxtest.")
                    .containsSubsequence("LeakReportTest.createLeakedObjectInDriverEntry",
                            "LeakReportTest.lambda$v2_leakIsReportedWithCreationStackAndHeldTags");
        });
        assertThat(globals.journal()).filteredOn(e -> e.kind() == JournalEntry.Kind.LEAK).singleElement()
                .satisfies(e -> assertThat(e.detail()).contains("'driver-cache' x1"));
        assertThat(fx(cache).state()).isEqualTo(FxObjectState.ABANDONED);
        assertThat(log.names()).containsExactly("cleanup clean", "cleanup leaked", "cleanup driver",
                "destroy clean", "destroy driver");
        assertThat(globals.liveObjects()).isZero();
        assertThat(globals.state()).isEqualTo(FxDriverState.UNLOADED);
    }

    private static WdfObject createLeakedObjectInDriverEntry(WdfObject driver, CallLog log) {
        WdfObject cache = create(driver, log.attributes("leaked"));
        cache.reference("driver-cache");
        return cache;
    }

    // V2: every object still alive is reported, a leaked child before its leaked parent; a child that is not
    // referenced itself is destroyed normally under a leaked parent.
    @Test
    void v2_everyLeakedObjectIsReportedChildrenFirst() {
        FxDriverGlobals globals = drivers.start("v2-nested", VerifierSettings.on());
        CallLog log = new CallLog();
        WdfObject parent = create(driver(globals), log.attributes("parent"));
        WdfObject child = create(parent, log.attributes("child"));
        create(parent, log.attributes("free"));
        parent.reference("p");
        child.reference("c");
        globals.stop();

        assertThat(leaks(globals)).extracting(Finding::object).containsExactly(child.toString(), parent.toString());
        assertThat(leaks(globals).get(0).message()).contains("'c' x1");
        assertThat(leaks(globals).get(1).message()).contains("'p' x1");
        assertThat(log.names("destroy")).containsExactly("free");
        assertThat(fx(parent).state()).isEqualTo(FxObjectState.ABANDONED);
        assertThat(fx(child).state()).isEqualTo(FxObjectState.ABANDONED);
        assertThat(globals.liveObjects()).isZero();
    }

    // V2, V1: with the verifier off the leak is still found (its reference count is known), but the report says
    // that the creation stack was not recorded, and tags are not tracked.
    @Test
    void v2_verifierOffReportsTheLeakWithoutStackOrTags() {
        FxDriverGlobals globals = drivers.start("v2-off", VerifierSettings.OFF);
        WdfObject object = create(driver(globals));
        object.reference("tag");
        globals.stop();
        assertThat(leaks(globals)).singleElement().satisfies(leak -> {
            assertThat(leak.message()).contains("still referenced (1 reference)").doesNotContain("'tag'");
            assertThat(leak.stack()).isEqualTo("(not recorded: turn the verifier on to record where objects are created)");
        });
    }

    // V2: a driver that releases everything has no leak report.
    @Test
    void v2_noLeakNoReport() {
        FxDriverGlobals globals = drivers.start("v2-clean", VerifierSettings.on());
        WdfObject object = create(driver(globals));
        object.reference("tag");
        object.dereference("tag");
        globals.stop();
        assertThat(globals.findings()).isEmpty();
        assertThat(globals.journal()).noneMatch(e -> e.kind() == JournalEntry.Kind.LEAK);
        assertThat(fx(object).state()).isEqualTo(FxObjectState.DESTROYED);
    }

    // V2: the driver object itself, when the driver keeps a reference on it, is reported too.
    @Test
    void v2_leakedDriverObjectIsReported() {
        FxDriverGlobals globals = drivers.start("v2-driver", VerifierSettings.on());
        driver(globals).reference("self");
        globals.stop();
        assertThat(leaks(globals)).singleElement().satisfies(leak -> {
            assertThat(leak.object()).isEqualTo("WDFDRIVER v2-driver");
            assertThat(leak.message()).contains("'self' x1");
        });
        assertThat(globals.liveObjects()).isZero();
    }
}
