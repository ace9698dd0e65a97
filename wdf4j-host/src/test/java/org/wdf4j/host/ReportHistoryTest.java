package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.framework.VerifierSettings;

/**
 * Every unload report is kept in the store as JSON with its time, those of the stops the framework makes on its own
 * included (a bug check, a failed DriverEntry, a driver host that ended), a bounded history per driver; the kept
 * reports outlive the host and are shown by {@code wdf4j status} and {@code wdf4j reports}.
 */
class ReportHistoryTest {

    @TempDir
    Path tmp;

    private Path state() {
        return tmp.resolve("s");
    }

    @Test
    void everyReportIsKeptWithItsTimeAndOutlivesTheHost() throws Exception {
        Instant before = Instant.now();
        try (DriverHost host = DriverHost.create(state())) {
            host.install(TestDrivers.pkg("BugCheckDriver", "buggy"), false);
            host.install(TestDrivers.pkg("ThrowingDriver", "thrower"), false);
            host.install(TestDrivers.pkg("CleanDriver", "clean"), false);
            HostedDriver buggy = host.start("buggy", VerifierSettings.OFF, HostingModel.IN_PROCESS);
            // The bug check kills the driver's own thread with an uncaught WdfBugCheck: expected, so not caught here.
            await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30))
                    .until(() -> host.store().reports().latest("buggy").isPresent());
            assertThat(buggy.report()).isNotNull();
            assertThat(host.start("thrower", VerifierSettings.OFF, HostingModel.IN_PROCESS).report()).isNotNull();
            host.stop(host.start("clean", VerifierSettings.on(), HostingModel.IN_PROCESS));
        }

        CliRun all = CliRun.of("reports", "--state-dir", state().toString());
        assertThat(all.exit()).as("%s", all).isZero();
        assertThat(all.out().lines()).hasSize(3);
        assertThat(all.out()).containsPattern("\\S+Z  buggy  NOT clean  failed: .*WDF_INVALID_HANDLE")
                .containsPattern("\\S+Z  thrower  NOT clean").containsPattern("\\S+Z  clean  clean");

        CliRun status = CliRun.of("status", "buggy", "--state-dir", state().toString());
        assertThat(status.out()).containsPattern("last unload: NOT clean \\(failed: .*WDF_INVALID_HANDLE.*\\), at \\S+Z")
                .contains("reports:    1 kept, the last 20 at most (wdf4j reports buggy)");
        assertThat(CliRun.of("status", "thrower", "--state-dir", state().toString()).out())
                .contains("last unload: NOT clean (DriverEntry returned");

        CliRun full = CliRun.of("reports", "buggy", "--state-dir", state().toString());
        assertThat(full.out()).startsWith("== ").contains("Unload report for driver buggy", "Stopped by bug check:",
                "EvtDriverUnload called: no", "Verdict: NOT clean");

        CliRun json = CliRun.of("reports", "--json", "buggy", "--state-dir", state().toString());
        assertThat(json.out().strip()).startsWith("{\"reports\":[{\"file\":").endsWith("}]}")
                .contains("\"report\":{\"name\":\"buggy\"", "\"evtDriverUnloadCalled\":false", "\"clean\":false")
                .containsPattern("\"failure\":\"[^\"]*WDF_INVALID_HANDLE");
        StoredReport kept;
        try (DriverHost again = DriverHost.create(state())) {
            kept = again.store().reports().latest("buggy").orElseThrow();
        }
        assertThat(kept.time()).isBetween(before, Instant.now());
        assertThat(kept.report().findings()).anySatisfy(f -> assertThat(f.stack()).contains("BugCheckDriver"));
    }

    // An isolated driver whose driver host is killed, with no restart left: the framework unloads it on its own, and
    // that report is kept too.
    @Test
    void theReportOfAnIsolatedDriverWhoseDriverHostWasKilledIsKept() throws Exception {
        try (DriverHost host = DriverHost.create(state())) {
            host.restartPolicy(new RestartPolicy(0, Duration.ofMinutes(1)));
            host.install(TestDrivers.pkg("CleanDriver", "clean"), false);
            HostedDriver clean = host.start("clean", VerifierSettings.on(), HostingModel.ISOLATED);
            ProcessHandle.of(clean.pid()).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(60)).until(() -> host.store().reports().latest("clean").isPresent());
            UnloadReport report = host.store().reports().latest("clean").orElseThrow().report();
            assertThat(report.failure()).contains("SIGKILL");
            assertThat(report.isolated()).isTrue();
            assertThat(report.clean()).isFalse();
        }
    }

    // The history keeps the last 20 reports of each driver; a report file that is damaged is shown as such, and the
    // others are read as before.
    @Test
    void theHistoryIsBoundedAndADamagedReportDoesNotHideTheOthers() throws Exception {
        try (DriverHost host = DriverHost.create(state())) {
            host.checkCollection(false);
            host.install(TestDrivers.pkg("CleanDriver", "clean"), false);
            for (int i = 0; i < ReportHistory.KEPT + 3; i++) {
                host.stop(host.start("clean", VerifierSettings.OFF, HostingModel.IN_PROCESS));
            }
            List<StoredReport> kept = host.store().reports().of("clean");
            assertThat(kept).hasSize(ReportHistory.KEPT);
            assertThat(kept.getFirst().file().getFileName()).hasToString("0000000004.json");
            assertThat(kept.getLast().file().getFileName()).hasToString("0000000023.json");
            assertThat(kept).extracting(StoredReport::time).isSorted();
            Files.writeString(kept.get(3).file(), "{\"format\":1,\"time\":");
        }
        CliRun run = CliRun.of("reports", "clean", "--state-dir", state().toString());
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("(" + state().toAbsolutePath().resolve("reports/clean/0000000007.json")
                + " is not a valid unload report: ");
        assertThat(run.out().split("Unload report for driver clean", -1)).hasSize(ReportHistory.KEPT);
    }
}
