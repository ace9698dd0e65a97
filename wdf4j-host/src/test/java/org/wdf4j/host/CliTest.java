package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wdf4j command: demo and run. */
class CliTest {


    @Test
    void demoShowsTheTreeUnloadsAndPrintsACleanReport() {
        CliRun run = CliRun.of("demo", "--driver", TestDrivers.HELLO.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains(
                "== Object tree of driver hello",
                "WDFDRIVER hello  (1 reference, CREATED)",
                "└─ WDFOBJECT#2 [PoolContext]",
                "   ├─ WDFOBJECT#3 [BufferContext]",
                "   └─ WDFOBJECT#4 [BufferContext]",
                "EvtDriverUnload called: yes",
                "EvtCleanupCallback(WDFOBJECT#2 [PoolContext])",
                "Class loader collected: yes",
                "Verdict: clean");
        assertThat(run.out().indexOf("EvtCleanupCallback(WDFOBJECT#2")).isLessThan(run.out().indexOf("EvtCleanupCallback(WDFDRIVER hello)"));
        assertThat(run.out().indexOf("EvtDestroyCallback(WDFOBJECT#3")).isLessThan(run.out().indexOf("EvtDestroyCallback(WDFDRIVER hello)"));
    }

    @Test
    void runReportsEachDriverAndExitsZeroWhenClean() {
        CliRun run = CliRun.of("run", TestDrivers.HELLO.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Unload report for driver hello", "Verdict: clean");
    }

    @Test
    void runJsonIsOneDocumentWithTheReportFields() {
        CliRun run = CliRun.of("run", "--json", TestDrivers.HELLO.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        String out = run.out().strip();
        assertThat(out).startsWith("{\"drivers\":[{\"name\":\"hello\",\"driverEntryStatus\":\"STATUS_SUCCESS (0x00000000)\"")
                .endsWith("}]}")
                .contains("\"evtDriverUnloadCalled\":true", "\"leaks\":[]", "\"classLoaderCollected\":true",
                        "\"gcRootPath\":null", "\"clean\":true",
                        "\"callbacks\":[\"DriverEntry(\\\\Registry\\\\Machine\\\\System")
                .doesNotContain("\n");
    }

    @Test
    void runRefusesABadPackageWithExitTwo(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.jar"), "nope");
        CliRun run = CliRun.of("run", bad.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("wdf4j run:", "bad.jar is not a JAR file");
    }
}
