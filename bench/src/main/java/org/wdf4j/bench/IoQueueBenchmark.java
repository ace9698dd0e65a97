package org.wdf4j.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.io.WdfIoQueueDispatchType;

/**
 * One 64-byte read: through a wdf4j I/O queue, against doing the same driver work by hand. Every variant runs the
 * same driver work ({@link IoBenchDevice#fill}: the 64-byte pattern put into a {@code ByteBuffer} over the read
 * buffer, status SUCCESS) and the same check of the result (status, length, last byte).
 *
 * <p>Baselines:
 * <ul>
 *   <li>{@code directCall}: the floor. {@code new byte[64]}, a handler called through an interface with
 *       {@code ByteBuffer.wrap} of it, the result as a small record (status, information, bytes).</li>
 *   <li>{@code executorSync}: the same work submitted as a {@code Callable} to a fixed pool of 2 threads
 *       ({@code Executors.newFixedThreadPool}), waiting on the {@code Future} per request.</li>
 *   <li>{@code executorAsync64}: 64 such submissions outstanding, then the 64 {@code Future.get()}s.</li>
 * </ul>
 *
 * <p>wdf4j (a PnP device started in-process, its default queue, verifier off; one handle per benchmark thread):
 * <ul>
 *   <li>{@code wdf4jParallelInline}: {@code handle.read(64).future().join()} through a PARALLEL queue whose
 *       EvtIoRead retrieves the output buffer, does the work and completes the request inline.</li>
 *   <li>{@code wdf4jSequentialInline}: the same through a SEQUENTIAL queue.</li>
 *   <li>{@code wdf4jParallelAsync64Inline}: 64 reads submitted (each completed inline during its submission), then
 *       the 64 futures joined.</li>
 *   <li>{@code wdf4jParallelHandOffSync} / {@code wdf4jParallelAsync64HandOff}: a PARALLEL queue whose EvtIoRead
 *       hands the request to a fixed pool of 2 threads (the driver's own {@code ExecutorService}), where the work is
 *       done and the request completed; 1 or 64 outstanding. Their baselines are {@code executorSync} and
 *       {@code executorAsync64}: the same pool, the same hand-off, without the framework.</li>
 *   <li>{@code *2Threads}: the same with two benchmark threads ({@code @Threads(2)}), each with its own handle to
 *       the same device and queue.</li>
 * </ul>
 *
 * <p>The 64-request variants count 64 operations per invocation ({@code @OperationsPerInvocation(64)}): their
 * SampleTime figures are the time of a batch of 64 divided by 64, not the latency of one request.
 *
 * <p>After each trial (not measured) every handle must have no request in flight, and each driver must stop with
 * no findings.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class IoQueueBenchmark {

    static final int OUTSTANDING = 64;
    static final int POOL_THREADS = 2;

    /** The baselines' result, the counterpart of {@link FxIoStatus}. */
    record IoResult(NtStatus status, long information, byte[] output) {
    }

    /** The baselines' handler: the driver's work behind an interface, as EvtIoRead is. */
    @FunctionalInterface
    interface ReadHandler {
        NtStatus read(ByteBuffer buffer);
    }

    static IoResult check(IoResult r) {
        if (!r.status().isSuccess() || r.information() != IoBenchDevice.LENGTH || r.output().length != IoBenchDevice.LENGTH
                || r.output()[IoBenchDevice.LENGTH - 1] != IoBenchDevice.PATTERN[IoBenchDevice.LENGTH - 1]) {
            throw new IllegalStateException("the read did not return the pattern: " + r.status());
        }
        return r;
    }

    static ExecutorService fixedPool(String name) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return Executors.newFixedThreadPool(POOL_THREADS, factory);
    }

    static void shutdown(ExecutorService pool) throws InterruptedException {
        pool.shutdown();
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the pool did not end");
        }
    }

    // ---------------------------------------------------------------------------------------------------- baselines

    @State(Scope.Benchmark)
    public static class Direct {
        ReadHandler handler = IoBenchDevice::fill;
        java.util.concurrent.Callable<IoResult> task = this::read;

        /** One read done by hand: the client's buffer, the handler, the result. */
        IoResult read() {
            byte[] out = new byte[IoBenchDevice.LENGTH];
            NtStatus status = handler.read(ByteBuffer.wrap(out));
            return new IoResult(status, status.isSuccess() ? IoBenchDevice.LENGTH : 0, out);
        }
    }

    @State(Scope.Benchmark)
    public static class Pool {
        ExecutorService pool;

        @Setup(Level.Trial)
        public void setUp() {
            pool = fixedPool("baseline-pool");
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            shutdown(pool);
        }
    }

    @State(Scope.Thread)
    public static class Futures {
        @SuppressWarnings({"unchecked", "rawtypes"})
        final Future<IoResult>[] futures = new Future[OUTSTANDING];
    }

    @Benchmark
    public IoResult directCall(Direct d) {
        return check(d.read());
    }

    @Benchmark
    @Threads(2)
    public IoResult directCall2Threads(Direct d) {
        return check(d.read());
    }

    @Benchmark
    public IoResult executorSync(Direct d, Pool p) throws Exception {
        return check(p.pool.submit(d.task).get());
    }

    @Benchmark
    @OperationsPerInvocation(OUTSTANDING)
    public void executorAsync64(Direct d, Pool p, Futures f, Blackhole bh) throws Exception {
        Future<IoResult>[] futures = f.futures;
        for (int i = 0; i < OUTSTANDING; i++) {
            futures[i] = p.pool.submit(d.task);
        }
        for (int i = 0; i < OUTSTANDING; i++) {
            bh.consume(check(futures[i].get()));
        }
    }

    // ---------------------------------------------------------------------------------------------------- wdf4j

    /** A started device whose default queue completes reads as its subclass says. */
    public abstract static class DeviceState {
        IoBenchDevice device;

        /** After the driver stopped (not measured). */
        void afterStop() throws InterruptedException {
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            try {
                device.stop();
            } finally {
                afterStop();
            }
        }
    }

    @State(Scope.Benchmark)
    public static class ParallelInline extends DeviceState {
        @Setup(Level.Trial)
        public void start() {
            device = IoBenchDevice.start("ioparallel", WdfIoQueueDispatchType.PARALLEL, IoBenchDevice::readInline);
        }
    }

    @State(Scope.Benchmark)
    public static class SequentialInline extends DeviceState {
        @Setup(Level.Trial)
        public void start() {
            device = IoBenchDevice.start("iosequential", WdfIoQueueDispatchType.SEQUENTIAL, IoBenchDevice::readInline);
        }
    }

    /** EvtIoRead hands the request to the driver's own fixed pool of 2 threads, which completes it. */
    @State(Scope.Benchmark)
    public static class ParallelHandOff extends DeviceState {
        ExecutorService pool;

        @Setup(Level.Trial)
        public void start() {
            pool = fixedPool("driver-pool");
            ExecutorService p = pool;
            device = IoBenchDevice.start("iohandoff", WdfIoQueueDispatchType.PARALLEL,
                    (queue, request, length) -> p.execute(() -> IoBenchDevice.completeRead(request)));
        }

        @Override
        void afterStop() throws InterruptedException {
            shutdown(pool);
        }
    }

    /** One benchmark thread's open handle. */
    public abstract static class Client {
        FxFileHandle handle;
        final FxIrp[] irps = new FxIrp[OUTSTANDING];

        @TearDown(Level.Trial)
        public void close() {
            IoBenchDevice.close(handle, "after the trial");
        }
    }

    @State(Scope.Thread)
    public static class ParallelInlineClient extends Client {
        @Setup(Level.Trial)
        public void open(ParallelInline d) {
            handle = d.device.open();
        }
    }

    @State(Scope.Thread)
    public static class SequentialInlineClient extends Client {
        @Setup(Level.Trial)
        public void open(SequentialInline d) {
            handle = d.device.open();
        }
    }

    @State(Scope.Thread)
    public static class ParallelHandOffClient extends Client {
        @Setup(Level.Trial)
        public void open(ParallelHandOff d) {
            handle = d.device.open();
        }
    }

    static FxIoStatus readSync(FxFileHandle handle) {
        return IoBenchDevice.check(handle.read(IoBenchDevice.LENGTH).future().join());
    }

    static void read64(Client c, Blackhole bh) {
        FxIrp[] irps = c.irps;
        FxFileHandle handle = c.handle;
        for (int i = 0; i < OUTSTANDING; i++) {
            irps[i] = handle.read(IoBenchDevice.LENGTH);
        }
        for (int i = 0; i < OUTSTANDING; i++) {
            bh.consume(IoBenchDevice.check(irps[i].future().join()));
            irps[i] = null;
        }
    }

    @Benchmark
    public FxIoStatus wdf4jParallelInline(ParallelInlineClient c) {
        return readSync(c.handle);
    }

    @Benchmark
    @Threads(2)
    public FxIoStatus wdf4jParallelInline2Threads(ParallelInlineClient c) {
        return readSync(c.handle);
    }

    @Benchmark
    public FxIoStatus wdf4jSequentialInline(SequentialInlineClient c) {
        return readSync(c.handle);
    }

    @Benchmark
    @Threads(2)
    public FxIoStatus wdf4jSequentialInline2Threads(SequentialInlineClient c) {
        return readSync(c.handle);
    }

    @Benchmark
    @OperationsPerInvocation(OUTSTANDING)
    public void wdf4jParallelAsync64Inline(ParallelInlineClient c, Blackhole bh) {
        read64(c, bh);
    }

    @Benchmark
    public FxIoStatus wdf4jParallelHandOffSync(ParallelHandOffClient c) {
        return readSync(c.handle);
    }

    @Benchmark
    @OperationsPerInvocation(OUTSTANDING)
    public void wdf4jParallelAsync64HandOff(ParallelHandOffClient c, Blackhole bh) {
        read64(c, bh);
    }
}
