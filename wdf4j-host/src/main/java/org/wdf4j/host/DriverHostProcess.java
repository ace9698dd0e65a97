package org.wdf4j.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxChildDescription;
import org.wdf4j.framework.FxChildIds;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxFileEndpoint;
import org.wdf4j.framework.FxIrpEndpoint;
import org.wdf4j.framework.FxTargetDeviceListener;
import org.wdf4j.framework.FxTargetResolver;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.host.isolation.Channel;
import org.wdf4j.host.isolation.ChannelReader;
import org.wdf4j.host.isolation.SharedChannelFile;
import org.wdf4j.host.isolation.Message;
import org.wdf4j.io.WdfRequestor;

/**
 * The host's side of one driver host process (UMDF's reflector for one WUDFHost): starts the JVM, carries every call
 * to it and every event from it, and notices at once when it ends (its output ends when it dies, however it dies).
 * Then every request outstanding in it completes with STATUS_DRIVER_PROCESS_TERMINATED, its devices are deleted
 * from the host's namespace, and its drivers are told the cause (H4, H5).
 *
 * <p>Threads: one reader per process takes its messages in order and never waits on a driver (calls the driver host
 * makes, a name claim or a Parameters value, are answered from host data at once); one thread pumps its standard
 * error into the host's log. Calls wait on the caller's thread, bounded by a timeout past which the driver host is
 * ended as hung (H7).
 */
final class DriverHostProcess implements RemoteFileCarrier {

    private static final Logger LOG = LoggerFactory.getLogger(DriverHostProcess.class);
    /** How long a new driver host may take to say it is ready. */
    static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /** How long an asked-for exit may take before the process is killed. */
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    /** The JVM options of a driver host: a small heap that grows, a collector for small heaps, a clean OOM exit. */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xms4m", "-Xmx512m", "-Xss1m",
            "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
            // The JVM's unified log writes to standard output by default, which is the channel: warnings and errors
            // go to standard error instead (BENCHMARKS section 8: a CDS mismatch's log line broke the protocol).
            "-Xlog:disable", "-Xlog:all=warning:stderr",
            // Gives an idle driver host's freed native memory back (about 6 MB, BENCHMARKS section 8.3).
            "-XX:TrimNativeHeapInterval=1000",
            // The class-data archives mapped where they were made, not relocated: relocating writes every page it
            // touches, which then stops being the file's (shared by every driver host) and becomes the process's own
            // (about 10 MB, BENCHMARKS section 8.5). Address randomization of the JDK's class metadata protects
            // nothing in a process whose drivers have native access anyway.
            "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
            // Log lines to standard error without logback's start (about 200 ms of CPU and 5 MB, section 8).
            "-Dslf4j.provider=org.wdf4j.host.logging.DriverHostLogProvider",
            // The JVM's own messages (an OutOfMemoryError's exit, a crash's summary) go to standard error, which the
            // host logs and reads for the cause: standard output is the channel.
            "-XX:+DisplayVMOutputToStderr");
    /**
     * The system property that chooses a driver host's JIT: {@code c1} (the default: C1 only, quicker to start and
     * about 4 MB smaller, BENCHMARKS.md section 8) or {@code tiered} (C2 too: a driver's hot code runs as fast as
     * in-process once warm, for drivers that compute).
     */
    static final String COMPILER = "wdf4j.driverHost.compiler";
    private static final int LAST_WORDS = 80;
    private static final Duration THREAD_DUMP_TIMEOUT = Duration.ofSeconds(10);
    /** Times the cancels and closes sent to driver hosts (H7); one daemon thread for the whole host. */
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "wdf4j-driver-host-watchdog");
                t.setDaemon(true);
                return t;
            });

    private final Process process;
    private final long pid;
    /** The pool this process serves, or null for a driver host of one driver's own. */
    private final String pool;
    /** The host process timeout (H7): how long an operation may take without progress. */
    private final Duration timeout;
    /** The file where the process notes which driver it is calling; read after it ended ({@link Blackbox}). */
    private final Path blackbox;
    private final Channel channel;
    /** Reads the channel: the reader thread, and threads waiting for their own answer (awaitDirect). */
    private final ChannelReader reader;
    /** Completed with the process's pid by its Ready message, or exceptionally when it ends before. */
    private final CompletableFuture<Long> ready = new CompletableFuture<>();
    /** The memory the channel lies in, when it is shared ({@link ChannelTransport#SHARED}); null on the pipes. */
    private final SharedChannelFile shared;
    /** Calls waiting for their answer, by call number. */
    private final Map<Integer, CompletableFuture<Message>> calls = new ConcurrentHashMap<>();
    private final AtomicInteger nextCall = new AtomicInteger(1);
    /** The drivers loaded in this process, by the number the host gave them here. */
    private final Map<Integer, IsolatedDriverRuntime> drivers = new ConcurrentHashMap<>();
    private final AtomicInteger nextDriver = new AtomicInteger(1);
    /** The devices of its drivers, by the driver host's number. */
    private final Map<Integer, RemoteDevice> devices = new ConcurrentHashMap<>();
    /** The opens of its devices, by the driver host's number. */
    private final Map<Integer, RemoteFile> files = new ConcurrentHashMap<>();
    /** Opens closed and not yet answered by {@link Message.CloseDone}, by the driver host's number (H7's watch). */
    private final Map<Integer, RemoteFile> closing = new ConcurrentHashMap<>();
    /** Requests in flight, by I/O number. */
    private final Map<Long, RemoteIrp> requests = new ConcurrentHashMap<>();
    private final AtomicLong nextIo = new AtomicLong(1);
    /** The host's remote targets and notifications, which the drivers of this process reach through it (ST5, ST9). */
    private final TargetNotifications targets;
    /** Opens of the host's devices made for remote targets of drivers of this process, by the host's number. */
    private final Map<Integer, FxFileEndpoint> targetFiles = new ConcurrentHashMap<>();
    private final AtomicInteger nextTargetFile = new AtomicInteger(1);
    /** Requests of those targets in flight, by this process's I/O number. */
    private final Map<Long, FxIrpEndpoint> targetRequests = new ConcurrentHashMap<>();
    /** This process's registrations for targets' devices and interfaces, by its watch number. */
    private final Map<Integer, FxTargetResolver.Registration> watches = new ConcurrentHashMap<>();
    /**
     * Submits the targets' requests, in the order they came, off the reader thread: a driver of the host's process may
     * run its callback on the submitting thread, and must not stop this process's messages meanwhile.
     */
    private final java.util.concurrent.ExecutorService targetIo;
    /** Null while the process serves; then why it ended. Set once. */
    private final AtomicReference<String> ended = new AtomicReference<>();
    private final CompletableFuture<Void> endedFuture = new CompletableFuture<>();
    /** The last lines the process wrote on its standard error; guarded by itself. */
    private final ArrayDeque<String> lastWords = new ArrayDeque<>();
    /** The thread that pumps the process's standard error; set once at start. */
    private volatile Thread errorPump;
    /** Set by {@link #exit()}: the end that follows is asked for, not a failure. */
    private volatile boolean exiting;
    /** The stacks of its threads when the host ended it as hung; null otherwise. */
    private volatile String hungStacks;
    /** Why the host ended it (a timeout), to name in the cause; null otherwise. */
    private volatile String endedByHost;
    /** Which driver ended it, and with what call ({@code driver x called System.exit(7)}); null otherwise. */
    private volatile String endedByDriver;
    /** Where the events its drivers' framework sends ({@code wdf4j trace}) go; null until it was first asked to stream. */
    private volatile java.util.function.Consumer<TraceEvent> traceSink;

    private DriverHostProcess(Process process, String pool, Path blackbox, Duration timeout, SharedChannelFile shared,
            long spinNanos, TargetNotifications targets) {
        this.process = process;
        this.targets = targets;
        this.targetIo = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wdf4j-driver-host-" + process.pid() + "-targets");
            t.setDaemon(true);
            return t;
        });
        this.timeout = timeout;
        this.pid = process.pid();
        this.pool = pool;
        this.blackbox = blackbox;
        this.shared = shared;
        this.channel = shared != null ? shared.hostEnd()
                : new Channel(process.getInputStream(), process.getOutputStream());
        // A read into a caller's buffer (a device file's reply) gets its data read there from the channel, no array.
        this.channel.outputSinks(io -> {
            RemoteIrp irp = requests.get(io);
            return irp == null ? null : irp.into();
        });
        this.reader = new ChannelReader(channel, spinNanos, this::handle, e -> {
            // Part of a message may have been read: the channel cannot be trusted any more.
            LOG.warn("driver host {}: its connection broke: {}; ending it", pid, e.getMessage());
            endedByHost = "ended by the host: its connection broke (" + e.getMessage() + ")";
            process.destroyForcibly();
        });
    }

    /**
     * Starts a driver host JVM and waits until it is ready.
     *
     * @param pool the pool it serves, or null for a driver host of one driver's own
     * @param timeout the host process timeout (H7)
     * @param transport how the two carry their messages
     * @param targets the host's remote targets and notifications, for the drivers of the process
     * @throws IOException when it cannot be started or does not answer within {@link #READY_TIMEOUT}
     */
    static DriverHostProcess start(String pool, Duration timeout, ChannelTransport transport,
                                   TargetNotifications targets) throws IOException {
        List<String> jvmOptions = jvmOptions(); // before anything is made: a bad setting leaves nothing behind
        Path blackbox = Blackbox.create();
        Path channelFile = null;
        SharedChannelFile shared = null;
        java.util.concurrent.atomic.AtomicReference<Process> started = new java.util.concurrent.atomic.AtomicReference<>();
        if (transport.shared()) {
            try {
                channelFile = SharedChannelFile.create();
                shared = SharedChannelFile.map(channelFile, transport.spinNanos(), () -> {
                    Process p = started.get();
                    return p == null || p.isAlive();
                });
            } catch (IOException | RuntimeException e) {
                deleteFiles(blackbox, channelFile);
                throw e;
            }
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        // The host's hardening and JDK modules (H1, H9); native access for its drivers only (JvmFlags.driverHost()).
        command.addAll(JvmFlags.driverHost());
        // A crash leaves its report in the temp directory, not in the host's working directory, and no core.
        command.add("-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "wdf4j-driver-host-%p-hs_err.log"));
        command.add("-XX:-CreateCoredumpOnCrash");
        // The host's code on the module path, as the launcher runs the host (H9); see HostCode.
        List<String> launch = HostCode.launch(DriverHostMain.class);
        command.addAll(ClassDataArchive.options(launch));
        command.addAll(launch);
        command.add(blackbox.toString());
        if (channelFile != null) {
            command.add(channelFile.toString());
            command.add(Long.toString(transport.spinNanos()));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        if (shared != null) {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD); // the channel is the shared memory
        }
        Process process;
        try {
            process = builder.start();
            started.set(process);
        } catch (IOException e) {
            deleteFiles(blackbox, channelFile);
            throw e;
        }
        DriverHostProcess host = new DriverHostProcess(process, pool, blackbox, timeout, shared, transport.spinNanos(),
                targets);
        if (shared != null) {
            // Its end is the end of the channel: the host's reader reads what it wrote, then the end (H5).
            SharedChannelFile ending = shared;
            process.onExit().thenRun(ending::close);
        }
        CompletableFuture<Long> ready = host.ready;
        Thread reader = new Thread(host::read, "wdf4j-driver-host-" + host.pid + "-reader");
        reader.setDaemon(true);
        reader.start();
        Thread errors = new Thread(host::pumpErrors, "wdf4j-driver-host-" + host.pid + "-stderr");
        errors.setDaemon(true);
        host.errorPump = errors;
        errors.start();
        try {
            ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while starting a driver host", e);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new IOException("the driver host process " + host.pid + " did not start: "
                    + (e instanceof TimeoutException ? "no answer within " + READY_TIMEOUT.toSeconds() + " s"
                            : e.getCause().getMessage()) + host.lastWordsSuffix(), e);
        } finally {
            if (channelFile != null) {
                Files.deleteIfExists(channelFile); // both have mapped it (or it failed): no end leaves it behind
            }
        }
        LOG.info("driver host {} started", host.pid);
        return host;
    }

    /** {@link #JVM_OPTIONS} with the JIT that {@value #COMPILER} chooses; a bad value is refused with the choices. */
    static List<String> jvmOptions() {
        String compiler = System.getProperty(COMPILER, "c1").strip();
        return switch (compiler) {
            case "c1" -> JVM_OPTIONS;
            case "tiered" -> JVM_OPTIONS.stream().filter(o -> !o.startsWith("-XX:TieredStopAtLevel=")).toList();
            default -> throw new IllegalArgumentException("-D" + COMPILER + "=" + compiler + ": not a driver-host "
                    + "compiler; use c1 (the default: C1 only, quicker to start and smaller) or tiered (C2 too: "
                    + "faster driver code once warm)");
        };
    }

    /** Deletes a start's files (a null is no file) when the start fails. */
    private static void deleteFiles(Path... files) throws IOException {
        for (Path f : files) {
            if (f != null) {
                Files.deleteIfExists(f);
            }
        }
    }

    long pid() {
        return pid;
    }

    /** The pool it serves, or null for a driver host of one driver's own. */
    String pool() {
        return pool;
    }

    /** The host process timeout (H7). */
    Duration timeout() {
        return timeout;
    }

    /** Whether the process still serves (it has not ended, and is not exiting). */
    boolean isServing() {
        return ended.get() == null && !exiting;
    }

    /** Why the process ended, or null while it serves. */
    String endedBecause() {
        return ended.get();
    }

    /** Completes when the process has ended and everything in it was failed. */
    CompletableFuture<Void> onEnded() {
        return endedFuture;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Drivers

    /**
     * Registers a driver runtime and answers its number in this process.
     *
     * @throws DriverHostEndedException when the process has ended or is exiting (take another)
     */
    synchronized int attach(IsolatedDriverRuntime runtime) {
        if (!isServing()) {
            throw new DriverHostEndedException("driver host " + pid + " is " + (exiting ? "exiting" : "gone"));
        }
        int id = nextDriver.getAndIncrement();
        drivers.put(id, runtime);
        return id;
    }

    /**
     * Forgets a driver; answers true when it was the last one, and then the process is exiting: nothing can be
     * attached to it any more, and the caller must {@link #exit()} it.
     */
    synchronized boolean detach(int driver) {
        drivers.remove(driver);
        if (drivers.isEmpty() && isServing()) {
            exiting = true;
            return true;
        }
        return false;
    }

    /**
     * Sends a call to a driver and waits for its answer, for {@code timeout}, extended while the driver makes progress
     * (the driver host sends anything of that driver: a completion, an event, a Parameters call).
     *
     * @param driver the driver called, whose progress extends the wait; null for none
     * @throws DriverHostEndedException when the process ended, or did not answer in time (it is then ended as hung,
     *     its threads' stacks recorded, H7)
     */
    Message call(IntFunction<Message> message, Duration timeout, String what, IsolatedDriverRuntime driver) {
        CompletableFuture<Message> answer = callAsync(message);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        try {
            while (true) {
                try {
                    return answer.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    long progress = driver == null ? 0 : driver.lastActivityNanos();
                    if (progress - start > 0 && progress + timeout.toNanos() - System.nanoTime() > 0) {
                        deadline = progress + timeout.toNanos(); // the driver made progress: wait on
                        continue;
                    }
                    hung(what + " did not return within " + timeout.toSeconds() + " s");
                    onEnded().join();
                    throw new DriverHostEndedException(ended.get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverHostEndedException("interrupted while waiting for " + what);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof DriverHostEndedException ended ? ended
                    : new DriverHostEndedException(String.valueOf(e.getCause()));
        }
    }

    /** Sends a call; the future completes with its answer, or exceptionally with {@link DriverHostEndedException}. */
    CompletableFuture<Message> callAsync(IntFunction<Message> message) {
        int id = nextCall.getAndIncrement();
        CompletableFuture<Message> answer = new CompletableFuture<>();
        calls.put(id, answer);
        String cause = ended.get();
        if (cause != null) {
            calls.remove(id);
            answer.completeExceptionally(new DriverHostEndedException(cause));
            return answer;
        }
        send(message.apply(id));
        return answer;
    }

    /**
     * The process does not answer: its threads' stacks are recorded, then it is ended (H7) and handled as any other
     * end. Once only.
     */
    private synchronized void hung(String why) {
        if (endedByHost != null || ended.get() != null) {
            return;
        }
        endedByHost = "ended by the host: " + why;
        hungStacks = threadDump();
        LOG.warn("driver host {}: {}; ending it. Its threads:\n{}", pid, why, hungStacks);
        process.destroyForcibly();
    }

    /** The stacks of the process's threads ({@code jcmd PID Thread.print}), or why they could not be had. */
    private String threadDump() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true).start();
            CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return dump.getInputStream().readAllBytes();
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            if (!dump.waitFor(THREAD_DUMP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                dump.destroyForcibly();
                return "(jcmd did not answer within " + THREAD_DUMP_TIMEOUT.toSeconds() + " s)";
            }
            return new String(out.get(1, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
        } catch (IOException | ExecutionException | TimeoutException e) {
            return "(the stacks could not be had: " + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted while taking the stacks)";
        }
    }

    /** The stacks recorded before the host ended the process as hung, or null. */
    String hungStacks() {
        return hungStacks;
    }

    /**
     * H7: an operation sent without a call (a cancel, a close) must be done within the host process timeout, extended
     * while the driver makes progress; a driver host that outlives it with the operation outstanding is ended as hung.
     *
     * @param what the operation, and what it failed to do, for the cause: "the cancel of ... did not complete it"
     * @param outstanding whether the operation is still not done
     * @param sinceNanos when the period began: the operation was sent, or the driver last made progress
     */
    private void watch(String what, IsolatedDriverRuntime driver, BooleanSupplier outstanding, long sinceNanos) {
        Duration timeout = driver == null ? READY_TIMEOUT : driver.callTimeout();
        WATCHDOG.schedule(() -> {
            if (!outstanding.getAsBoolean() || !isServing()) {
                return;
            }
            long progress = driver == null ? 0 : driver.lastActivityNanos();
            if (progress - sinceNanos > 0) {
                watch(what, driver, outstanding, progress); // progress since: a new period from then
                return;
            }
            hung(what + " within " + timeout.toSeconds() + " s");
        }, Math.max(1, sinceNanos + timeout.toNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Asks the process to exit (its drivers are unloaded) and waits; answers how it ended. */
    String exit() {
        exiting = true;
        if (ended.get() != null) {
            return "had ended (" + ended.get() + ")";
        }
        send(new Message.Exit());
        try {
            if (!process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return "did not exit within " + EXIT_TIMEOUT.toSeconds() + " s of being asked; ended";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return "interrupted while waiting for its exit; ended";
        }
        return "exited with status " + process.exitValue();
    }

    /** Ends the process at once (SIGKILL); its end is handled as a failure. */
    void kill() {
        process.destroyForcibly();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Devices and I/O

    FxDevice.PnpOutcome pnp(RemoteDevice device, FxPnpMachine.Event event) {
        IsolatedDriverRuntime runtime = device.runtime;
        Duration timeout = runtime == null ? READY_TIMEOUT : runtime.callTimeout();
        try {
            Message answer = call(id -> new Message.Pnp(id, device.id, event), timeout,
                    "PnP " + event + " of " + device, runtime);
            return ((Message.PnpDone) answer).outcome();
        } catch (DriverHostEndedException e) {
            return new FxDevice.PnpOutcome(FxPnpMachine.State.REMOVED, NtStatus.STATUS_DRIVER_PROCESS_TERMINATED,
                    false, false);
        }
    }

    /** The children a bus device in this process reports (ST1); null when it could not answer. */
    List<FxChildDescription> busRelations(RemoteDevice device) {
        IsolatedDriverRuntime runtime = device.runtime;
        Duration timeout = runtime == null ? READY_TIMEOUT : runtime.callTimeout();
        try {
            Message.RelationsDone done = (Message.RelationsDone) call(id -> new Message.QueryRelations(id, device.id),
                    timeout, "bus relations of " + device, runtime);
            if (!done.answered()) {
                return null;
            }
            List<FxChildDescription> children = new ArrayList<>();
            for (Message.Child c : done.children()) {
                children.add(new FxChildDescription(devices.get(c.pdo().id()), new FxChildIds(c.deviceId(),
                        c.instanceId(), c.hardwareIds(), c.compatibleIds(), c.description(), c.location()), c.eject()));
            }
            return children;
        } catch (DriverHostEndedException e) {
            return null;
        }
    }

    CompletableFuture<NtResult<RemoteFile>> open(RemoteDevice device, WdfRequestor requestor, String fileName) {
        return callAsync(id -> new Message.Open(id, device.id, requestor.processId(), requestor.userId(),
                requestor.groupId(), fileName == null ? "" : fileName)).handle((answer, failure) -> {
                    if (failure != null) {
                        return NtResult.failure(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED);
                    }
                    Message.OpenDone done = (Message.OpenDone) answer;
                    if (!done.status().isSuccess()) {
                        return NtResult.failure(done.status());
                    }
                    RemoteFile file = new RemoteFile(done.file(), device, this, done.readiness());
                    files.put(done.file(), file);
                    if (device.isGone()) {
                        files.remove(done.file());
                        return NtResult.failure(NtStatus.STATUS_DELETE_PENDING);
                    }
                    return NtResult.success(file);
                });
    }

    @Override
    public RemoteIrp submit(RemoteFile file, java.util.function.LongFunction<Message> message,
                            java.nio.ByteBuffer into) {
        long io = nextIo.getAndIncrement();
        RemoteIrp irp = new RemoteIrp(io, file, into);
        requests.put(io, irp);
        if (ended.get() != null) { // ended() may have gone over the requests before this one was put
            requests.remove(io);
            irp.complete(terminated());
            return irp;
        }
        send(message.apply(io));
        return irp;
    }

    @Override
    public void cancel(RemoteIrp irp) {
        if (requests.containsKey(irp.io)) {
            send(new Message.Cancel(irp.io));
            watch("the cancel of " + irp + " did not complete it", irp.file.runtime(),
                    () -> requests.containsKey(irp.io), System.nanoTime());
        }
    }

    @Override
    public int cancelAll(RemoteFile file) {
        int n = 0;
        for (RemoteIrp irp : requests.values()) {
            if (irp.file == file) {
                n++;
            }
        }
        send(new Message.CancelAll(file.id));
        return n;
    }

    /** {@code CloseHandle}: the driver's EvtFileCleanup and EvtFileClose run in the driver host, timed (H7). */
    @Override
    public void closeFile(RemoteFile file) {
        files.remove(file.id);
        closing.put(file.id, file);
        send(new Message.CloseFile(file.id));
        watch("the cleanup and close of " + file + " (EvtFileCleanup, EvtFileClose) did not return",
                file.runtime(), () -> closing.containsKey(file.id), System.nanoTime());
    }

    /** Writes a message; when the process is gone the reader notices and fails what waits. */
    void send(Message m) {
        try {
            channel.send(m);
        } catch (IOException e) {
            LOG.debug("driver host {}: cannot send {}: {}", pid, m.getClass().getSimpleName(), e.toString());
        }
    }

    private static FxIoStatus terminated() {
        return new FxIoStatus(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED, 0, new byte[0]);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The reader

    /** The reader thread: reads and handles the channel until it ends, then handles the process's end. */
    private void read() {
        try {
            reader.run();
        } catch (IOException e) {
            if (!exiting) {
                LOG.warn("driver host {}: its connection broke: {}", pid, e.getMessage());
            }
        }
        // The output ended: the process died, or closed it. Make sure it is gone, then fail what it had.
        int status;
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                endedByHost = "ended by the host: it closed its connection to the host";
                process.destroyForcibly();
                process.waitFor();
            }
            status = process.exitValue();
            Thread pump = errorPump;
            if (pump != null) {
                pump.join(2_000); // its last words (an OutOfMemoryError) name the cause
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        ready.completeExceptionally(new IOException("it ended before it was ready (" + describe(status) + ")"));
        ended(describe(status));
    }

    /** Handles one message from the driver host, on the reader thread or a direct reader's. */
    private void handle(Message m) {
        try {
            dispatch(m);
        } catch (RuntimeException e) {
            LOG.error("driver host {}: handling {} failed", pid, m.getClass().getSimpleName(), e);
        }
    }

    /**
     * Waits on the calling thread, at most the channel's spin, for {@code future} to complete, reading the channel
     * itself meanwhile ({@link ChannelReader#awaitDirect}).
     *
     * @return whether {@code future} is complete
     */
    @Override
    public boolean awaitDirect(java.util.concurrent.Future<?> future) {
        return reader.awaitDirect(future);
    }

    private void dispatch(Message m) {
        IsolatedDriverRuntime concerned = concerned(m);
        if (concerned != null) {
            concerned.active();
        }
        switch (m) {
            case Message.IoDone d -> {
                RemoteIrp irp = requests.remove(d.io());
                if (irp != null) {
                    reader.answered(System.nanoTime() - irp.sentNanos);
                    irp.done(d);
                }
            }
            case Message.FileReadiness r -> {
                RemoteFile f = files.get(r.file());
                if (f != null) {
                    f.readiness(r.readiness(), true);
                }
            }
            case Message.CloseDone d -> closing.remove(d.file());
            case Message.DeviceWake w -> {
                RemoteDevice d = devices.get(w.device());
                if (d != null) {
                    d.woke();
                }
            }
            case Message.Ready r -> ready.complete(r.pid());
            case Message.LoadDone d -> answered(d.call(), d);
            case Message.EntryDone d -> answered(d.call(), d);
            case Message.StopDone d -> answered(d.call(), d);
            case Message.SnapshotDone d -> answered(d.call(), d);
            case Message.InspectDone d -> answered(d.call(), d);
            case Message.TraceStarted d -> answered(d.call(), d);
            case Message.AddDeviceDone d -> {
                if (d.device() != null) {
                    deviceFor(d.device());
                }
                answered(d.call(), d);
            }
            case Message.PnpDone d -> answered(d.call(), d);
            case Message.RelationsDone d -> {
                d.children().forEach(c -> deviceFor(c.pdo()));
                answered(d.call(), d);
            }
            case Message.RelationsChanged c -> {
                RemoteDevice device = devices.get(c.device());
                IsolatedDriverRuntime runtime = device == null ? null : device.runtime;
                if (runtime != null) {
                    runtime.listener().busRelationsChanged(device);
                }
            }
            case Message.Forgotten d -> answered(d.call(), d);
            case Message.OpenDone d -> answered(d.call(), d);
            case Message.ClaimName c -> {
                RemoteDevice device = deviceFor(c.device());
                IsolatedDriverRuntime runtime = device.runtime;
                boolean claimed = runtime != null && runtime.listener().claimName(c.name(), device);
                send(new Message.NameReply(c.call(), claimed));
            }
            case Message.ReleaseName r -> {
                RemoteDevice device = devices.get(r.device());
                IsolatedDriverRuntime runtime = device == null ? null : device.runtime;
                if (runtime != null) {
                    runtime.listener().releaseName(r.name(), device);
                }
            }
            case Message.InterfaceChanged c -> {
                RemoteDevice device = deviceFor(c.device());
                device.interfaceChanged(c.guid(), c.referenceString(), c.enabled());
                IsolatedDriverRuntime runtime = device.runtime;
                if (runtime != null) {
                    runtime.listener().interfaceStateChanged(device, c.guid(), c.referenceString(), c.enabled());
                }
            }
            case Message.ControlReady c -> {
                RemoteDevice device = deviceFor(c.device());
                device.controlReady();
                IsolatedDriverRuntime runtime = device.runtime;
                if (runtime != null) {
                    runtime.listener().controlDeviceReady(device);
                }
            }
            case Message.DeviceDeleted d -> {
                RemoteDevice device = devices.remove(d.device());
                if (device != null) {
                    deleted(device);
                }
            }
            case Message.DriverStateChanged c -> {
                IsolatedDriverRuntime runtime = drivers.get(c.driver());
                if (runtime != null) {
                    runtime.stateChanged(c.state(), c.failure());
                }
            }
            case Message.ParamCall c -> send(parameters(c));
            // the remote targets and notifications of the drivers of the process (ST5, ST9)
            case Message.ResolveTarget r -> {
                NtResult<FxDeviceEndpoint> found = targets.resolve(r.name());
                send(new Message.TargetFound(r.call(), found.status(), found.isSuccess() ? found.value().instanceId()
                        : null, found.isSuccess() ? found.value().driverName() : null));
            }
            case Message.OpenTarget o -> openTarget(o);
            case Message.Read r -> targetIo(r.io(), r.file(), f -> f.read(r.length(), r.offset()), null);
            case Message.Write w -> targetIo(w.io(), w.file(), f -> f.writeLent(w.data(), w.offset()), w::release);
            case Message.Flush fl -> targetIo(fl.io(), fl.file(), FxFileEndpoint::flushBuffers, null);
            case Message.Ioctl c -> targetIo(c.io(), c.file(), f -> f.deviceIoControl(c.ioControlCode(), c.input(),
                    c.outputLength()), null);
            case Message.Cancel c -> targetIo.execute(() -> {
                FxIrpEndpoint irp = targetRequests.get(c.io());
                if (irp != null) {
                    irp.cancel();
                }
            });
            case Message.CancelAll c -> targetIo.execute(() -> {
                FxFileEndpoint f = targetFiles.get(c.file());
                if (f != null) {
                    f.cancelAll();
                }
            });
            case Message.CloseFile c -> {
                FxFileEndpoint f = targetFiles.remove(c.file());
                if (f != null) {
                    f.close();
                }
                send(new Message.CloseDone(c.file()));
            }
            case Message.WatchTarget w -> watches.put(w.watch(),
                    targets.watchTarget(w.instanceId(), new TargetWatch(w.watch(), w.holder())));
            case Message.WatchInterfaces w -> watches.put(w.watch(), targets.watchInterfaces(w.guid(),
                    (arrival, guid, link) -> send(new Message.InterfaceNews(w.watch(), arrival, guid, link))));
            case Message.Unwatch u -> {
                FxTargetResolver.Registration r = watches.remove(u.watch());
                if (r != null) {
                    r.close();
                }
            }
            case Message.TargetAnswer a -> answered(a.call(), a);
            case Message.DriverEndsProcess e -> {
                IsolatedDriverRuntime runtime = drivers.get(e.driver());
                endedByDriver = "driver " + (runtime == null ? "#" + e.driver() : runtime.name()) + " called " + e.call();
            }
            case Message.TraceEvent t -> {
                java.util.function.Consumer<TraceEvent> sink = traceSink;
                if (sink != null) {
                    sink.accept(t.event());
                }
            }
            default -> LOG.warn("driver host {}: unexpected message {}", pid, m);
        }
    }

    /**
     * Asks the driver host to stream its drivers' framework events ({@code wdf4j trace}) to {@code sink}; the answer
     * completes once it records.
     */
    CompletableFuture<Message> traceStart(java.util.function.Consumer<TraceEvent> sink) {
        traceSink = sink;
        return callAsync(Message.TraceStart::new);
    }

    /** Asks the driver host to stop streaming (it sends what it recorded until then first). */
    void traceStop() {
        send(new Message.TraceStop());
    }

    /** A remote target of a driver of this process opens a device of the host as a client does (ST5). */
    private void openTarget(Message.OpenTarget o) {
        NtResult<FxDeviceEndpoint> found = targets.resolve(o.name());
        if (!found.isSuccess()) {
            send(new Message.OpenDone(o.call(), found.status(), 0, null));
            return;
        }
        found.value().open(new WdfRequestor(o.pid(), o.uid(), o.gid()), "").whenComplete((opened, failure) -> {
            if (failure != null || !opened.isSuccess()) {
                send(new Message.OpenDone(o.call(), failure != null ? NtStatus.STATUS_UNSUCCESSFUL : opened.status(), 0,
                        null));
                return;
            }
            FxFileEndpoint file = opened.value();
            if (ended.get() != null) {
                file.close(); // nobody to hold it any more
                return;
            }
            int id = nextTargetFile.getAndIncrement();
            targetFiles.put(id, file);
            send(new Message.OpenDone(o.call(), NtStatus.STATUS_SUCCESS, id, file.ioReadiness()));
        });
    }

    /**
     * A target's request, submitted in order off the reader thread; its completion goes back as {@code IoDone}, then
     * {@code done} runs (may be null: the request's data is free again).
     */
    private void targetIo(long io, int fileId, java.util.function.Function<FxFileEndpoint, FxIrpEndpoint> call,
                          Runnable done) {
        targetIo.execute(() -> {
            FxFileEndpoint file = targetFiles.get(fileId);
            if (file == null) {
                send(new Message.IoDone(io, NtStatus.STATUS_FILE_CLOSED, 0, (byte[]) null, null));
                if (done != null) {
                    done.run();
                }
                return;
            }
            FxIrpEndpoint irp = call.apply(file);
            targetRequests.put(io, irp);
            irp.future().whenComplete((status, failure) -> {
                targetRequests.remove(io);
                try {
                    send(Message.ioDone(io, status, null, file.ioReadiness()));
                } finally {
                    if (done != null) {
                        done.run();
                    }
                }
            });
        });
    }

    /**
     * A remote target of a driver of this process, as the host's PnP manager asks and tells it about its device: each
     * call waits for the target's answer there (bounded: a process that does not answer is ended as hung, H7). A
     * process that ended holds nothing.
     */
    private final class TargetWatch implements FxTargetDeviceListener {

        private final int watch;
        private final String holder;

        TargetWatch(int watch, String holder) {
            this.watch = watch;
            this.holder = holder;
        }

        private boolean tell(Message.TargetChange change) {
            if (ended.get() != null) {
                return true;
            }
            try {
                Message answer = call(id -> new Message.TargetQuery(id, watch, change), timeout,
                        change + " of " + holder, null);
                return !(answer instanceof Message.TargetAnswer a) || a.letGo();
            } catch (DriverHostEndedException e) {
                return true;
            }
        }

        @Override
        public boolean queryRemove() {
            return tell(Message.TargetChange.QUERY_REMOVE);
        }

        @Override
        public void removeCanceled() {
            tell(Message.TargetChange.REMOVE_CANCELED);
        }

        @Override
        public void removeComplete() {
            tell(Message.TargetChange.REMOVE_COMPLETE);
        }

        @Override
        public String describe() {
            return holder + " in " + DriverHostProcess.this;
        }
    }

    /** The driver a message from the driver host is about (its progress), or null. */
    private IsolatedDriverRuntime concerned(Message m) {
        return switch (m) {
            case Message.IoDone d -> {
                RemoteIrp irp = requests.get(d.io());
                yield irp == null ? null : irp.file.runtime();
            }
            case Message.FileReadiness r -> {
                RemoteFile f = files.get(r.file());
                yield f == null ? null : f.runtime();
            }
            case Message.CloseDone d -> {
                RemoteFile f = closing.get(d.file());
                yield f == null ? null : f.runtime();
            }
            case Message.ClaimName c -> runtimeOf(c.device().driverName());
            case Message.InterfaceChanged c -> runtimeOf(c.device().driverName());
            case Message.ControlReady c -> runtimeOf(c.device().driverName());
            case Message.DriverStateChanged c -> drivers.get(c.driver());
            case Message.ParamCall c -> drivers.get(c.driver());
            default -> null;
        };
    }

    private void answered(int call, Message answer) {
        CompletableFuture<Message> waiting = calls.remove(call);
        if (waiting != null) {
            waiting.complete(answer);
        }
    }

    private RemoteDevice deviceFor(Message.DeviceInfo info) {
        RemoteDevice device = devices.computeIfAbsent(info.id(),
                id -> new RemoteDevice(info, this, runtimeOf(info.driverName())));
        device.update(info);
        return device;
    }

    /** A device is deleted: its opens go, and the host's namespace forgets it. */
    private void deleted(RemoteDevice device) {
        device.gone();
        files.values().removeIf(f -> f.device == device);
        IsolatedDriverRuntime runtime = device.runtime;
        if (runtime != null) {
            runtime.listener().deviceDeleted(device);
        }
    }

    /** The device of that number, as the host knows it. */
    RemoteDevice device(int id) {
        return devices.get(id);
    }

    /** The control devices of a driver in this process, by name ({@code (unnamed)} without one). */
    List<String> controlDevices(String driverName) {
        List<String> names = new ArrayList<>();
        for (RemoteDevice d : devices.values()) {
            if (d.isControl() && d.driverName().equals(driverName)) {
                names.add(d.assignedName() == null ? "(unnamed)" : d.assignedName());
            }
        }
        return names;
    }

    private IsolatedDriverRuntime runtimeOf(String driverName) {
        for (IsolatedDriverRuntime r : drivers.values()) {
            if (r.name().equals(driverName)) {
                return r;
            }
        }
        return null;
    }

    /** A driver's Parameters key is the host's: the driver host has no access to the store. */
    private Message.ParamReply parameters(Message.ParamCall c) {
        IsolatedDriverRuntime runtime = drivers.get(c.driver());
        if (runtime == null) {
            return new Message.ParamReply(c.call(), "no driver #" + c.driver() + " in this driver host", null, false,
                    Map.of());
        }
        FxParameters parameters = runtime.parameters();
        try {
            return switch (c.op()) {
                case GET -> new Message.ParamReply(c.call(), null, parameters.get(c.name()), false, Map.of());
                case PUT -> {
                    parameters.put(c.name(), c.value());
                    yield new Message.ParamReply(c.call(), null, null, false, Map.of());
                }
                case REMOVE -> new Message.ParamReply(c.call(), null, null, parameters.remove(c.name()), Map.of());
                case VALUES -> new Message.ParamReply(c.call(), null, null, false, parameters.values());
            };
        } catch (IOException | RuntimeException e) {
            return new Message.ParamReply(c.call(), e.getMessage() == null ? e.toString() : e.getMessage(), null,
                    false, Map.of());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The end

    /** The process ended: fail what it had, once (H5). */
    private void ended(String cause) {
        if (!ended.compareAndSet(null, cause)) {
            return;
        }
        if (!exiting) {
            LOG.warn("driver host {} ended: {}", pid, cause);
        }
        // The drivers learn the cause first, so that whoever waits on a call that fails next reads it from them.
        Set<Integer> suspects = suspects();
        for (Map.Entry<Integer, IsolatedDriverRuntime> d : drivers.entrySet()) {
            IsolatedDriverRuntime runtime = d.getValue();
            try {
                runtime.processEnded(cause, exiting, suspects.isEmpty() || suspects.contains(d.getKey()));
            } catch (RuntimeException e) {
                LOG.error("driver host {}: telling driver {} that it ended failed", pid, runtime.name(), e);
            }
        }
        DriverHostEndedException failure = new DriverHostEndedException(cause);
        for (Integer id : List.copyOf(calls.keySet())) {
            CompletableFuture<Message> waiting = calls.remove(id);
            if (waiting != null) {
                waiting.completeExceptionally(failure);
            }
        }
        for (Long io : List.copyOf(requests.keySet())) {
            RemoteIrp irp = requests.remove(io);
            if (irp != null) {
                irp.complete(terminated());
            }
        }
        for (Integer id : List.copyOf(devices.keySet())) {
            RemoteDevice device = devices.remove(id);
            if (device != null) {
                deleted(device);
            }
        }
        files.clear();
        // its drivers' registrations and their targets' opens of the host's devices go with it
        for (Integer id : List.copyOf(watches.keySet())) {
            FxTargetResolver.Registration r = watches.remove(id);
            if (r != null) {
                r.close();
            }
        }
        for (Integer id : List.copyOf(targetFiles.keySet())) {
            FxFileEndpoint f = targetFiles.remove(id);
            if (f != null) {
                f.close();
            }
        }
        targetIo.shutdown();
        channel.close();
        endedFuture.complete(null);
    }

    /**
     * The drivers of this process to blame for its end (H6): the one that ended it, else those it was calling; empty
     * when it cannot tell (then every driver of the process counts the failure).
     */
    private Set<Integer> suspects() {
        try (Blackbox box = Blackbox.map(blackbox, false)) {
            Set<Integer> suspects = box.suspects();
            suspects.retainAll(drivers.keySet());
            return suspects;
        } catch (IOException e) {
            LOG.debug("driver host {}: cannot read its blackbox: {}", pid, e.toString());
            return Set.of();
        } finally {
            try {
                Files.deleteIfExists(blackbox);
            } catch (IOException ignored) {
                // a temp file left behind
            }
        }
    }

    /** The cause of an end, in words: the host's reason, out of memory, a signal, or the exit status. */
    private String describe(int status) {
        String byHost = endedByHost;
        String oom = null;
        synchronized (lastWords) {
            for (String line : lastWords) {
                if (line.contains("OutOfMemoryError")) {
                    oom = line.strip();
                }
            }
        }
        String crash = crashSummary();
        String how;
        if (status > 128 && status < 128 + 65) {
            int signal = status - 128;
            how = "killed by signal " + signal + signalName(signal);
        } else {
            how = "exited with status " + status;
        }
        if (byHost != null) {
            return byHost + " (" + how + ")";
        }
        String byDriver = endedByDriver;
        if (byDriver != null) {
            return byDriver + " (" + how + ")";
        }
        if (oom != null) {
            return "ran out of memory: " + oom + " (" + how + ")";
        }
        if (crash != null) {
            return "the JVM crashed: " + crash + " (" + how + ")";
        }
        return how;
    }

    /** Where a crashing driver host writes its fatal error report ({@code -XX:ErrorFile}). */
    static Path crashReport(long pid) {
        return Path.of(System.getProperty("java.io.tmpdir"), "wdf4j-driver-host-" + pid + "-hs_err.log");
    }

    /**
     * What the JVM's fatal error report says, when the process crashed: the signal, the problematic frame, the thread
     * and the report's path; null when it left no report.
     */
    private String crashSummary() {
        Path report = crashReport(pid);
        if (!Files.isRegularFile(report)) {
            return null;
        }
        String signal = null;
        String frame = null;
        String thread = null;
        try (java.util.stream.Stream<String> lines = Files.lines(report, StandardCharsets.ISO_8859_1).limit(200)) {
            List<String> head = lines.toList();
            for (int i = 0; i < head.size(); i++) {
                String line = head.get(i);
                if (signal == null && line.matches("#\\s+[A-Z]{3,}.*\\bat pc=.*")) {
                    signal = line.replaceFirst("^#\\s+", "").replaceFirst(",\\s*pid=.*", "");
                } else if (frame == null && line.startsWith("# Problematic frame:") && i + 1 < head.size()) {
                    frame = head.get(i + 1).replaceFirst("^#\\s*", "").strip();
                } else if (thread == null && line.startsWith("Current thread")) {
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(line);
                    thread = m.find() ? m.group(1) : null;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(its report " + report + " cannot be read: " + e.getMessage() + ")";
        }
        return (signal == null ? "a fatal error" : signal) + (frame == null ? "" : " in " + frame)
                + (thread == null ? "" : " on thread \"" + thread + "\"") + "; report " + report;
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 2 -> " (SIGINT)";
            case 3 -> " (SIGQUIT)";
            case 4 -> " (SIGILL)";
            case 6 -> " (SIGABRT: the JVM aborted, e.g. a crash in native code)";
            case 7 -> " (SIGBUS)";
            case 8 -> " (SIGFPE)";
            case 9 -> " (SIGKILL)";
            case 11 -> " (SIGSEGV)";
            case 15 -> " (SIGTERM)";
            default -> "";
        };
    }

    /** Logs the process's standard error, and keeps its last lines for the cause of a failure. */
    private void pumpErrors() {
        try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = err.readLine()) != null) {
                synchronized (lastWords) {
                    if (lastWords.size() == LAST_WORDS) {
                        lastWords.removeFirst();
                    }
                    lastWords.addLast(line);
                }
                LOG.info("[driver host {}] {}", pid, line);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    private String lastWordsSuffix() {
        synchronized (lastWords) {
            return lastWords.isEmpty() ? "" : "; it said: " + String.join(" | ", lastWords);
        }
    }

    @Override
    public String toString() {
        return "driver host " + pid + (pool == null ? "" : " (pool " + pool + ")");
    }
}
