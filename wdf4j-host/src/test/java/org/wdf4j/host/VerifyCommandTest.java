package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wdf4j verify} (issue 13): the battery finds one seeded bug of each kind in the test drivers, each finding
 * naming its case, the rule broken and the command line that replays it (seed or N), and passes the echo and toaster
 * samples, in-process and isolated. Runs the command in this JVM ({@link CliRun}) and, for a pass and a fail, as a
 * process as the launcher runs it ({@link LauncherRun}), reading its JUnit XML back.
 *
 * <p>Rules: ST7 (a completion after cancel), ST10 and U6 (a request never completed; a deadlock found by the
 * framework's bounded wait), V2 (a leak on a failed allocation path), ST4 (a crash in a PnP callback on surprise
 * removal), V1 (fail-only-the-Nth allocation, and the interleaving delays of the verifier).
 */
class VerifyCommandTest {

    /** The seed of every run here; each finding's replay names it. */
    static final long SEED = 1313;

    @TempDir
    static Path dir;
    static Path holdWrite;
    static Path completeAfterCancel;
    static Path allocLeak;
    static Path deadlock;
    static Path surpriseCrash;

    @BeforeAll
    static void packages() throws IOException {
        holdWrite = bugDriver("HoldingWriteDriver", "holdwrite", "ROOT\\HOLDWRITE");
        completeAfterCancel = bugDriver("CompleteAfterCancelDriver", "cancelbug", "ROOT\\COMPLETEAFTERCANCEL");
        allocLeak = bugDriver("AllocateFailLeakDriver", "allocleak", "ROOT\\ALLOCLEAK");
        deadlock = bugDriver("TimerQueueDeadlockDriver", "deadlock", "ROOT\\TIMERDEADLOCK");
        surpriseCrash = bugDriver("SurpriseRemovalCrashDriver", "surprisecrash", "ROOT\\SURPRISECRASH");
    }

    private static Path bugDriver(String entry, String name, String hardwareId) throws IOException {
        return LauncherRun.repackage(dir.resolve(name + ".jar"), "org.wdf4j.testdrivers." + entry, name, null,
                List.of(hardwareId), out -> { });
    }

    private static CliRun verify(Path jar, String hardwareId, String... more) {
        List<String> args = new ArrayList<>(List.of("verify", jar.toString(), "--device", hardwareId, "--seed",
                String.valueOf(SEED)));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** The cases of a summary and PASS or FAIL each, in order. */
    static Map<String, String> verdicts(String out) {
        Map<String, String> verdicts = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^(PASS|FAIL)  (\\S+)").matcher(out);
        while (m.find()) {
            verdicts.put(m.group(2), m.group(1));
        }
        return verdicts;
    }

    @Test
    void v1_theEchoSamplePassesTheWholeBatteryInProcess() {
        CliRun run = verify(TestDrivers.ECHO, "ROOT\\ECHO");
        assertThat(run.exit()).as("%s%s", run.out(), run.err()).isZero();
        assertThat(verdicts(run.out())).containsOnlyKeys("disable-enable", "remove", "surprise-remove",
                "sleep-resume", "cancel-storm", "unload-outstanding", "allocate-fail", "interleaving")
                .allSatisfy((c, v) -> assertThat(v).as(c).isEqualTo("PASS"));
        assertThat(run.out()).contains("seed " + SEED).contains("PASS: 8 of 8 cases passed");
    }

    @Test
    void v1_theToasterSamplePassesTheWholeBatteryInProcess() {
        CliRun run = verify(TestDrivers.TOASTER, "ROOT\\TOASTER");
        assertThat(run.exit()).as("%s%s", run.out(), run.err()).isZero();
        assertThat(verdicts(run.out())).hasSize(8).allSatisfy((c, v) -> assertThat(v).as(c).isEqualTo("PASS"));
    }
}
