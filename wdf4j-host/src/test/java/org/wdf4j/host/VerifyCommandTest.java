package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.client.DeviceHandle;

/**
 * {@code wdf4j verify} (issue 13): the battery finds one seeded bug of each kind in the test drivers, each finding
 * naming its case, the rule broken and the command line that replays it (seed or N), and passes the echo and toaster
 * samples, in-process and isolated. Runs the command in this JVM ({@link CliRun}) and, for a pass and a fail, as a
 * process as the launcher runs it ({@link LauncherRun}), reading its JUnit XML back.
 *
 * <p>Rules: ST7 (a completion after cancel), ST10 (a request never completed), H7 (a deadlock found by the host's
 * bounded wait on an isolated driver), V2 (a leak on a failed allocation path), ST4 (a crash in a PnP callback on surprise
 * removal), V1 (fail-only-the-Nth allocation, and the interleaving delays of the verifier).
 */
class VerifyCommandTest {

    /** The seed of every run here; each finding's replay names it. */
    static final long SEED = 1313;
    /**
     * The wait timeout of the runs that must pass, in seconds: a run that passes never waits for it, and a machine busy
     * with the whole suite must not make a sample look hung (the runs that find a bug keep the default 3 s).
     */
    static final String PASSING_WAIT_TIMEOUT = "10";

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
        CliRun run = verify(TestDrivers.ECHO, "ROOT\\ECHO", "--wait-timeout", PASSING_WAIT_TIMEOUT);
        assertThat(run.exit()).as("%s%s", run.out(), run.err()).isZero();
        assertThat(verdicts(run.out())).containsOnlyKeys("disable-enable", "remove", "surprise-remove",
                "sleep-resume", "cancel-storm", "unload-outstanding", "allocate-fail", "interleaving")
                .allSatisfy((c, v) -> assertThat(v).as(c).isEqualTo("PASS"));
        assertThat(run.out()).contains("seed " + SEED).contains("PASS: 8 of 8 cases passed");
    }

    @Test
    void v1_theToasterSamplePassesTheWholeBatteryInProcess() {
        CliRun run = verify(TestDrivers.TOASTER, "ROOT\\TOASTER", "--wait-timeout", PASSING_WAIT_TIMEOUT);
        assertThat(run.exit()).as("%s%s", run.out(), run.err()).isZero();
        assertThat(verdicts(run.out())).hasSize(8).allSatisfy((c, v) -> assertThat(v).as(c).isEqualTo("PASS"));
    }

    /** The findings of a case in a summary: {@code [RULE] message}, then its replay line. */
    record Printed(String rule, String message, String replay) {
    }

    static List<Printed> findings(String out, String caseName) {
        List<Printed> found = new ArrayList<>();
        String[] lines = out.split("\n");
        boolean in = false;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].matches("^(PASS|FAIL)  .*")) {
                in = lines[i].substring(6).startsWith(caseName + " ");
            }
            Matcher m = Pattern.compile("^      \\[(\\w+)] (.*)$").matcher(lines[i]);
            if (in && m.matches()) {
                found.add(new Printed(m.group(1), m.group(2), lines[i + 1].strip().replaceFirst("^replay: ", "")));
            }
        }
        return found;
    }

    @Test
    void st10_aRequestTheDriverNeverCompletesIsFoundOnRemovalAndNamed() {
        CliRun run = verify(holdWrite, "ROOT\\HOLDWRITE", "--case", "remove");
        assertThat(run.exit()).as(run.out()).isEqualTo(1);
        assertThat(verdicts(run.out())).containsExactly(Map.entry("remove", "FAIL"));
        assertThat(findings(run.out(), "remove")).isNotEmpty().allSatisfy(f -> {
            assertThat(f.rule()).isEqualTo("ST10");
            assertThat(f.message()).contains("WDFREQUEST#").contains("WRITE");
            assertThat(f.replay()).endsWith("--device 'ROOT\\HOLDWRITE' --hosting in-process --case remove --seed " + SEED);
        });
    }

    @Test
    void st7_aCompletionAfterCancelIsFoundByTheCancelStorm() {
        CliRun run = verify(completeAfterCancel, "ROOT\\COMPLETEAFTERCANCEL", "--case", "cancel-storm");
        assertThat(run.exit()).as(run.out()).isEqualTo(1);
        // the bug check first; the requests the failed driver still held when it was stopped after it
        assertThat(findings(run.out(), "cancel-storm")).first().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("ST7");
            assertThat(f.message()).contains("WDF_REQUEST_FATAL_ERROR").contains("was already completed with STATUS_CANCELLED");
            assertThat(f.replay()).endsWith("--case cancel-storm --seed " + SEED);
        });
    }

    @Test
    void v1_v2_aLeakOnAFailedAllocationPathIsFoundWithItsNAndTheReplayFindsItAgain() {
        CliRun run = verify(allocLeak, "ROOT\\ALLOCLEAK", "--case", "allocate-fail");
        assertThat(run.exit()).as(run.out()).isEqualTo(1);
        // driver object 1, device 2, scratch object 3, queue 4: only failing the queue takes the leaking path
        assertThat(run.out()).contains("4 allocations failed in turn, run 5 failed none");
        Printed leak = findings(run.out(), "allocate-fail").getFirst();
        assertThat(findings(run.out(), "allocate-fail")).singleElement();
        assertThat(leak.rule()).isEqualTo("V2");
        assertThat(leak.message()).contains("leaked framework object").contains("'making the queue'")
                .contains("AllocateFailLeakDriver.deviceAdd");
        assertThat(leak.replay()).endsWith("--case allocate-fail --allocate-fail 4");

        List<String> replay = new ArrayList<>(List.of(leak.replay().replace("'", "").split(" ")));
        assertThat(replay.subList(0, 2)).containsExactly("wdf4j", "verify");
        CliRun again = CliRun.of(replay.subList(1, replay.size()).toArray(String[]::new));
        assertThat(again.exit()).as(again.out()).isEqualTo(1);
        assertThat(findings(again.out(), "allocate-fail")).singleElement().isEqualTo(leak);
    }

    @Test
    void st4_aCrashOnSurpriseRemovalIsFoundThereAndOnlyThere() {
        CliRun run = verify(surpriseCrash, "ROOT\\SURPRISECRASH", "--case", "surprise-remove", "--case", "remove");
        assertThat(run.exit()).as(run.out()).isEqualTo(1);
        assertThat(verdicts(run.out())).containsExactly(Map.entry("remove", "PASS"), Map.entry("surprise-remove", "FAIL"));
        assertThat(findings(run.out(), "surprise-remove")).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("ST4");
            assertThat(f.message()).contains("EvtDeviceSurpriseRemoval").contains("NullPointerException");
            assertThat(f.replay()).endsWith("--case surprise-remove --seed " + SEED);
        });
    }

    /** A JUnit XML report read back: its test cases, each with its failures' types (the rules). */
    static Map<String, List<String>> junit(Path xml) throws IOException, XMLStreamException {
        Map<String, List<String>> cases = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(xml)) {
            XMLStreamReader r = XMLInputFactory.newFactory().createXMLStreamReader(in);
            String current = null;
            while (r.hasNext()) {
                if (r.next() == XMLStreamConstants.START_ELEMENT) {
                    switch (r.getLocalName()) {
                        case "testsuite" -> assertThat(r.getAttributeValue(null, "tests")).isNotNull();
                        case "testcase" -> {
                            current = r.getAttributeValue(null, "name");
                            cases.put(current, new ArrayList<>());
                        }
                        case "failure" -> cases.get(current).add(r.getAttributeValue(null, "type"));
                        default -> { }
                    }
                }
            }
        }
        return cases;
    }

    @Test
    void h7_h1_aDeadlockBetweenATimerAndAQueueIsFoundByTheBoundedWait_isolated_asAProcess() throws Exception {
        Path xml = dir.resolve("deadlock.xml");
        LauncherRun.Ran ran = LauncherRun.run("verify", deadlock.toString(), "--device", "ROOT\\TIMERDEADLOCK",
                "--hosting", "isolated", "--case", "unload-outstanding", "--seed", String.valueOf(SEED),
                "--wait-timeout", "1", "--junit-xml", xml.toString());
        assertThat(ran.exit()).as(ran.output()).isEqualTo(1);
        assertThat(ran.output()).contains("isolated, seed " + SEED).contains("FAIL  unload-outstanding")
                .contains("FAIL: 0 of 1 cases passed, 1 failed");
        List<Printed> found = findings(ran.output(), "unload-outstanding");
        // the driver host's thread that serves the host is stuck in EvtIoDefault: the host's bounded wait (H7: twice
        // the wait timeout and 2 s) ends it, with the threads' stacks, the deadlocked ones among them
        assertThat(found).as(ran.output()).first().satisfies(f -> {
            assertThat(f.rule()).isEqualTo("H7");
            assertThat(f.message()).contains("PnP REMOVE").contains("did not return within");
            assertThat(f.replay()).endsWith("--hosting isolated --case unload-outstanding --seed " + SEED);
        });
        assertThat(junit(xml)).containsOnlyKeys("unload-outstanding");
        assertThat(junit(xml).get("unload-outstanding")).contains("H7");
        assertThat(Files.readString(xml)).as("the stacks of the driver host's threads")
                .contains("TimerQueueDeadlockDriver.lambda$deviceAdd").contains("FxSpinLock.acquire");
    }

    @Test
    void h1_theEchoSamplePassesIsolated_asAProcess() throws Exception {
        // every case but allocate-fail (a driver host per N; the same driver code runs in-process above)
        Path xml = dir.resolve("echo.xml");
        LauncherRun.Ran ran = LauncherRun.run("verify", TestDrivers.ECHO.toString(), "--device", "ROOT\\ECHO",
                "--hosting", "isolated", "--seed", String.valueOf(SEED), "--junit-xml", xml.toString(),
                "--wait-timeout", PASSING_WAIT_TIMEOUT, "--case", "disable-enable", "--case", "remove", "--case", "surprise-remove", "--case", "sleep-resume",
                "--case", "cancel-storm", "--case", "unload-outstanding", "--case", "interleaving");
        assertThat(ran.exit()).as(ran.output()).isZero();
        assertThat(ran.output()).contains("isolated, seed " + SEED).contains("PASS: 7 of 7 cases passed");
        Map<String, List<String>> cases = junit(xml);
        assertThat(cases).hasSize(7).allSatisfy((c, failures) -> assertThat(failures).as(c).isEmpty());
    }

    /**
     * V1: the interleaving delays are on where asked: with every point delayed by up to 60 ms, five echo round trips
     * (each a write and a read: presented, completed by the timer callback, at least three points each) take far longer
     * than the echo timer's 10 ms ticks; the same round trips with the delays off are the baseline and the driver's
     * behaviour (the data echoed) is the same.
     */
    @Test
    void v1_theInterleavingDelaysDelayTheFrameworksPoints() throws DriverPackageException {
        VerifierSettings.InterleavingDelays slow = new VerifierSettings.InterleavingDelays(SEED, Duration.ofMillis(60), 100);
        long off = echoRoundTrips(VerifierSettings.on());
        long on = echoRoundTrips(VerifierSettings.on().withInterleavingDelays(slow));
        // by hand: 0.2 s without, 3.4 s with delays of up to 200 ms; up to 60 ms: about 1 s, and never 0.45 s with
        // 15 points or more at 30 ms on average (their sum's standard deviation is 70 ms)
        assertThat(Duration.ofNanos(on)).as("with delays (without: %s ms)", off / 1_000_000)
                .isGreaterThan(Duration.ofMillis(450));
    }

    /** Five write-then-read round trips on the echo sample in-process with these settings; answers how long they took. */
    private static long echoRoundTrips(VerifierSettings verifier) throws DriverPackageException {
        try (DriverHost host = DriverHost.create()) {
            host.start(TestDrivers.sample(TestDrivers.ECHO), verifier, HostingModel.IN_PROCESS);
            PnpManager.DevNode node = host.pnp().addDevice("ROOT\\ECHO");
            long start = System.nanoTime();
            try (DeviceHandle h = host.client().open(node.interfaces().getFirst()).value()) {
                for (int i = 0; i < 5; i++) {
                    byte[] data = {(byte) i, 1, 2, 3};
                    assertThat(h.writeAsync(data).await(Duration.ofSeconds(30)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                    assertThat(h.readAsync(4).await(Duration.ofSeconds(30)).data()).isEqualTo(data);
                }
            }
            return System.nanoTime() - start;
        }
    }

    @Test
    void badInputHasItsOwnExitStatusAndSaysWhatToFix() {
        CliRun noJar = CliRun.of("verify", dir.resolve("nope.jar").toString(), "--device", "ROOT\\ECHO");
        assertThat(noJar.exit()).isEqualTo(2);
        assertThat(noJar.err()).contains("nope.jar does not exist or is not a file");

        CliRun noDevice = CliRun.of("verify", TestDrivers.ECHO.toString());
        assertThat(noDevice.exit()).isEqualTo(2);
        assertThat(noDevice.err()).contains("--device");

        CliRun notListed = CliRun.of("verify", TestDrivers.ECHO.toString(), "--device", "ROOT\\TOASTER");
        assertThat(notListed.exit()).isEqualTo(2);
        assertThat(notListed.err()).contains("driver echo does not list hardware ID ROOT\\TOASTER; it lists ROOT\\ECHO");

        CliRun noCase = CliRun.of("verify", TestDrivers.ECHO.toString(), "--device", "ROOT\\ECHO", "--case", "reboot");
        assertThat(noCase.exit()).isEqualTo(2);
        assertThat(noCase.err()).contains("no case named 'reboot'; the cases are disable-enable, remove");
    }
}
