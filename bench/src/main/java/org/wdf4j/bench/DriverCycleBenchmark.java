package org.wdf4j.bench;

import java.lang.reflect.Constructor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.UnloadReport;

/**
 * One driver's whole life in a {@link DriverHost}: load its package into a class loader of its own,
 * call DriverEntry, unload it (EvtDriverUnload, cleanup and destroy of its objects, the report),
 * against the floor of any such cycle: a {@code URLClassLoader} over the same JAR, loading the same
 * class, one instance, one method call, closing the loader.
 *
 * <p>The driver is the hello sample, {@code samples/hello/target/hello.jar} (entry class
 * {@value #ENTRY_CLASS}); another path can be given with {@code -D}{@value #HELLO_JAR_PROPERTY}{@code =...}.
 * A relative path is resolved against the working directory: run from the repository root.
 *
 * <ul>
 *   <li>{@code floorUrlClassLoader} (baseline): {@code new URLClassLoader} over hello.jar whose
 *       parent is the application class loader (it sees wdf4j-api, which the driver class needs),
 *       {@code Class.forName(entry, false, loader)}, the public no-argument constructor (which
 *       initializes the class), {@code hashCode()} called reflectively, {@code close()}. Checks
 *       that the class came from the new loader.</li>
 *   <li>{@code cycleWithoutCollectionCheck}: {@code host.start(pkg, VerifierSettings.OFF)} then
 *       {@code host.stop(hosted)} on a host with {@code checkCollection(false)}: the report says
 *       "not checked". Throws unless DriverEntry succeeded and the report is clean.</li>
 *   <li>{@code cycleWithCollectionCheck}: the same on a host with the check on (the default):
 *       {@code stop} waits for the driver's class loader to be collected, up to 10 {@code System.gc()}
 *       calls of at most 200 ms each. Throws unless the loader was collected.</li>
 * </ul>
 *
 * <p>One host per trial (hosts are long-lived), the package's manifest read once per trial. The
 * first host of a process starts a JFR recording stream of thread starts and ends
 * ({@code org.wdf4j.host.leak.ThreadStarts}); every cycle starts and ends the driver's passive
 * worker thread, so that stream's events are part of a cycle's cost. After the trial (not measured)
 * the host must have no driver loaded.
 *
 * <p>That stream's thread ("JFR Event Stream 1") is not a daemon and {@code DriverHost.close()} does
 * not end it, so a fork that made a host does not exit by itself: {@code -Djmh.shutdownTimeout=1}
 * lets JMH end it after one second instead of thirty (after the results are in).
 */
@State(Scope.Benchmark)
@Threads(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Djmh.shutdownTimeout=1", "-Djmh.shutdownTimeout.step=1"})
public class DriverCycleBenchmark {

    static final String HELLO_JAR_PROPERTY = "wdf4j.bench.helloJar";
    static final String HELLO_JAR_DEFAULT = "samples/hello/target/hello.jar";
    static final String ENTRY_CLASS = "org.wdf4j.samples.hello.HelloDriver";

    /** The hello sample's JAR, or an exception that says where it was looked for and how to fix it. */
    static Path helloJar() {
        String configured = System.getProperty(HELLO_JAR_PROPERTY);
        Path jar = Path.of(configured == null ? HELLO_JAR_DEFAULT : configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the hello sample driver package is not at " + jar + " ("
                    + (configured == null ? "the default " + HELLO_JAR_DEFAULT + " resolved against the working "
                            + "directory " + System.getProperty("user.dir") + "; run from the repository root"
                            : "-D" + HELLO_JAR_PROPERTY + "=" + configured)
                    + "). Build it (./mvnw -pl samples/hello package) or pass -D" + HELLO_JAR_PROPERTY + "=PATH.");
        }
        return jar;
    }

    // ---------------------------------------------------------------- floor

    @State(Scope.Benchmark)
    public static class Floor {
        URL[] urls;
        ClassLoader parent;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            urls = new URL[] {helloJar().toUri().toURL()};
            parent = ClassLoader.getSystemClassLoader();
            try {
                parent.loadClass(ENTRY_CLASS);
                throw new IllegalStateException(ENTRY_CLASS + " is on the benchmark's class path: the floor would "
                        + "not load it from hello.jar");
            } catch (ClassNotFoundException expected) {
                // the class comes from hello.jar only
            }
        }
    }

    @Benchmark
    @Warmup(iterations = 8, time = 1)
    @Measurement(iterations = 8, time = 1)
    public int floorUrlClassLoader(Floor floor) throws Exception {
        try (URLClassLoader loader = new URLClassLoader("bench-floor", floor.urls, floor.parent)) {
            Class<?> type = Class.forName(ENTRY_CLASS, false, loader);
            if (type.getClassLoader() != loader) {
                throw new IllegalStateException(ENTRY_CLASS + " was loaded by " + type.getClassLoader());
            }
            Constructor<?> constructor = type.getConstructor();
            Object instance = constructor.newInstance();
            return (Integer) type.getMethod("hashCode").invoke(instance);
        }
    }

    // ---------------------------------------------------------------- host cycles

    /** One host and one opened package per trial. */
    public abstract static class HostState {
        DriverHost host;
        DriverPackage pkg;
        long cycles;
        /** The reports' collection notes ("after 1 GC", ...) and how often each came. */
        final Map<String, Long> notes = new TreeMap<>();

        abstract boolean checkCollection();

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            host = DriverHost.create().checkCollection(checkCollection());
            pkg = DriverPackage.open(helloJar());
            if (!ENTRY_CLASS.equals(pkg.entryClass())) {
                throw new IllegalStateException(pkg.jar() + " names " + pkg.entryClass() + ", not " + ENTRY_CLASS);
            }
        }

        /** Not measured: the host must end the trial with no driver loaded. */
        @TearDown(Level.Trial)
        public void tearDown() {
            try {
                List<HostedDriver> left = host.drivers();
                if (!left.isEmpty() || host.driver(pkg.name()) != null) {
                    throw new IllegalStateException("drivers still loaded after the trial: " + left);
                }
                System.out.printf("%n[DriverCycleBenchmark] %,d cycles, host has no driver loaded; "
                        + "collection notes: %s%n", cycles, notes);
            } finally {
                host.close();
            }
        }
    }

    @State(Scope.Benchmark)
    public static class HostWithoutCheck extends HostState {
        @Override
        boolean checkCollection() {
            return false;
        }
    }

    @State(Scope.Benchmark)
    public static class HostWithCheck extends HostState {
        @Override
        boolean checkCollection() {
            return true;
        }
    }

    /** start + stop; the package's DriverEntry must succeed and the report must be clean. */
    static UnloadReport cycle(HostState s) throws Exception {
        HostedDriver hosted = s.host.start(s.pkg, VerifierSettings.OFF);
        UnloadReport report = s.host.stop(hosted);
        if (!report.driverEntrySucceeded() || !report.clean()) {
            throw new IllegalStateException("the cycle was not clean:\n" + report.render());
        }
        s.cycles++;
        return report;
    }

    @Benchmark
    @Warmup(iterations = 10, time = 1)
    @Measurement(iterations = 8, time = 1)
    public UnloadReport cycleWithoutCollectionCheck(HostWithoutCheck s) throws Exception {
        UnloadReport report = cycle(s);
        if (report.classLoaderCollected() != null) {
            throw new IllegalStateException("the collection check ran although it is off: " + report.collectionNote());
        }
        return report;
    }

    @Benchmark
    @Warmup(iterations = 4, time = 2)
    @Measurement(iterations = 8, time = 2)
    public UnloadReport cycleWithCollectionCheck(HostWithCheck s) throws Exception {
        UnloadReport report = cycle(s);
        if (!Boolean.TRUE.equals(report.classLoaderCollected())) {
            throw new IllegalStateException("the driver's class loader was not collected:\n" + report.render());
        }
        s.notes.merge(report.collectionNote(), 1L, Long::sum);
        return report;
    }
}
