package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.Irql;

/** DriverEntry and WdfDriver.create, through real driver packages in isolated class loaders (D1-D7). */
class DriverEntryTest {

    private final DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    // D1: DriverEntry is called once, at PASSIVE_LEVEL, on the driver's framework thread, and its status is taken.
    @Test
    void d1_driverEntryIsCalledOnceAtPassiveLevelOnAFrameworkThread() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pkg("CleanDriver", "once"));
        var entries = hosted.journal().stream().filter(e -> e.kind() == JournalEntry.Kind.DRIVER_ENTRY).toList();
        assertThat(entries).hasSize(1);
        assertThat(entries.getFirst().irql()).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(entries.getFirst().thread()).isEqualTo("wdf4j-once-passive");
        assertThat(entries.getFirst().subject()).isEqualTo("\\Registry\\Machine\\System\\CurrentControlSet\\Services\\once");
        assertThat(hosted.state()).isEqualTo(FxDriverState.STARTED);
        assertThat(host.stop(hosted).driverEntryStatus()).isEqualTo("STATUS_SUCCESS (0x00000000)");
    }

    // D1: a null return counts as STATUS_UNSUCCESSFUL.
    @Test
    void d1_nullReturnCountsAsUnsuccessful() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pkg("NullStatusDriver", "nullstatus"));
        UnloadReport report = hosted.report();
        assertThat(report).as("a failed DriverEntry unloads the driver at once").isNotNull();
        assertThat(report.driverEntryStatus()).isEqualTo("STATUS_UNSUCCESSFUL (0xC0000001)");
        assertThat(report.findings()).anySatisfy(f -> assertThat(f.message()).contains("returned null"));
        assertThat(report.classLoaderCollected()).isTrue();
    }

    // D1: an exception counts as failure and is reported with its stack.
    @Test
    void d1_exceptionCountsAsFailureAndIsReportedWithItsStack() throws Exception {
        UnloadReport report = host.start(TestDrivers.pkg("ThrowingDriver", "throwing")).report();
        assertThat(report.driverEntryStatus()).isEqualTo("STATUS_UNSUCCESSFUL (0xC0000001)");
        assertThat(report.driverEntryException())
                .contains("java.lang.IllegalStateException: device firmware missing")
                .contains("org.wdf4j.testdrivers.ThrowingDriver.driverEntry(ThrowingDriver.java:");
        assertThat(report.render()).contains("DriverEntry threw:").contains("device firmware missing");
    }

    // D2: the checks of WdfDriver.create answer their statuses in order; D3: none of the callbacks given to a
    // failed call ever runs, and a retry after a failure is not refused as a second call; D4: defaults and the
    // pool tag derived from the name.
    @Test
    void d2_d3_d4_createChecksStatusesCallbacksAndDefaults() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pkg("CreateChecksDriver", "checks"));
        assertThat(hosted.isRunning()).isTrue();
        UnloadReport report = host.stop(hosted);
        assertThat(TestDrivers.printed(report)).containsExactly(
                "dispatch-level: STATUS_INVALID_DEVICE_REQUEST (0xC0000010)",
                "nonpnp+deviceadd: STATUS_INVALID_PARAMETER (0xC000000D)",
                "parent: STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED (0xC020020F)",
                "defaults: unload=null flags=[] tag=0",
                // 'chec' read as a little-endian 32-bit value
                "created: STATUS_SUCCESS (0x00000000) name=checks tag=63656863",
                "second: STATUS_DRIVER_INTERNAL_ERROR (0xC0000183) same=true");
        assertThat(report.callbacks()).noneMatch(line -> line.contains("MUST NOT RUN"));
        assertThat(report.evtDriverUnloadCalled()).as("the unload callback of the successful create runs").isTrue();
    }

    // D2: a null parameter is a bug check (WDF_REQUIRED_PARAMETER_IS_NULL); the host keeps running.
    @Test
    void d2_nullParameterIsABugCheck() throws Exception {
        UnloadReport report = host.start(TestDrivers.pkg("NullParameterDriver", "nullparam")).report();
        assertThat(report.driverEntryException()).contains("WDF_REQUIRED_PARAMETER_IS_NULL").contains("DriverConfig is null");
        assertThat(report.failure()).contains("WDF_REQUIRED_PARAMETER_IS_NULL (0x4)").contains("driver nullparam");
        assertThat(report.findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.BUG_CHECK);
            assertThat(f.rule()).isEqualTo(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL.name());
            assertThat(f.stack()).contains("NullParameterDriver.driverEntry");
        });
        assertThat(report.classLoaderCollected()).isTrue();
        assertThat(host.start(TestDrivers.pkg("CleanDriver", "after-nullparam")).isRunning()).isTrue();
    }

    // D2: above PASSIVE_LEVEL WdfDriver.create answers STATUS_INVALID_DEVICE_REQUEST with the verifier off,
    // and is a bug check with the verifier on.
    @Test
    void d2_createAboveInvalidLevelIsAStatusOrWithVerifierABugCheck() throws Exception {
        UnloadReport off = host.start(TestDrivers.pkg("DispatchCreateDriver", "dispatch-off")).report();
        assertThat(off.driverEntryStatus()).isEqualTo("STATUS_INVALID_DEVICE_REQUEST (0xC0000010)");
        assertThat(off.failure()).isNull();

        UnloadReport on = host.start(TestDrivers.pkg("DispatchCreateDriver", "dispatch-on"), VerifierSettings.on()).report();
        assertThat(on.failure()).contains("WDF_VERIFIER_IRQL_MISMATCH").contains("WdfDriverCreate called at DISPATCH_LEVEL");
        assertThat(on.driverEntryStatus()).isEqualTo("STATUS_UNSUCCESSFUL (0xC0000001)");
        assertThat(on.classLoaderCollected()).isTrue();
    }

    // D5: deleting the driver object does nothing and is reported as STATUS_CANNOT_DELETE.
    @Test
    void d5_deletingTheDriverObjectIsRefusedAndReported() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pkg("DeleteDriverObjectDriver", "selfdelete"));
        assertThat(hosted.isRunning()).isTrue();
        UnloadReport report = host.stop(hosted);
        assertThat(TestDrivers.printed(report)).startsWith("delete: STATUS_CANNOT_DELETE (0xC0000121) still-usable=true");
        assertThat(report.findings()).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo("STATUS_CANNOT_DELETE");
            assertThat(f.object()).isEqualTo("WDFDRIVER selfdelete");
        });
        assertThat(report.callbacks()).contains("DbgPrint: destroy driver");
    }

    // D5: with the verifier breaking on errors, deleting the driver object is a bug check.
    @Test
    void d5_deletingTheDriverObjectWithBreakOnErrorIsABugCheck() throws Exception {
        UnloadReport report = host.start(TestDrivers.pkg("DeleteDriverObjectDriver", "selfdelete-v"), VerifierSettings.on()).report();
        assertThat(report.failure()).contains("WDF_OBJECT_ERROR").contains("STATUS_CANNOT_DELETE");
        assertThat(report.callbacks()).as("U3: the objects made before the failure are still cleaned up")
                .contains("DbgPrint: cleanup driver", "DbgPrint: destroy driver");
        assertThat(report.classLoaderCollected()).isTrue();
    }

    // D6: WdfDriver.get() answers the calling driver's own driver object, never another's, with many drivers in one
    // host; in DriverEntry, on the driver's own thread and in EvtDriverUnload; and the registry path.
    @Test
    void d6_getAnswersTheCallersOwnDriverAmongMany() throws Exception {
        HostedDriver alpha = host.start(TestDrivers.pkg("GetDriverDriver", "alpha"));
        HostedDriver beta = host.start(TestDrivers.pkg("GetDriverDriver", "beta"));
        HostedDriver gamma = host.start(TestDrivers.pkg("GetDriverDriver", "gamma"));
        for (HostedDriver d : new HostedDriver[] {beta, alpha, gamma}) {
            String name = d.name();
            UnloadReport report = host.stop(d);
            assertThat(TestDrivers.printed(report)).startsWith(
                    "before-create get=null",
                    "entry get=" + name + " path=\\Registry\\Machine\\System\\CurrentControlSet\\Services\\" + name,
                    "own-thread get=" + name,
                    "unload get=" + name);
        }
    }

    // D7: success without a driver object is reported by the verifier, and at unload no framework callback runs.
    @Test
    void d7_successWithoutDriverObjectIsReportedAndNoCallbackRunsAtUnload() throws Exception {
        HostedDriver hosted = host.start(TestDrivers.pkg("NoDriverObjectDriver", "noobject"));
        assertThat(hosted.state()).isEqualTo(FxDriverState.STARTED);
        assertThat(hosted.objectTree()).isEmpty();
        UnloadReport report = host.stop(hosted);
        assertThat(report.findings()).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo("D7");
            assertThat(f.message()).contains("without creating its driver object");
        });
        assertThat(report.evtDriverUnloadCalled()).isFalse();
        assertThat(report.callbacks()).containsExactly(
                "DriverEntry(\\Registry\\Machine\\System\\CurrentControlSet\\Services\\noobject)",
                "DbgPrint: returning success without WdfDriver.create",
                "DriverEntry returned STATUS_SUCCESS (0x00000000)",
                "verifier: D7: DriverEntry returned success without creating its driver object (WdfDriver.create); "
                        + "the driver has no framework object and no framework callback will run");
        assertThat(report.classLoaderCollected()).isTrue();
    }
}
