package org.wdf4j.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;

/**
 * Issue #10, H11: the client API's cost of a request to an isolated driver (in a driver host process, the UMDF model)
 * against the same request to the same driver in-process (the KMDF model, the baseline), measured in the same run.
 *
 * <p>The driver is the null sample ({@code samples/null/target/null.jar}, or {@code -Dwdf4j.bench.nullJar=PATH};
 * hardware ID {@code ROOT\NULL}: reads fill the framework's output buffer with zeros and complete inline, writes
 * complete inline, every I/O control is completed with STATUS_INVALID_DEVICE_REQUEST, all on a Parallel default
 * queue), started with the verifier off in a {@link DriverHost} of the benchmark's JVM with
 * {@code hosting} = {@code in-process} or {@code isolated}; one {@code ROOT\NULL} device is added and opened through
 * its interface. Isolated, the driver host is the child JVM {@code DriverHost} starts itself (its
 * {@code JVM_OPTIONS}, the benchmark jar as its class path), and every request and every completion crosses its
 * standard input and output.
 *
 * <ul>
 *   <li>{@code read4k}: {@code handle.read(4096)}, the synchronous {@code ReadFile}: 4,096 zero bytes back (checked:
 *       status, length).</li>
 *   <li>{@code read64k}: {@code handle.read(65536)}: the same with 64 KiB, which do not fit in one pipe buffer
 *       (64 KiB on Linux) together with their message's header.</li>
 *   <li>{@code write64}: {@code handle.write(64 bytes)}: information 64.</li>
 *   <li>{@code ioctl}: {@code handle.deviceIoControl(code, 16 bytes, 16)}: the driver's EvtIoDeviceControl completes
 *       it with STATUS_INVALID_DEVICE_REQUEST (the null device has no control codes), so this is a control request's
 *       whole round trip with its input, and no output.</li>
 *   <li>{@code read4kAsync16}: 16 {@code readAsync(4096)} submitted, then the 16 results joined: requests pipelined
 *       on one handle (per request: {@code @OperationsPerInvocation(16)}).</li>
 *   <li>{@code read4k2Threads}: {@code read4k} from two threads at once, each with its own handle.</li>
 * </ul>
 *
 * <p>After the trial (not measured) the driver is stopped; its report must be clean, and the driver host (isolated)
 * must have exited.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class IsolationBenchmark {

    static final String NULL_JAR_PROPERTY = "wdf4j.bench.nullJar";
    static final String NULL_JAR_DEFAULT = "samples/null/target/null.jar";
    /** The null sample's interface class, NullDriver.GUID_DEVINTERFACE_NULL (the sample is not on this class path). */
    static final UUID GUID_DEVINTERFACE_NULL = UUID.fromString("f717fdc9-73e8-45fc-b499-14aaa7aea457");
    /** Any code: the null device rejects them all, after the round trip. */
    static final int IOCTL_ANY = (0x22 << 16) | (0x800 << 2);
    static final int READ = 4096;
    static final int READ_LARGE = 65536;
    static final int OUTSTANDING = 16;

    @Param({"in-process", "isolated"})
    public String hosting;

    DriverHost host;
    HostedDriver driver;
    String path;

    /** The null sample's JAR, or an exception that says where it was looked for. */
    static Path nullJar() {
        String configured = System.getProperty(NULL_JAR_PROPERTY);
        Path jar = Path.of(configured == null ? NULL_JAR_DEFAULT : configured).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the null sample driver package is not at " + jar + " (run from the "
                    + "repository root, or pass -D" + NULL_JAR_PROPERTY + "=PATH); build it with "
                    + "./mvnw -B install -pl samples,samples/null -DskipTests");
        }
        return jar;
    }

    static HostingModel model(String hosting) {
        return switch (hosting) {
            case "in-process" -> HostingModel.IN_PROCESS;
            case "isolated" -> HostingModel.ISOLATED;
            default -> throw new IllegalArgumentException("hosting: in-process or isolated, not " + hosting);
        };
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        host = DriverHost.create().checkCollection(false);
        driver = host.start(DriverPackage.open(nullJar()), VerifierSettings.OFF, model(hosting));
        if (!driver.isRunning()) {
            throw new IllegalStateException("the null driver did not start: " + driver.report());
        }
        if ((driver.pid() == ProcessHandle.current().pid()) != (model(hosting) == HostingModel.IN_PROCESS)) {
            throw new IllegalStateException("the driver runs in " + driver.where() + ", not " + hosting);
        }
        host.pnp().addDevice("ROOT\\NULL");
        List<IoClient.DeviceInterface> interfaces = host.client().interfaces(GUID_DEVINTERFACE_NULL);
        if (interfaces.size() != 1) {
            throw new IllegalStateException("expected one null device interface, found " + interfaces);
        }
        path = interfaces.getFirst().path();
        System.out.printf("%n[IsolationBenchmark] %s: the null driver runs in %s%n", hosting, driver.where());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            long pid = driver.pid();
            UnloadReport report = host.stop(driver);
            if (!report.clean()) {
                throw new IllegalStateException("the null driver's unload was not clean:\n" + report.render());
            }
            if (model(hosting) == HostingModel.ISOLATED && ProcessHandle.of(pid).map(ProcessHandle::isAlive)
                    .orElse(false)) {
                throw new IllegalStateException("the driver host " + pid + " did not exit after its driver unloaded");
            }
        } finally {
            host.close();
        }
    }

    /** One handle per benchmark thread. */
    @State(Scope.Thread)
    public static class Handle {
        DeviceHandle handle;
        final byte[] data = new byte[64];
        final byte[] ioctlInput = new byte[16];
        final PendingIo[] pending = new PendingIo[OUTSTANDING];

        @Setup(Level.Trial)
        public void open(IsolationBenchmark b) {
            var opened = b.host.client().open(b.path);
            if (!opened.isSuccess()) {
                throw new IllegalStateException("cannot open " + b.path + ": " + opened.status());
            }
            handle = opened.value();
            IoResult first = handle.read(READ);
            if (!first.isSuccess() || first.data().length != READ || first.data()[READ - 1] != 0) {
                throw new IllegalStateException("a read of the null device gave " + first);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            handle.close();
        }
    }

    static IoResult check(IoResult r, NtStatus status, long information) {
        if (r.status().code() != status.code() || r.information() != information) {
            throw new IllegalStateException("unexpected result " + r + " (expected " + status + ", " + information + ")");
        }
        return r;
    }

    @Benchmark
    public IoResult read4k(Handle h) {
        return check(h.handle.read(READ), NtStatus.STATUS_SUCCESS, READ);
    }

    @Benchmark
    public IoResult read64k(Handle h) {
        return check(h.handle.read(READ_LARGE), NtStatus.STATUS_SUCCESS, READ_LARGE);
    }

    @Benchmark
    public IoResult write64(Handle h) {
        return check(h.handle.write(h.data), NtStatus.STATUS_SUCCESS, h.data.length);
    }

    @Benchmark
    public IoResult ioctl(Handle h) {
        return check(h.handle.deviceIoControl(IOCTL_ANY, h.ioctlInput, 16), NtStatus.STATUS_INVALID_DEVICE_REQUEST, 0);
    }

    @Benchmark
    @OperationsPerInvocation(OUTSTANDING)
    public long read4kAsync16(Handle h) {
        PendingIo[] p = h.pending;
        for (int i = 0; i < OUTSTANDING; i++) {
            p[i] = h.handle.readAsync(READ);
        }
        long total = 0;
        for (int i = 0; i < OUTSTANDING; i++) {
            total += check(p[i].result().join(), NtStatus.STATUS_SUCCESS, READ).information();
            p[i] = null;
        }
        return total;
    }

    @Benchmark
    @Threads(2)
    public IoResult read4k2Threads(Handle h) {
        return check(h.handle.read(READ), NtStatus.STATUS_SUCCESS, READ);
    }
}
