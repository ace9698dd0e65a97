package org.wdf4j.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.host.isolation.Channel;
import org.wdf4j.host.isolation.Message;

/**
 * Issue #10, H11: how long a driver host takes to start, and how much memory it holds once its driver is loaded. A
 * {@code main}, not JMH: each figure is one process start.
 *
 * <pre>
 * java -cp 'wdf4j-host/target/wdf4j-host.jar:wdf4j-host/target/lib/*:bench/target/wdf4j-bench-0.1.0-SNAPSHOT.jar' \
 *     org.wdf4j.bench.DriverHostStartup [--rounds N] [--idle-ms MS] [--part api|costs|options|all] [--cp cli|bench]
 *     [--only NAME,...] [--extra 'OPTIONS']
 * </pre>
 *
 * <p>Run it with the host's jars ({@code wdf4j-host.jar} and its lib/ directory, then this module's own jar, not
 * the shaded benchmarks.jar): the driver hosts that {@code DriverHost} starts from it then get the code
 * {@code ./wdf4j run}'s driver hosts get. (From {@code -cp bench/target/benchmarks.jar} they get that 5 MB jar as
 * their class path, and start slower.) Defaults: 10 rounds, 7 s idle (long enough for the JVM to give back
 * its compilers' memory: it frees their arena chunks every 5 s).
 *
 * <p><b>Part {@code api}</b>: the host API as an embedder uses it, in this JVM. {@code host.start(hello, OFF,
 * ISOLATED)} (a driver host started by {@code DriverHost} with its own {@code JVM_OPTIONS} and class path, the hello
 * sample loaded in it, its DriverEntry called and returned) against {@code host.start(hello, OFF, IN_PROCESS)} (the
 * baseline: the same package's load and DriverEntry in this JVM), interleaved, after 3 unmeasured starts of each.
 * When an isolated start returns, the driver host's CPU time so far is read from {@code /proc/PID/stat}; after
 * {@code --idle-ms} its {@code VmRSS} and {@code VmHWM} from {@code /proc/PID/status} (pid from
 * {@link HostedDriver#pid()}); then the driver is stopped (not measured).
 *
 * <p><b>Part {@code costs}</b>: two one-time costs of a fresh driver host JVM, timed inside it ({@link #costs}).
 *
 * <p><b>Part {@code options}</b>: the same driver host ({@code org.wdf4j.host.DriverHostMain}) started by this
 * class, with JVM options of each variant, and driven through the driver-host protocol as {@code DriverHost} drives
 * it ({@link Message.Load}, then {@link Message.Entry}); timed from just before {@code ProcessBuilder.start()} to
 * {@link Message.Ready}, {@link Message.LoadDone} and {@link Message.EntryDone}, with its CPU time (all threads) when
 * EntryDone came; then idle for {@code --idle-ms} and its memory read. Variants that need an archive (AppCDS, the JDK 25 AOT cache) get it from one training run
 * (the same sequence, not measured) before the rounds. The rounds go round the variants (one start of each per
 * round), so that a change of load on the machine touches them alike. The baseline is an empty JVM
 * ({@code java -Xshare:auto -XX:+UseSerialGC}, a class that writes one byte and waits for the end of its input):
 * its time to that byte and its memory after the same idle time. Code ({@code --cp}): {@code cli} (the default) is
 * what {@code ./wdf4j run} gives its driver hosts (the host's jar and its lib/ jars: wdf4j-host, -framework, -api,
 * slf4j, logback, picocli), copied to a work directory at the start so that a rebuild cannot change them mid-run,
 * on the module path when they are modules (as the host then starts its driver hosts), else on the class path;
 * {@code bench} is what a driver host started from this jar gets (this jar, ~5 MB, on the class path).
 *
 * <p>The driver is the hello sample ({@code samples/hello/target/hello.jar} or {@code -Dwdf4j.bench.helloJar}).
 * Linux only ({@code /proc}).
 */
public final class DriverHostStartup {

    static final String REGISTRY_ROOT = "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";

    private DriverHostStartup() {
    }

    /** A JVM configuration of the driver host: its options; an archive-making run's options, or null. */
    record Variant(String name, List<String> options, List<String> training, Map<String, String> env) {
        Variant(String name, List<String> options) {
            this(name, options, null, Map.of());
        }
    }

    /** One start: milliseconds to Ready, LoadDone, EntryDone (NaN where not applicable), then memory in kB. */
    record Start(double readyMs, double loadedMs, double entryMs, double cpuMs, long rssKb, long hwmKb, long rssAnonKb,
                 long rssFileKb) {
    }

    public static void main(String[] args) throws Exception {
        // With the host's jar and this module's jar on one class path logback finds two logback.xml and says so at
        // length; the first (the host's) is used either way.
        if (System.getProperty("logback.statusListenerClass") == null) {
            System.setProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
        }
        int rounds = 10;
        long idleMs = 7000;
        String part = "all";
        String cp = "cli";
        List<String> only = null;
        List<String> extra = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--idle-ms" -> idleMs = Long.parseLong(args[++i]);
                case "--part" -> part = args[++i];
                case "--cp" -> cp = args[++i];
                case "--only" -> only = List.of(args[++i].split(","));
                case "--extra" -> extra = List.of(args[++i].trim().split("\\s+"));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--rounds N] [--idle-ms MS] [--part api|options|all] [--cp cli|bench] "
                        + "[--only NAME,...] [--extra 'OPTIONS']");
            }
        }
        Path hello = DriverCycleBenchmark.helloJar();
        System.out.printf("# DriverHostStartup: %d rounds, idle %d ms, java %s, %d CPUs, load average %s%n", rounds,
                idleMs, System.getProperty("java.vm.version"), Runtime.getRuntime().availableProcessors(),
                loadAverage());
        System.out.printf("# a driver host's options (DriverHostProcess.JVM_OPTIONS, JvmFlags.HARDENING): %s%n%n",
                String.join(" ", PipeFloorBenchmark.driverHostJvmOptions()));
        if (part.equals("api") || part.equals("all")) {
            api(hello, rounds, idleMs);
        }
        if (part.equals("costs") || part.equals("all")) {
            costs(rounds, cp);
        }
        if (part.equals("options") || part.equals("all")) {
            options(hello, rounds, idleMs, cp, only, extra);
        }
        System.out.printf("# done, load average %s%n", loadAverage());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Part api

    static void api(Path helloJar, int rounds, long idleMs) throws Exception {
        try (DriverHost host = DriverHost.create().checkCollection(false)) {
            DriverPackage pkg = DriverPackage.open(helloJar);
            for (int i = 0; i < 3; i++) {
                stop(host, start(host, pkg, HostingModel.IN_PROCESS));
                stop(host, start(host, pkg, HostingModel.ISOLATED));
            }
            double[] inProcess = new double[rounds];
            double[] isolated = new double[rounds];
            double[] cpu = new double[rounds];
            long[] rss = new long[rounds];
            long[] hwm = new long[rounds];
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                HostedDriver local = start(host, pkg, HostingModel.IN_PROCESS);
                inProcess[r] = (System.nanoTime() - t0) / 1e6;
                stop(host, local);

                t0 = System.nanoTime();
                HostedDriver remote = start(host, pkg, HostingModel.ISOLATED);
                isolated[r] = (System.nanoTime() - t0) / 1e6;
                cpu[r] = cpuMs(remote.pid());
                Thread.sleep(idleMs);
                Map<String, Long> status = procStatus(remote.pid());
                rss[r] = status.get("VmRSS");
                hwm[r] = status.get("VmHWM");
                stop(host, remote);
            }
            Map<String, Long> self = procStatus(ProcessHandle.current().pid());
            System.out.println("## API: DriverHost.start(hello, VerifierSettings.OFF, model), time until it returns "
                    + "(DriverEntry returned)");
            System.out.println();
            System.out.println("| Start | median ms | min ms | max ms | ratio (medians) |");
            System.out.println("|---|---:|---:|---:|---:|");
            System.out.printf("| IN_PROCESS (baseline) | %.2f | %.2f | %.2f | 1 |%n", median(inProcess),
                    min(inProcess), max(inProcess));
            System.out.printf("| ISOLATED | %.1f | %.1f | %.1f | %.0fx |%n", median(isolated), min(isolated),
                    max(isolated), median(isolated) / median(inProcess));
            System.out.println();
            List<String> jvmArgs = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
            System.out.printf("The driver host's CPU time (all its threads) when start returned: median %.0f ms (%s). "
                    + "After %d ms idle: VmRSS median %.1f MB (min %.1f, max %.1f), VmHWM median %.1f MB. This JVM "
                    + "(the host, %s): VmRSS %.1f MB.%n%n", median(cpu), range(cpu, 1, "%.0f"), idleMs,
                    median(rss) / 1024.0, min(rss) / 1024.0, max(rss) / 1024.0, median(hwm) / 1024.0,
                    jvmArgs.isEmpty() ? "default JVM options" : String.join(" ", jvmArgs), self.get("VmRSS") / 1024.0);
        }
    }

    static HostedDriver start(DriverHost host, DriverPackage pkg, HostingModel model) throws Exception {
        HostedDriver d = host.start(pkg, VerifierSettings.OFF, model);
        if (!d.isRunning()) {
            throw new IllegalStateException(model + " start failed: " + d.report());
        }
        return d;
    }

    static void stop(DriverHost host, HostedDriver d) {
        UnloadReport report = host.stop(d);
        if (!report.clean()) {
            throw new IllegalStateException("unclean unload:\n" + report.render());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Part costs

    /**
     * Two one-time costs every fresh driver host pays before its first driver's DriverEntry returns, each timed inside
     * a JVM started with the driver host's options and the {@code --cp} code (with {@link ColdCosts} in a
     * directory of its own on the class path): SLF4J's first
     * logger (logback finds and parses its XML configuration) and then the framework's {@code Trace} class, whose
     * initialization creates JFR events (JFR's metadata and event classes are loaded the first time an event is made,
     * recording or not).
     */
    static void costs(int rounds, String cpChoice) throws Exception {
        Path work = Files.createTempDirectory("wdf4j-costs-");
        Code code = code(cpChoice, work);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(PipeFloorBenchmark.driverHostJvmOptions());
        command.addAll(code.launchFrom(classDir(work, ColdCosts.class), ColdCosts.class));
        double[] logging = new double[rounds];
        double[] jfr = new double[rounds];
        double[] total = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() != 0 || !out.startsWith("logging ")) {
                throw new IllegalStateException("ColdCosts said: " + out);
            }
            total[r] = (System.nanoTime() - t0) / 1e6;
            String[] w = out.split(" ");
            logging[r] = Double.parseDouble(w[1]);
            jfr[r] = Double.parseDouble(w[3]);
        }
        System.out.printf("## One-time costs in a fresh driver host JVM (its options, %s code on the %s, %d runs; "
                + "medians, min–max)%n%n", cpChoice, code.modular() ? "module path" : "class path", rounds);
        System.out.println("| Step | ms |");
        System.out.println("|---|---:|");
        System.out.printf("| first SLF4J logger (logback configures itself from logback.xml) | %.1f (%s) |%n",
                median(logging), range(logging, 1, "%.1f"));
        System.out.printf("| then `Trace` initialized (its JFR events: JFR's metadata and classes) | %.1f (%s) |%n",
                median(jfr), range(jfr, 1, "%.1f"));
        System.out.printf("| the whole process, start to exit (baseline of the two) | %.1f (%s) |%n%n", median(total),
                range(total, 1, "%.1f"));
    }

    /** Run in a fresh JVM by {@link #costs}: prints {@code logging MS jfr MS}. */
    public static final class ColdCosts {
        private ColdCosts() {
        }

        public static void main(String[] args) throws Exception {
            long t0 = System.nanoTime();
            org.slf4j.LoggerFactory.getLogger("org.wdf4j.driver").isInfoEnabled();
            long t1 = System.nanoTime();
            Class.forName("org.wdf4j.framework.trace.Trace", true, ColdCosts.class.getClassLoader());
            long t2 = System.nanoTime();
            System.out.printf("logging %.3f jfr %.3f%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Part options

    static void options(Path helloJar, int rounds, long idleMs, String cpChoice, List<String> only, List<String> extra)
            throws Exception {
        Path work = Files.createTempDirectory("wdf4j-startup-");
        Code code = code(cpChoice, work);
        DriverPackage pkg = DriverPackage.open(helloJar);
        Path idleDir = classDir(work, Idle.class);
        System.out.printf("## Driver host JVM options (%s code: %s)%n%n", cpChoice, code.toString().replace(
                work.toString(), "WORK"));

        List<String> base = PipeFloorBenchmark.driverHostJvmOptions();
        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("current", base));
        variants.add(new Variant("+ -XX:-UsePerfData", plus(base, "-XX:-UsePerfData")));
        variants.add(new Variant("- -XX:TieredStopAtLevel=1 (C2 on)", minus(base, "-XX:TieredStopAtLevel=1")));
        variants.add(new Variant("+ -XX:CICompilerCount=1", plus(base, "-XX:CICompilerCount=1")));
        variants.add(new Variant("+ -XX:ReservedCodeCacheSize=16m", plus(base, "-XX:ReservedCodeCacheSize=16m")));
        variants.add(new Variant("-Xss1m → -Xss256k", replace(base, "-Xss1m", "-Xss256k")));
        variants.add(new Variant("+ -XX:MaxRAM=256m", plus(base, "-XX:MaxRAM=256m")));
        variants.add(new Variant("-Xmx512m → -Xmx64m", replace(base, "-Xmx512m", "-Xmx64m")));
        variants.add(new Variant("-Xms8m → -Xms4m", replace(base, "-Xms8m", "-Xms4m")));
        variants.add(new Variant("+ -XX:+UseCompactObjectHeaders", plus(base, "-XX:+UseCompactObjectHeaders")));
        variants.add(new Variant("+ -XX:TrimNativeHeapInterval=1000", plus(base, "-XX:TrimNativeHeapInterval=1000")));
        variants.add(new Variant("+ environment MALLOC_ARENA_MAX=2", base, null, Map.of("MALLOC_ARENA_MAX", "2")));
        variants.add(new Variant("-Xshare:auto → -Xshare:off", replace(base, "-Xshare:auto", "-Xshare:off")));
        String nop = "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider";
        variants.add(new Variant("+ " + nop + " (no logback: no log lines at all)", plus(base, nop)));
        // The JVM's unified logging writes its warnings and errors to standard output by default, which is the driver
        // host's channel: a CDS or AOT message there (an archive that does not match, say) breaks the protocol.
        List<String> logToStderr = List.of("-Xlog:disable", "-Xlog:all=warning:stderr");
        variants.add(new Variant("+ -Xlog:disable -Xlog:all=warning:stderr (the JVM's log to standard error)",
                plus(base, logToStderr.toArray(String[]::new))));
        // Dynamic AppCDS as a host would use it without a build step: the first driver host writes the archive when
        // it exits, the next ones map it (the training run is that first driver host).
        String jsa = work.resolve("driver-host.jsa").toString();
        List<String> appCds = plus(base, "-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=" + jsa);
        variants.add(new Variant("+ -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=F (dynamic AppCDS; with the log "
                + "to standard error)", appCds, appCds, Map.of()));
        // The JDK 25 AOT cache (JEP 483, 514), made by one training run: it cannot be named together with an
        // -Xshare option, so -Xshare:auto goes.
        String aot = work.resolve("driver-host.aot").toString();
        List<String> noShare = plus(minus(base, "-Xshare:auto"), "-Xlog:disable", "-Xlog:all=warning:stderr");
        variants.add(new Variant("-Xshare:auto → -XX:AOTCache=F (JDK 25 AOT cache; with the log to standard error)",
                plus(noShare, "-XX:AOTCache=" + aot), plus(noShare, "-XX:AOTCacheOutput=" + aot), Map.of()));
        // Combinations of what helped above.
        String trim = "-XX:TrimNativeHeapInterval=1000";
        String jsa2 = work.resolve("driver-host-2.jsa").toString();
        List<String> recommended = plus(replace(base, "-Xms8m", "-Xms4m"), trim, "-Xlog:disable",
                "-Xlog:all=warning:stderr", "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + jsa2);
        variants.add(new Variant("A (options only): -Xms8m → -Xms4m, + " + trim + ", the log to standard error, "
                + "-XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=F", recommended, recommended, Map.of()));
        String jsa3 = work.resolve("driver-host-3.jsa").toString();
        List<String> recommendedLean = plus(replace(base, "-Xms8m", "-Xms4m"), trim, "-Xlog:disable",
                "-Xlog:all=warning:stderr", nop, "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + jsa3);
        variants.add(new Variant("A (options only) + " + nop + " (what a driver host without logback would get)",
                recommendedLean, recommendedLean, Map.of()));
        String aot2 = work.resolve("driver-host-2.aot").toString();
        List<String> recommendedAot = plus(replace(noShare, "-Xms8m", "-Xms4m"), trim);
        variants.add(new Variant("B (an AOT cache made beforehand): -Xshare:auto → -XX:AOTCache=F, -Xms8m → -Xms4m, + "
                + trim + ", the log to standard error", plus(recommendedAot, "-XX:AOTCache=" + aot2),
                plus(recommendedAot, "-XX:AOTCacheOutput=" + aot2), Map.of()));
        String aot3 = work.resolve("driver-host-3.aot").toString();
        List<String> leanest = plus(recommendedAot, nop);
        variants.add(new Variant("B + " + nop + " (what a driver host without logback would get)",
                plus(leanest, "-XX:AOTCache=" + aot3), plus(leanest, "-XX:AOTCacheOutput=" + aot3), Map.of()));
        if (only != null) {
            variants.removeIf(v -> only.stream().noneMatch(v.name()::contains));
        }
        if (!extra.isEmpty()) {
            variants.replaceAll(v -> new Variant(v.name() + " " + String.join(" ", extra),
                    plus(v.options(), extra.toArray(String[]::new)),
                    v.training() == null ? null : plus(v.training(), extra.toArray(String[]::new)), v.env()));
        }
        System.out.printf("# work directory (WORK): %s%n", work);

        Map<String, String> failures = new LinkedHashMap<>();
        for (Variant v : variants) {
            if (v.training() != null) {
                try {
                    Start t = driverHost(v.training(), v.env(), code, pkg, 0, work.resolve("train.err"));
                    System.out.printf("# training run of '%s': %.0f ms to DriverEntry%n", v.name(), t.entryMs());
                } catch (Exception | AssertionError e) {
                    failures.put(v.name(), "training run failed: " + e.getMessage());
                    System.out.printf("# training run of '%s' failed: %s%n", v.name(), e.getMessage());
                }
            }
        }
        for (String archive : List.of(jsa, aot, jsa2, jsa3, aot2, aot3)) {
            if (Files.exists(Path.of(archive))) {
                System.out.printf("# %s: %.1f MB%n", Path.of(archive).getFileName(),
                        Files.size(Path.of(archive)) / 1048576.0);
            }
        }

        Map<String, List<Start>> results = new LinkedHashMap<>();
        List<Start> empty = new ArrayList<>();
        List<String> emptyOptions = List.of("-Xshare:auto", "-XX:+UseSerialGC");
        for (int r = 0; r < rounds; r++) {
            empty.add(emptyJvm(emptyOptions, idleDir, idleMs));
            for (Variant v : variants) {
                List<Start> list = results.computeIfAbsent(v.name(), k -> new ArrayList<>());
                if (failures.containsKey(v.name())) {
                    continue;
                }
                try {
                    list.add(driverHost(v.options(), v.env(), code, pkg, idleMs, work.resolve("run.err")));
                } catch (Exception | AssertionError e) {
                    failures.put(v.name(), e.getMessage());
                    System.out.printf("# '%s' failed: %s%n", v.name(), e.getMessage());
                }
            }
        }

        System.out.println();
        System.out.printf("Medians of %d starts each; memory after %d ms idle (driver loaded, DriverEntry returned). "
                + "Ratios: start to DriverEntry against the empty JVM's start; VmRSS against the empty JVM's.%n%n",
                rounds, idleMs);
        System.out.println("| Variant | Ready ms | Loaded ms | **DriverEntry returned ms** (min–max) | vs empty JVM "
                + "| CPU ms to DriverEntry | vs empty JVM | **VmRSS MB** (min–max) | vs empty JVM | RssAnon MB "
                + "| RssFile MB |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        double emptyStart = median(empty.stream().mapToDouble(Start::readyMs).toArray());
        double emptyCpu = median(empty.stream().mapToDouble(Start::cpuMs).toArray());
        double emptyRss = median(empty.stream().mapToDouble(Start::rssKb).toArray());
        System.out.printf("| empty JVM (`%s`, baseline: time and CPU to its first byte) | %.0f | – | %.0f (%s) | 1 "
                        + "| %.0f | 1 | %.1f (%s) | 1 | %.1f | %.1f |%n",
                String.join(" ", emptyOptions), emptyStart, emptyStart,
                range(empty.stream().mapToDouble(Start::readyMs).toArray(), 1, "%.0f"), emptyCpu, emptyRss / 1024,
                range(empty.stream().mapToDouble(Start::rssKb).toArray(), 1024, "%.1f"),
                median(empty.stream().mapToDouble(Start::rssAnonKb).toArray()) / 1024,
                median(empty.stream().mapToDouble(Start::rssFileKb).toArray()) / 1024);
        for (Variant v : variants) {
            List<Start> s = results.get(v.name());
            if (failures.containsKey(v.name())) {
                System.out.printf("| %s | failed: %s |%n", v.name(), failures.get(v.name()).replace('|', '/')
                        .replace('\n', ' '));
                continue;
            }
            double[] entry = s.stream().mapToDouble(Start::entryMs).toArray();
            double[] cpu = s.stream().mapToDouble(Start::cpuMs).toArray();
            double[] rss = s.stream().mapToDouble(Start::rssKb).toArray();
            System.out.printf("| %s | %.0f | %.0f | **%.0f** (%s) | %.1fx | %.0f | %.1fx | **%.1f** (%s) | %.2fx | %.1f "
                            + "| %.1f |%n",
                    v.name(), median(s.stream().mapToDouble(Start::readyMs).toArray()),
                    median(s.stream().mapToDouble(Start::loadedMs).toArray()), median(entry),
                    range(entry, 1, "%.0f"), median(entry) / emptyStart, median(cpu), median(cpu) / emptyCpu,
                    median(rss) / 1024, range(rss, 1024, "%.1f"), median(rss) / emptyRss,
                    median(s.stream().mapToDouble(Start::rssAnonKb).toArray()) / 1024,
                    median(s.stream().mapToDouble(Start::rssFileKb).toArray()) / 1024);
        }
        System.out.println();
        for (Variant v : variants) {
            System.out.printf("- %s: `%s%s`%n", v.name(), v.env().isEmpty() ? "" : v.env() + " ",
                    String.join(" ", v.options()).replace(work.toString(), "WORK"));
        }
        System.out.println();
    }

    /**
     * The host's code as a driver host is given it: on the module path (the host's modules, as {@code ./wdf4j} and,
     * when the code is modular, {@code DriverHostProcess} put it) or on the class path.
     */
    record Code(String path, boolean modular) {

        /** The {@code java} options that run {@code mainClass}, a class of the host's module. */
        List<String> launch(String mainClass) {
            return modular ? List.of("--module-path", path, "-m", HOST_MODULE + "/" + mainClass)
                    : List.of("-cp", path, mainClass);
        }

        /** The {@code java} options that run {@code mainClass} from {@code dir}, with the host's code resolvable. */
        List<String> launchFrom(Path dir, Class<?> mainClass) {
            return modular ? List.of("--module-path", path, "--add-modules", "ALL-MODULE-PATH", "-cp", dir.toString(),
                    mainClass.getName())
                    : List.of("-cp", path + java.io.File.pathSeparator + dir, mainClass.getName());
        }

        @Override
        public String toString() {
            return (modular ? "module path " : "class path ") + path;
        }
    }

    static final String HOST_MODULE = "org.wdf4j.host";

    static Code code(String cpChoice, Path work) throws IOException {
        return switch (cpChoice) {
            case "bench" -> new Code(PipeFloorBenchmark.driverHostClassPath(), false);
            case "cli" -> cliCode(work);
            default -> throw new IllegalArgumentException("--cp cli or bench, not " + cpChoice);
        };
    }

    /**
     * The code {@code ./wdf4j run} gives a driver host, from copies of the jars it would name: the host's jar and
     * those of its lib/ directory (framework, API, slf4j, logback, and picocli where the host has it); on the module
     * path when the host, framework and API jars are modules (with descriptors), else on the class path.
     */
    static Code cliCode(Path work) throws IOException {
        Path target = Path.of("wdf4j-host", "target").toAbsolutePath();
        Path lib = target.resolve("lib");
        List<Path> jars = new ArrayList<>();
        jars.add(target.resolve("wdf4j-host.jar"));
        for (String prefix : List.of("wdf4j-framework-", "wdf4j-api-", "slf4j-api-", "logback-classic-",
                "logback-core-", "picocli-")) {
            try (var files = Files.list(lib)) {
                Optional<Path> jar = files.filter(p -> p.getFileName().toString().startsWith(prefix)
                        && p.getFileName().toString().endsWith(".jar")).findFirst();
                if (jar.isPresent()) {
                    jars.add(jar.get());
                } else if (!prefix.equals("picocli-")) {
                    throw new IllegalStateException("no " + prefix + "*.jar in " + lib + ": build the project first "
                            + "(./mvnw -q -B -o package -DskipTests), and run from the repository root");
                }
            }
        }
        Path dir = Files.createDirectories(work.resolve("cp"));
        List<Path> copies = new ArrayList<>();
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build the project first, run from the repository "
                        + "root");
            }
            Path copy = dir.resolve(jar.getFileName());
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            copies.add(copy);
        }
        ModuleFinder finder = ModuleFinder.of(copies.toArray(Path[]::new));
        boolean modular = List.of(HOST_MODULE, "org.wdf4j.framework", "org.wdf4j.api").stream()
                .allMatch(name -> finder.find(name).map(m -> !m.descriptor().isAutomatic()).orElse(false));
        return new Code(String.join(java.io.File.pathSeparator, copies.stream().map(Path::toString).toList()), modular);
    }

    /** Starts a driver host, loads hello and calls its DriverEntry; idles; reads its memory; asks it to exit. */
    static Start driverHost(List<String> options, Map<String, String> env, Code code, DriverPackage pkg,
                            long idleMs, Path err) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(code.launch("org.wdf4j.host.DriverHostMain"));
        long t0 = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process p = builder.start();
        try {
            Channel ch = new Channel(p.getInputStream(), p.getOutputStream());
            Message m = ch.receive();
            if (!(m instanceof Message.Ready)) {
                throw new IllegalStateException("expected Ready, got " + m + stderr(err));
            }
            long tReady = System.nanoTime();
            ch.send(new Message.Load(1, 1, pkg.name(), pkg.jar().toAbsolutePath().toString(), pkg.entryClass(),
                    REGISTRY_ROOT + pkg.name(), VerifierSettings.OFF));
            Message.LoadDone loaded = (Message.LoadDone) await(ch, Message.LoadDone.class, err);
            if (loaded.loadError() != null) {
                throw new IllegalStateException("load failed: " + loaded.loadError());
            }
            long tLoaded = System.nanoTime();
            ch.send(new Message.Entry(2, 1));
            Message.EntryDone done = (Message.EntryDone) await(ch, Message.EntryDone.class, err);
            long tEntry = System.nanoTime();
            double cpu = cpuMs(p.pid());
            if (!done.outcome().status().equals(NtStatus.STATUS_SUCCESS)) {
                throw new IllegalStateException("DriverEntry failed: " + done.outcome());
            }
            long rss = 0, hwm = 0, anon = 0, file = 0;
            if (idleMs > 0) {
                Thread.sleep(idleMs);
                Map<String, Long> status = procStatus(p.pid());
                rss = status.get("VmRSS");
                hwm = status.get("VmHWM");
                anon = status.get("RssAnon");
                file = status.get("RssFile") + status.getOrDefault("RssShmem", 0L);
            }
            ch.send(new Message.Exit());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the driver host did not exit when asked");
            }
            return new Start((tReady - t0) / 1e6, (tLoaded - t0) / 1e6, (tEntry - t0) / 1e6, cpu, rss, hwm, anon, file);
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** The next message of that type, answering the calls a driver host may make meanwhile. */
    static Message await(Channel ch, Class<? extends Message> type, Path err) throws IOException {
        while (true) {
            Message m = ch.receive();
            if (m == null) {
                throw new IllegalStateException("the driver host ended before " + type.getSimpleName() + stderr(err));
            }
            if (type.isInstance(m)) {
                return m;
            }
            switch (m) {
                case Message.ParamCall c -> ch.send(new Message.ParamReply(c.call(), null, null, false, Map.of()));
                case Message.ClaimName c -> ch.send(new Message.NameReply(c.call(), true));
                default -> {
                    // events (driver state, devices): nothing to answer
                }
            }
        }
    }

    static String stderr(Path err) {
        try {
            return "; its standard error: " + Files.readString(err);
        } catch (IOException e) {
            return "";
        }
    }

    /** A JVM with nothing to do: {@link Idle}, from a directory of its own. */
    static Start emptyJvm(List<String> options, Path classDir, long idleMs) throws Exception {
        List<String> command = PipeFloorBenchmark.javaCommand(options, classDir.toString(), Idle.class);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            if (p.getInputStream().read() < 0) {
                throw new IllegalStateException("the empty JVM ended without a word");
            }
            long tReady = System.nanoTime();
            double cpu = cpuMs(p.pid());
            Thread.sleep(idleMs);
            Map<String, Long> status = procStatus(p.pid());
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the empty JVM did not exit");
            }
            double ready = (tReady - t0) / 1e6;
            return new Start(ready, Double.NaN, Double.NaN, cpu, status.get("VmRSS"), status.get("VmHWM"),
                    status.get("RssAnon"), status.get("RssFile") + status.getOrDefault("RssShmem", 0L));
        } finally {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** Writes a class's file into a directory of its own (so that the JVM running it opens no other jar). */
    static Path classDir(Path work, Class<?> type) throws IOException {
        Path dir = work.resolve(type.getSimpleName());
        String name = type.getName().replace('.', '/') + ".class";
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        try (InputStream in = DriverHostStartup.class.getResourceAsStream("/" + name)) {
            Files.copy(in, file);
        }
        return dir;
    }

    /** The empty JVM's program: one byte on standard output, then waits for the end of its input. */
    public static final class Idle {
        private Idle() {
        }

        public static void main(String[] args) throws IOException {
            OutputStream out = System.out;
            out.write('R');
            out.flush();
            while (System.in.read() >= 0) {
                // wait
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Helpers

    /** The kB fields of /proc/PID/status (VmRSS, VmHWM, RssAnon, RssFile, RssShmem...). */
    static Map<String, Long> procStatus(long pid) throws IOException {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            int colon = line.indexOf(':');
            String value = line.substring(colon + 1).strip();
            if (value.endsWith(" kB")) {
                values.put(line.substring(0, colon), Long.parseLong(value.substring(0, value.length() - 3).strip()));
            }
        }
        return values;
    }

    /** The CPU time (user + system, all threads) a process has used so far, from /proc/PID/stat (10 ms steps). */
    static double cpuMs(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after "pid (comm) ": state is field 3, utime field 14 and stime field 15, in clock ticks (USER_HZ, 100)
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    static List<String> plus(List<String> base, String... more) {
        List<String> l = new ArrayList<>(base);
        l.addAll(Arrays.asList(more));
        return l;
    }

    static List<String> minus(List<String> base, String option) {
        List<String> l = new ArrayList<>(base);
        if (!l.remove(option)) {
            throw new IllegalStateException(option + " is not in " + base);
        }
        return l;
    }

    static List<String> replace(List<String> base, String option, String by) {
        List<String> l = new ArrayList<>(base);
        int i = l.indexOf(option);
        if (i < 0) {
            throw new IllegalStateException(option + " is not in " + base);
        }
        l.set(i, by);
        return l;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    static double median(long[] values) {
        return median(Arrays.stream(values).asDoubleStream().toArray());
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }

    static double min(long[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    static double max(long[] v) {
        return Arrays.stream(v).max().orElse(0);
    }

    static String range(double[] v, double divisor, String format) {
        return String.format(format, min(v) / divisor) + "–" + String.format(format, max(v) / divisor);
    }
}
