package org.wdf4j.bench;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.openjdk.jmh.annotations.Warmup;
import org.wdf4j.NtStatus;
import org.wdf4j.host.isolation.Channel;
import org.wdf4j.host.isolation.Message;

/**
 * The floor under {@link IsolationBenchmark}'s isolated figures: the same messages over the same pipes to a child JVM
 * started with the driver host's options and class path, but no framework and no driver behind them
 * ({@link PipeEchoMain} answers each request on its reader thread).
 *
 * <ul>
 *   <li>{@code read4kReaderThread}, {@code read64kReaderThread}, {@code write64ReaderThread},
 *       {@code read4kAsync16ReaderThread}: the threads of the
 *       host's side of a driver host: the caller sends a {@link Message.Read} (or {@link Message.Write}) through the
 *       {@link Channel}, a reader thread of its own receives the {@link Message.IoDone}, finds the caller's
 *       {@code CompletableFuture} by I/O number in a {@code ConcurrentHashMap} and completes it, the caller joins it.
 *       So one request wakes three threads: the child's reader, the host's reader, the caller.</li>
 *   <li>{@code read4kDirect}: the caller sends and reads the answer itself (a child of its own): two wake-ups per
 *       request, the least any pipe-based design can do.</li>
 * </ul>
 *
 * <p>{@code childOptions}: {@code driver-host} runs the child with the driver host's options
 * ({@code DriverHostProcess.JVM_OPTIONS}, read by reflection so that this follows the host's list, and
 * {@code JvmFlags.driverHost()}, see {@link #driverHostJvmOptions}); {@code driver-host-C2} the same without
 * {@code -XX:TieredStopAtLevel=1} (the child's code reaches C2).
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class PipeFloorBenchmark {

    static final int READ = 4096;
    static final int OUTSTANDING = 16;

    /**
     * The JVM options {@code DriverHostProcess.start} gives a driver host: its {@code JVM_OPTIONS} (read by reflection,
     * the class is the host's and not public), then {@code JvmFlags.driverHost()} (hardening, its drivers' native
     * access, the JDK modules), or {@code JvmFlags.HARDENING} in a host that has no such method. (It also names an
     * error file and turns core dumps off, which change nothing here.)
     */
    @SuppressWarnings("unchecked")
    static List<String> driverHostJvmOptions() {
        List<String> options = new ArrayList<>();
        try {
            Field f = Class.forName("org.wdf4j.host.DriverHostProcess").getDeclaredField("JVM_OPTIONS");
            f.setAccessible(true);
            options.addAll((List<String>) f.get(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read DriverHostProcess.JVM_OPTIONS", e);
        }
        try {
            options.addAll((List<String>) org.wdf4j.host.JvmFlags.class.getMethod("driverHost").invoke(null));
        } catch (NoSuchMethodException e) {
            options.addAll(org.wdf4j.host.JvmFlags.HARDENING);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call JvmFlags.driverHost()", e);
        }
        return List.copyOf(options);
    }

    /**
     * The code a driver host started from this JVM runs, as a class path: {@code HostCode.locations()} (or, in a host
     * without it, {@code DriverHostProcess.classPath()}). From the shaded benchmark jar that is the jar itself, and the
     * host puts it on the class path (its module descriptors were dropped).
     */
    @SuppressWarnings("unchecked")
    static String driverHostClassPath() {
        try {
            Method m = Class.forName("org.wdf4j.host.HostCode").getDeclaredMethod("locations");
            m.setAccessible(true);
            return String.join(java.io.File.pathSeparator, ((List<Path>) m.invoke(null)).stream().map(Path::toString)
                    .toList());
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            try {
                Method m = Class.forName("org.wdf4j.host.DriverHostProcess").getDeclaredMethod("classPath");
                m.setAccessible(true);
                return (String) m.invoke(null);
            } catch (ReflectiveOperationException e2) {
                throw new IllegalStateException("cannot find the driver host's code (HostCode.locations(), "
                        + "DriverHostProcess.classPath())", e2);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call HostCode.locations()", e);
        }
    }

    static List<String> javaCommand(List<String> options, String classPath, Class<?> main) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.add("-cp");
        command.add(classPath);
        command.add(main.getName());
        return command;
    }

    /** A started {@link PipeEchoMain}, ready. */
    @State(Scope.Benchmark)
    public abstract static class Child {
        @Param({"driver-host", "driver-host-C2"})
        public String childOptions;

        Process process;
        Channel channel;
        final AtomicLong nextIo = new AtomicLong(1);

        @Setup(Level.Trial)
        public void start() throws IOException {
            List<String> options = new ArrayList<>(driverHostJvmOptions());
            if (childOptions.equals("driver-host-C2")) {
                if (!options.remove("-XX:TieredStopAtLevel=1")) {
                    throw new IllegalStateException("JVM_OPTIONS has no -XX:TieredStopAtLevel=1: " + options);
                }
            } else if (!childOptions.equals("driver-host")) {
                throw new IllegalArgumentException("childOptions: " + childOptions);
            }
            process = new ProcessBuilder(javaCommand(options, driverHostClassPath(), PipeEchoMain.class))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            channel = new Channel(process.getInputStream(), process.getOutputStream());
            if (!(channel.receive() instanceof Message.Ready ready) || ready.pid() != process.pid()) {
                throw new IllegalStateException("PipeEchoMain did not say it was ready");
            }
            System.out.printf("%n[PipeFloorBenchmark] child %d: %s%n", process.pid(), options);
            afterStart();
        }

        void afterStart() {
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            channel.send(new Message.Exit());
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("PipeEchoMain did not exit");
            }
        }
    }

    /** The host's threads: a reader thread completes the callers' futures. */
    @State(Scope.Benchmark)
    public static class WithReader extends Child {
        final Map<Long, CompletableFuture<Message.IoDone>> waiting = new ConcurrentHashMap<>();

        @Override
        void afterStart() {
            Thread reader = new Thread(() -> {
                try {
                    Message m;
                    while ((m = channel.receive()) != null) {
                        Message.IoDone done = (Message.IoDone) m;
                        CompletableFuture<Message.IoDone> f = waiting.remove(done.io());
                        if (f != null) {
                            f.complete(done);
                        }
                    }
                } catch (IOException e) {
                    // the child is gone
                }
            }, "pipe-floor-reader");
            reader.setDaemon(true);
            reader.start();
        }

        CompletableFuture<Message.IoDone> send(Message m, long io) {
            CompletableFuture<Message.IoDone> f = new CompletableFuture<>();
            waiting.put(io, f);
            try {
                channel.send(m);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return f;
        }
    }

    /** The caller reads the answer itself. */
    @State(Scope.Benchmark)
    public static class Direct extends Child {
    }

    static Message.IoDone check(Message.IoDone d, long information) {
        if (d.status().code() != NtStatus.STATUS_SUCCESS.code() || d.information() != information) {
            throw new IllegalStateException("unexpected answer " + d);
        }
        return d;
    }

    @Benchmark
    public Message.IoDone read4kReaderThread(WithReader s) {
        long io = s.nextIo.getAndIncrement();
        return check(s.send(new Message.Read(io, 1, READ), io).join(), READ);
    }

    @Benchmark
    public Message.IoDone read64kReaderThread(WithReader s) {
        long io = s.nextIo.getAndIncrement();
        return check(s.send(new Message.Read(io, 1, 65536), io).join(), 65536);
    }

    @Benchmark
    public Message.IoDone write64ReaderThread(WithReader s) {
        long io = s.nextIo.getAndIncrement();
        return check(s.send(new Message.Write(io, 1, new byte[64]), io).join(), 64);
    }

    @Benchmark
    @OperationsPerInvocation(OUTSTANDING)
    public long read4kAsync16ReaderThread(WithReader s) {
        @SuppressWarnings("unchecked")
        CompletableFuture<Message.IoDone>[] f = new CompletableFuture[OUTSTANDING];
        for (int i = 0; i < OUTSTANDING; i++) {
            long io = s.nextIo.getAndIncrement();
            f[i] = s.send(new Message.Read(io, 1, READ), io);
        }
        long total = 0;
        for (CompletableFuture<Message.IoDone> x : f) {
            total += check(x.join(), READ).information();
        }
        return total;
    }

    @Benchmark
    public Message.IoDone read4kDirect(Direct s) throws IOException {
        long io = s.nextIo.getAndIncrement();
        s.channel.send(new Message.Read(io, 1, READ));
        Message.IoDone d = (Message.IoDone) s.channel.receive();
        if (d.io() != io) {
            throw new IllegalStateException("answer " + d.io() + " to request " + io);
        }
        return check(d, READ);
    }
}
