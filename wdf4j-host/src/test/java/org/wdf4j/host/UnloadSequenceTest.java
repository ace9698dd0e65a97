package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.wdf4j.driver.EvtDriverUnload;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;

/**
 * The unload sequence (U1-U9), through real driver packages in isolated class loaders; H1, H8: the whole class runs
 * once per hosting model, in the host's process, in a driver host of the driver's own and in the pool's, with the same
 * assertions except how the release of the driver's code is proven (its class loader's collection in-process, the
 * driver host's exit isolated).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(HostingModel.class)
class UnloadSequenceTest {

    @Parameter
    HostingModel hosting;

    private final DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    // U1: EvtDriverUnload is a functional interface whose one method takes the WdfDriver and returns nothing;
    // it is registered in WdfDriverConfig and is not set by default.
    @Test
    void u1_evtDriverUnloadIsAFunctionalInterfaceTakingTheDriverNotSetByDefault() {
        assertThat(EvtDriverUnload.class.isAnnotationPresent(FunctionalInterface.class)).isTrue();
        List<Method> abstractMethods = Arrays.stream(EvtDriverUnload.class.getMethods())
                .filter(m -> Modifier.isAbstract(m.getModifiers())).toList();
        assertThat(abstractMethods).hasSize(1);
        assertThat(abstractMethods.getFirst().getParameterTypes()).containsExactly(WdfDriver.class);
        assertThat(abstractMethods.getFirst().getReturnType()).isEqualTo(void.class);
        assertThat(WdfDriverConfig.init(null).evtDriverUnload()).isNull();
        EvtDriverUnload callback = driver -> { };
        assertThat(WdfDriverConfig.init(null).withUnload(callback).evtDriverUnload()).isSameAs(callback);
    }

    // U6: the unload runs EvtDriverUnload while the tree is alive and usable, then the cleanup callbacks children
    // before parents, the driver object's last, then the destroy callbacks with the driver object's last; and the
    // driver's code is released (U6 step 6: its class loader is collected). U9: the report says all of it.
    @Test
    void u6_u9_unloadRunsInTheDocumentedOrderAndTheLoaderIsCollected() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pkg("CleanDriver", "clean"), VerifierSettings.OFF, hosting);
        UnloadReport report = host.stop(hosted);
        List<String> printed = TestDrivers.printed(report);
        assertThat(printed.getFirst()).isEqualTo(
                "unload irql=PASSIVE_LEVEL thread=wdf4j-clean-passive get-is-driver=true probe=STATUS_SUCCESS (0x00000000)");
        assertThat(printed.subList(1, printed.size())).containsExactlyElementsOf(TestDrivers.TREE_CLEANUP_THEN_DESTROY);
        assertThat(report.callbacks().subList(0, 4)).containsExactly(
                "DriverEntry(\\Registry\\Machine\\System\\CurrentControlSet\\Services\\clean)",
                "DriverEntry returned STATUS_SUCCESS (0x00000000)",
                "EvtDriverUnload(WDFDRIVER clean)",
                printed.isEmpty() ? "" : "DbgPrint: " + printed.getFirst());
        assertThat(report.evtDriverUnloadCalled()).isTrue();
        assertThat(report.leaks()).isEmpty();
        assertThat(report.findings()).isEmpty();
        assertThat(report.classLoaderCollected()).isTrue();
        assertThat(report.clean()).isTrue();
        assertThat(report.render()).contains("DriverEntry returned:   STATUS_SUCCESS (0x00000000)",
                "EvtDriverUnload called: yes", "Callbacks, in order:", "Leaks: none", "Class loader collected: yes",
                "Verdict: clean");
        assertThat(hosted.state()).isEqualTo(FxDriverState.UNLOADED);
    }

    // U6: EvtDriverUnload is called at most once, and nothing of the driver runs after the unload.
    @Test
    void u6_unloadIsCalledAtMostOnce() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pkg("CleanDriver", "twice"), VerifierSettings.OFF, hosting);
        UnloadReport first = host.stop(hosted);
        UnloadReport second = host.stop(hosted);
        assertThat(second).isSameAs(first);
        assertThat(first.callbacks().stream().filter(l -> l.startsWith("EvtDriverUnload("))).hasSize(1);
        assertThat(host.drivers()).doesNotContain(hosted);
    }

    // U3: DriverEntry fails after WdfDriver.create: EvtDriverUnload is never called, but every cleanup and destroy
    // runs in the U6 order and the driver's code is released.
    @Test
    void u3_failedDriverEntryNeverCallsUnloadButCleansUpEverything() throws Exception {
        UnloadReport report = host.start(TestDrivers.pkg("FailAfterCreateDriver", "failing"), VerifierSettings.OFF, hosting).report();
        assertThat(report.driverEntryStatus()).isEqualTo("STATUS_INSUFFICIENT_RESOURCES (0xC000009A)");
        assertThat(report.evtDriverUnloadCalled()).isFalse();
        assertThat(report.callbacks()).noneMatch(l -> l.startsWith("EvtDriverUnload") || l.contains("MUST NOT RUN"));
        assertThat(TestDrivers.printed(report)).containsExactlyElementsOf(TestDrivers.TREE_CLEANUP_THEN_DESTROY);
        assertThat(report.classLoaderCollected()).isTrue();
    }

    // U3: the same when DriverEntry throws.
    @Test
    void u3_throwingDriverEntryNeverCallsUnloadButCleansUpEverything() throws Exception {
        UnloadReport report = host.start(TestDrivers.pkg("ThrowingDriver", "thrower"), VerifierSettings.OFF, hosting).report();
        assertThat(report.evtDriverUnloadCalled()).isFalse();
        assertThat(TestDrivers.printed(report)).containsExactlyElementsOf(TestDrivers.TREE_CLEANUP_THEN_DESTROY);
        assertThat(report.classLoaderCollected()).isTrue();
    }

    // U4: EvtDriverUnload runs at PASSIVE_LEVEL on a framework thread that may block, with no framework lock held
    // (another thread creates and deletes an object under the driver object while the callback waits for it), even
    // with synchronization scope DEVICE.
    @Test
    void u4_unloadRunsAtPassiveOnAFrameworkThreadThatMayBlockWithNoLockHeld() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pkg("BlockingUnloadDriver", "blocking"), VerifierSettings.OFF, hosting);
        List<JournalEntry> beforeStop = hosted.journal();
        assertThat(beforeStop).isNotEmpty();
        UnloadReport report = host.stop(hosted);
        assertThat(TestDrivers.printed(report)).containsExactly(
                "unload irql=PASSIVE_LEVEL thread=wdf4j-blocking-passive joined=true other=created-and-deleted STATUS_SUCCESS (0x00000000)");
        assertThat(report.clean()).isTrue();
    }

    // U5 (in-process half): the same driver JAR runs unchanged in the in-process host. The separate driver-host
    // process (the UMDF model) is open; see docs/conformance.md.
    @Test
    void u5_theSameDriverJarRunsInTheInProcessHost() throws Exception {
        UnloadReport report = host.stop(host.start(DriverPackage.open(TestDrivers.HELLO), VerifierSettings.OFF, hosting));
        assertThat(report.clean()).isTrue();
    }

    // U8: an exception thrown by EvtDriverUnload is reported with its stack; the unload still completes.
    @Test
    void u8_throwingUnloadIsReportedAndTheUnloadCompletes() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pkg("ThrowingUnloadDriver", "badunload"), VerifierSettings.OFF, hosting);
        UnloadReport report = host.stop(hosted);
        assertThat(report.evtDriverUnloadCalled()).isTrue();
        assertThat(report.findings()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.EXCEPTION);
            assertThat(f.message()).contains("EvtDriverUnload threw java.lang.IllegalStateException: unload failed to flush statistics");
            assertThat(f.stack()).contains("org.wdf4j.testdrivers.ThrowingUnloadDriver");
        });
        assertThat(TestDrivers.printed(report)).containsExactlyElementsOf(TestDrivers.TREE_CLEANUP_THEN_DESTROY);
        assertThat(hosted.state()).isEqualTo(FxDriverState.UNLOADED);
        assertThat(report.classLoaderCollected()).isTrue();
        assertThat(report.clean()).isFalse();
    }

    // U2/V2: objects the driver still references after unload are reported by name with where they were allocated
    // and the tags of the references held; the rest of the tree is still cleaned up and destroyed, the driver object
    // last; the leaked objects' destroy callbacks never run.
    @Test
    void u2_v2_leakedObjectsAreReportedWithAllocationStackAndTags() throws Exception {
        UnloadReport report = host.stop(host.start(TestDrivers.pkg("LeakingDriver", "leaky"), VerifierSettings.on(), hosting));
        assertThat(report.leaks()).hasSize(2);
        assertThat(report.leaks()).anySatisfy(leak -> {
            assertThat(leak.kind()).isEqualTo("framework object");
            assertThat(leak.description()).contains("[Name]", "1 reference: 'io-in-flight' x1");
            assertThat(leak.allocatedAt()).contains("org.wdf4j.testdrivers.LeakingDriver.driverEntry");
        });
        assertThat(report.leaks()).anySatisfy(leak -> assertThat(leak.description()).contains("<untagged> x1"));
        List<String> printed = TestDrivers.printed(report);
        assertThat(printed).contains("cleanup a2", "cleanup b", "destroy a2x", "destroy a")
                .doesNotContain("destroy a2", "destroy b");
        assertThat(printed.getLast()).isEqualTo("destroy driver");
        assertThat(report.clean()).isFalse();
        assertThat(report.render()).contains("Leaks: 2", "allocated at:");
    }

    // U2: without the verifier the leak is still reported, and the report says the allocation stack was not recorded.
    @Test
    void u2_leakWithoutVerifierSaysTheStackWasNotRecorded() throws Exception {
        UnloadReport report = host.stop(host.start(TestDrivers.pkg("LeakingDriver", "leaky-off"), VerifierSettings.OFF, hosting));
        assertThat(report.leaks()).hasSize(2)
                .allSatisfy(leak -> assertThat(leak.allocatedAt()).contains("turn the verifier on"));
    }

    // U2/U6 step 6: a thread the driver started and left running keeps its class loader alive; the report names it.
    @Test
    void u2_threadLeftRunningIsReportedAndTheLoaderIsNotCollected() throws Exception {
        try {
            UnloadReport report = host.stop(host.start(TestDrivers.pkg("ThreadLeakingDriver", "threads"), VerifierSettings.OFF, hosting));
            assertThat(report.classLoaderCollected()).isFalse();
            assertThat(report.leaks()).anySatisfy(leak -> {
                assertThat(leak.kind()).isEqualTo("thread");
                assertThat(leak.description()).contains("\"poller-1\"", "it is now at:", "Drivers.parkUntil");
            });
            assertThat(report.render()).contains("Class loader collected: NO", "Verdict: NOT clean");
        } finally {
            System.setProperty("wdf4j.test.ThreadLeakingDriver.release", "yes"); // lets the leaked thread end
        }
    }

    // U6 step 5 and the host's promise: a callback that does not return within the verifier wait timeout is
    // reported, the driver is abandoned, and the host goes on with other drivers.
    @Test
    void u6_hungUnloadIsBoundedByTheWaitTimeoutAndTheHostGoesOn() throws Exception {
        try {
            VerifierSettings shortWait = VerifierSettings.OFF.withWaitTimeout(Duration.ofMillis(500));
            HostedDriver hosted = host.start(TestDrivers.pkg("HangingUnloadDriver", "hanging"), shortWait, hosting);
            UnloadReport report = host.stop(hosted);
            assertThat(report.hung()).isTrue();
            assertThat(report.classLoaderCollected()).isFalse();
            assertThat(report.findings()).anySatisfy(f -> {
                assertThat(f.rule()).isEqualTo("HUNG");
                assertThat(f.stack()).contains("wdf4j-hanging-passive", "Drivers.parkUntil");
            });
            assertThat(hosted.state()).isEqualTo(FxDriverState.UNLOADED);
            assertThat(host.stop(host.start(TestDrivers.pkg("CleanDriver", "after-hang"), VerifierSettings.OFF, hosting)).clean()).isTrue();
        } finally {
            System.setProperty("wdf4j.test.HangingUnloadDriver.release", "yes"); // lets the hung callback return
        }
    }

    // A bug check on a driver's own thread stops that driver, without EvtDriverUnload, with its tree cleaned up;
    // the host and the other drivers carry on.
    @Test
    void bugCheckStopsTheDriverNotTheHost() throws Exception {
        HostedDriver other = host.start(TestDrivers.pkg("CleanDriver", "bystander"), VerifierSettings.OFF, hosting);
        HostedDriver hosted = host.start(TestDrivers.pkg("BugCheckDriver", "buggy"), VerifierSettings.OFF, hosting);
        // The bug check kills the driver's own thread with an uncaught WdfBugCheck: expected, so not caught here.
        await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).until(() -> hosted.report() != null);
        UnloadReport report = hosted.report();
        assertThat(report.failure()).contains("WDF_INVALID_HANDLE").contains("WdfObjectReference");
        assertThat(report.evtDriverUnloadCalled()).isFalse();
        assertThat(report.callbacks()).noneMatch(l -> l.contains("MUST NOT RUN"));
        assertThat(TestDrivers.printed(report)).contains("cleanup doomed", "destroy doomed")
                .containsSubsequence(TestDrivers.TREE_CLEANUP_THEN_DESTROY.subList(6, 12));
        assertThat(report.findings()).anySatisfy(f -> assertThat(f.stack()).contains("BugCheckDriver"));
        assertThat(report.classLoaderCollected()).as("U6 step 6 holds for a bug-checked driver too").isTrue();
        assertThat(other.isRunning()).isTrue();
        assertThat(host.stop(other).clean()).isTrue();
    }

    // The stop of a driver the host no longer has is refused with a clear message.
    @Test
    void stoppingAnUnknownDriverIsAClearError() {
        assertThatThrownBy(() -> host.stop("nosuch")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no driver named nosuch is loaded");
    }
}
