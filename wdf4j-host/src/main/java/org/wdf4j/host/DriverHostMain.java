package org.wdf4j.host;

import java.nio.ByteBuffer;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxDeviceListener;
import org.wdf4j.framework.FxDeviceStacks;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.host.isolation.Channel;
import org.wdf4j.host.isolation.SharedChannelFile;
import org.wdf4j.host.isolation.Message;
import org.wdf4j.io.WdfIoReadiness;
import org.wdf4j.io.WdfRequestor;

/**
 * A driver host process (UMDF's WUDFHost): runs drivers for a host that started it, with the same framework inside,
 * and nothing else of the host: no device tree, no device files, no control socket, no driver store (a driver's
 * Parameters key is read and written through the host). The host talks to it over its standard input and output
 * ({@link Channel}); what the drivers print goes to standard error, which the host logs.
 *
 * <p>Threads: the reader takes the host's messages in order. I/O requests (read, write, control, cancel) are
 * submitted on it, in the order they came, as the host's own reader threads submit them in-process. Everything that
 * waits for a driver's lifecycle callbacks (DriverEntry, unload, device add, PnP and power, create, cleanup) runs on
 * the control thread, one at a time in the order it came, so that the reader stays free to carry the answers those
 * callbacks may wait for (a name claimed, a Parameters value). When the host goes away (the input ends) the process
 * ends at once.
 *
 * <p>Neither the class nor its {@code main} is public (the {@code java} launcher runs a package-private
 * {@code static void main}): {@code org.wdf4j.host} is exported, and a driver in the host's JVM that could call
 * {@code main} by reflection would switch that JVM to a driver host's handling of exit calls (they end the process) and
 * end it (H9).
 */
final class DriverHostMain {

    private static final String REGISTRY_ROOT = "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";
    /** How long a call to the host (a name claim, a Parameters value) may take before it fails. */
    private static final long HOST_CALL_TIMEOUT_S = 60;

    private final Channel channel;
    /** Tells the host which driver this process was calling, should it die; null when the host gave none. */
    private final Blackbox blackbox;
    private final ExecutorService control = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wdf4j-driver-host-control");
        t.setDaemon(true);
        return t;
    });
    /**
     * Closes opens (cleanup, cancels, close): not on the control thread, which may be waiting in a PnP step for the
     * very requests a close cancels (the host closes the opens of a device whose interface goes during its removal,
     * as the in-process reflector does on the removing thread).
     */
    private final ExecutorService closer = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "wdf4j-driver-host-close");
        t.setDaemon(true);
        return t;
    });
    /**
     * Starts and stops the stream of the framework's events ({@code wdf4j trace}), in order and off the reader thread
     * (a stop waits for the last events); its thread is made at the first trace only.
     */
    private final ExecutorService tracer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wdf4j-driver-host-trace");
        t.setDaemon(true);
        return t;
    });
    /** The stream of the framework's events while the host asks for it, else null; only the {@link #tracer} thread. */
    private TraceStream trace;
    /** Driver number (the host's) to the driver, run here as the host runs an in-process driver. */
    private final Map<Integer, LocalDriverRuntime> drivers = new ConcurrentHashMap<>();
    /** Guards {@link #deviceIds}, {@link #devices} and {@link #filesOfDevice}. */
    private final Object deviceLock = new Object();
    private final Map<FxDevice, Integer> deviceIds = new IdentityHashMap<>();
    private final Map<Integer, FxDevice> devices = new ConcurrentHashMap<>();
    private final Map<Integer, Set<Integer>> filesOfDevice = new ConcurrentHashMap<>();
    private int nextDevice = 1;
    private final Map<Integer, FxFileHandle> files = new ConcurrentHashMap<>();
    private final AtomicInteger nextFile = new AtomicInteger(1);
    /** Requests in flight, by the host's I/O number. */
    private final Map<Long, FxIrp> requests = new ConcurrentHashMap<>();
    /** The open each request in flight came through. */
    private final Map<FxIrp, FxFileHandle> irpFiles = new ConcurrentHashMap<>();
    /** Calls to the host waiting for their answer, by call number. */
    private final Map<Integer, CompletableFuture<Message>> calls = new ConcurrentHashMap<>();
    private final AtomicInteger nextCall = new AtomicInteger(1);

    /** The device stacks of this process: all drivers of a stack run in one driver host (ST3). */
    private final FxDeviceStacks stacks = new FxDeviceStacks();

    /** The remote targets and notifications of this process's drivers, over the channel (ST5, ST9). */
    private final HostTargets targets = new HostTargets(devices.values(), this::send, this::call);

    /** Driver numbers by name, to tell which driver a request goes to. */
    private final Map<String, Integer> driverNumbers = new ConcurrentHashMap<>();

    private DriverHostMain(Channel channel, Blackbox blackbox) {
        this.channel = channel;
        this.blackbox = blackbox;
    }

    /**
     * {@code DriverHostMain [BLACKBOX [CHANNEL SPIN_NANOS]]}: serves the host on the memory of the file {@code CHANNEL}
     * ({@link SharedChannelFile}), or on standard input and output when none is named.
     */
    static void main(String[] args) throws IOException {
        FileOutputStream standardOut = new FileOutputStream(FileDescriptor.out);
        // Whatever a driver prints goes to standard error; standard output may be the channel.
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        Blackbox blackbox = args.length > 0 ? Blackbox.map(Path.of(args[0]), true) : null;
        Channel channel;
        if (args.length > 2) {
            ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
            SharedChannelFile shared = SharedChannelFile.map(Path.of(args[1]), Long.parseLong(args[2]),
                    () -> parent != null && parent.isAlive());
            channel = shared.driverHostEnd();
            // The host's end is the end of its pipe to this process's standard input: then nobody is served. The
            // descriptor itself, not System.in, which a driver may replace.
            FileInputStream standardIn = new FileInputStream(FileDescriptor.in);
            Thread watch = new Thread(() -> {
                try {
                    while (standardIn.read() >= 0) {
                        // the host writes nothing here
                    }
                } catch (IOException ignored) {
                    // the same: the host is gone
                }
                shared.close();
            }, "wdf4j-driver-host-watch");
            watch.setDaemon(true);
            watch.start();
        } else {
            channel = new Channel(new FileInputStream(FileDescriptor.in), standardOut);
        }
        DriverHostMain main = new DriverHostMain(channel, blackbox);
        // A driver's exit call ends this process, as it would end a WUDFHost, after naming the driver to the host.
        org.wdf4j.framework.FxFunctions.setProcessExitHandler(main::driverEndsProcess);
        int status = main.serve();
        Runtime.getRuntime().halt(status);
    }

    /** Reads and handles the host's messages until the host goes or asks this process to exit. */
    private int serve() {
        try {
            channel.send(new Message.Ready(ProcessHandle.current().pid()));
            while (true) {
                Message m = channel.receive();
                if (m == null) {
                    return 0; // the host is gone: nobody to serve
                }
                if (m instanceof Message.Exit) {
                    endTrace(); // a trace gets this process's last events (its drivers' unloads) before it ends
                    return 0;
                }
                handle(m);
            }
        } catch (IOException e) {
            System.err.println("wdf4j driver host: the connection to the host broke: " + e);
            return 70;
        }
    }

    private void handle(Message m) {
        switch (m) {
            case Message.Read r -> {
                // The driver writes its data straight into a pooled array, which the completion is sent from.
                byte[] out = Message.DATA.take(Math.max(0, r.length()));
                ByteBuffer into = ByteBuffer.wrap(out, 0, Math.max(0, r.length()));
                submit(r.io(), r.file(), f -> f.readInto(into, r.offset()), into, () -> Message.DATA.give(out));
            }
            // The driver reads the data where the channel put it, a pooled array, given back after the completion. A copy
            // (out of the ring) remains: the channel is a byte stream, whose reader cannot lend a view of the ring to a
            // request while the messages after it are read.
            case Message.Write w -> submit(w.io(), w.file(), f -> f.writeLent(w.data(), w.offset()), null, w::release);
            case Message.Flush fl -> submit(fl.io(), fl.file(), f -> f.flushBuffers(), null, null);
            case Message.Ioctl c -> submit(c.io(), c.file(), f -> f.deviceIoControl(c.ioControlCode(), c.input(),
                    c.outputLength()), null, null);
            case Message.Cancel c -> {
                FxIrp irp = requests.get(c.io());
                if (irp != null) {
                    mark(Blackbox.READER, driverOf(irp));
                    irp.cancel();
                    mark(Blackbox.READER, 0);
                }
            }
            case Message.CancelAll c -> {
                FxFileHandle f = files.get(c.file());
                if (f != null) {
                    mark(Blackbox.READER, driverOf(f));
                    f.cancelAll();
                    mark(Blackbox.READER, 0);
                }
            }
            case Message.NameReply r -> answered(r.call(), r);
            // what the host answers and tells the remote targets and interface notifications of drivers here
            case Message.TargetFound f -> answered(f.call(), f);
            case Message.OpenDone d -> answered(d.call(), d);
            case Message.IoDone d -> targets.ioDone(d);
            case Message.CloseDone d -> { } // the host closed a target's open
            case Message.InterfaceNews n -> targets.interfaceNews(n);
            case Message.TargetQuery q -> targets.targetQuery(q);
            case Message.ParamReply r -> answered(r.call(), r);
            case Message.Snapshot s -> send(new Message.SnapshotDone(s.call(), view(s.driver())));
            case Message.Inspect i -> send(new Message.InspectDone(i.call(), inspect(i.driver())));
            case Message.TraceStart t -> traceStart(t.call());
            case Message.TraceStop t -> traceStop();
            case Message.Load l -> onControl(l.driver(), () -> load(l));
            case Message.Entry e -> onControl(e.driver(), () -> entry(e));
            case Message.Stop s -> onControl(s.driver(), () -> stop(s));
            case Message.Forget f -> onControl(0, () -> forget(f));
            case Message.AddDevice a -> onControl(a.driver(), () -> addDevice(a));
            case Message.Pnp p -> onControl(driverOf(devices.get(p.device())), () -> {
                FxDevice device = devices.get(p.device());
                FxDevice.PnpOutcome outcome = device == null
                        ? new FxDevice.PnpOutcome(org.wdf4j.framework.FxPnpMachine.State.REMOVED,
                                NtStatus.STATUS_NO_SUCH_DEVICE, false, false)
                        : device.pnp(p.event());
                send(new Message.PnpDone(p.call(), outcome));
            });
            case Message.QueryRelations q -> onControl(driverOf(devices.get(q.device())), () -> queryRelations(q));
            case Message.Open o -> onControl(driverOf(devices.get(o.device())), () -> open(o));
            case Message.CloseFile c -> closer.execute(() -> {
                FxFileHandle f = files.remove(c.file());
                try {
                    if (f != null) {
                        filesOfDevice.values().forEach(ofDevice -> ofDevice.remove(c.file())); // no id for a deleted device
                        f.close();
                    }
                } finally {
                    send(new Message.CloseDone(c.file())); // the host times the close (H7)
                }
            });
            default -> System.err.println("wdf4j driver host: unexpected message from the host: " + m);
        }
    }

    /** Runs a lifecycle step on the control thread, the blackbox naming the driver it waits for. */
    private void onControl(int driver, Runnable step) {
        control.execute(() -> {
            mark(Blackbox.CONTROL, driver);
            try {
                step.run();
            } finally {
                mark(Blackbox.CONTROL, 0);
            }
        });
    }

    private void mark(int slot, int driver) {
        if (blackbox != null) {
            blackbox.set(slot, driver);
        }
    }

    private int driverOf(FxDevice device) {
        return device == null ? 0 : driverNumbers.getOrDefault(device.driverName(), 0);
    }

    private int driverOf(FxFileHandle file) {
        return file == null ? 0 : driverOf(file.device());
    }

    private int driverOf(FxIrp irp) {
        return driverOf(irpFiles.get(irp));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Drivers

    private void load(Message.Load l) {
        String loadError = null;
        try {
            DriverPackage pkg = DriverPackage.of(Path.of(l.jar()), l.entryClass(), l.name(), DriverPackage.FRAMEWORK_VERSION);
            // A driver host gives its drivers native access: whatever they do ends only this process (H4).
            DriverClassLoader loader = DriverClassLoader.open(pkg, true, true);
            DriverEntry entry;
            JvmState before = JvmState.capture(); // before any code of the driver runs (its static initializers)
            try {
                entry = DriverHost.instantiate(pkg, loader);
            } catch (DriverPackageException e) {
                LocalDriverRuntime.closeQuietly(loader);
                throw e;
            }
            int driver = l.driver();
            FxDriverGlobals globals = FxDriverGlobals.create(l.name(), l.registryPath(), loader, true, l.verifier(),
                    (g, bugCheck) -> driverFailed(driver, g, bugCheck), new HostParameters(driver));
            globals.setDeviceListener(new Forwarder());
            globals.setTargetResolver(targets);
            drivers.put(driver, new LocalDriverRuntime(globals, entry, LoaderCollection.watch(loader), before, stacks));
            driverNumbers.put(l.name(), driver);
        } catch (DriverPackageException | RuntimeException e) {
            loadError = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        send(new Message.LoadDone(l.call(), loadError));
    }

    private void entry(Message.Entry e) {
        LocalDriverRuntime driver = drivers.get(e.driver());
        FxDriverGlobals.EntryOutcome outcome = driver == null
                ? new FxDriverGlobals.EntryOutcome(NtStatus.STATUS_UNSUCCESSFUL, "no driver #" + e.driver()
                        + " loaded in this driver host", false, false)
                : driver.callDriverEntry();
        if (driver != null) {
            send(new Message.DriverStateChanged(e.driver(), driver.state(), driver.failure()));
        }
        send(new Message.EntryDone(e.call(), outcome));
    }

    private void stop(Message.Stop s) {
        LocalDriverRuntime driver = drivers.get(s.driver());
        FxDriverGlobals.StopOutcome outcome = driver == null
                ? new FxDriverGlobals.StopOutcome(true, "no driver #" + s.driver() + " in this driver host", false)
                : driver.stop();
        if (driver != null) {
            send(new Message.DriverStateChanged(s.driver(), driver.state(), driver.failure()));
        }
        send(new Message.StopDone(s.call(), outcome));
    }

    /**
     * The driver is unloaded: drop everything of it and prove its code is gone as the host proves it in-process (its
     * class loader's collection, the diagnosis when it is not collected; U6 step 6), before the process goes on for
     * other drivers or exits.
     */
    private void forget(Message.Forget f) {
        LocalDriverRuntime driver = drivers.remove(f.driver());
        driverNumbers.values().remove(f.driver());
        if (driver == null) {
            send(new Message.Forgotten(f.call(), false, "no driver #" + f.driver() + " in this driver host", null,
                    List.of(), List.of()));
            return;
        }
        DriverRuntime.Release release = release(driver, f.checkCollection());
        send(new Message.Forgotten(f.call(), Boolean.TRUE.equals(release.collected()),
                "in driver host " + ProcessHandle.current().pid() + ": " + release.note(), release.gcRootPath(),
                release.leaks(), release.findings()));
    }

    /** A driver called {@code call} (System.exit and the like): the host learns who, then the process ends. */
    private void driverEndsProcess(FxDriverGlobals driver, String call) {
        int number = driver == null ? 0 : driverNumbers.getOrDefault(driver.name(), 0);
        mark(Blackbox.CULPRIT, number);
        send(new Message.DriverEndsProcess(number, call));
        java.util.regex.Matcher status = java.util.regex.Pattern.compile("\\((-?\\d+)\\)").matcher(call);
        Runtime.getRuntime().halt(status.find() ? Integer.parseInt(status.group(1)) : 1);
    }

    /** A method of its own, so that no slot of the caller's frame holds the driver while its collection is awaited. */
    private static DriverRuntime.Release release(LocalDriverRuntime driver, boolean checkCollection) {
        return driver.release(checkCollection, driver.view());
    }

    /** A bug check stopped the driver: the host decides what follows (it stops the driver, as in-process). */
    private void driverFailed(int driver, FxDriverGlobals globals, WdfBugCheck bugCheck) {
        send(new Message.DriverStateChanged(driver, globals.state(), bugCheck.getMessage()));
    }

    /** What the unload report and the host's queries need, as text. */
    private Message.DriverView view(int number) {
        LocalDriverRuntime driver = drivers.get(number);
        return driver == null || driver.globals() == null
                ? new Message.DriverView(org.wdf4j.framework.FxDriverState.UNLOADED, null, null, null, false,
                        List.of(), List.of(), List.of(), List.of(), null)
                : driver.view();
    }

    /**
     * {@code wdf4j trace} watches: streams the framework's events here to the host. Only now is the Flight Recorder
     * initialized in this process (Trace makes no event before), so a driver host pays for JFR only once traced.
     */
    private void traceStart(int call) {
        tracer.execute(() -> {
            if (trace == null) {
                trace = TraceStream.start(e -> send(new Message.TraceEvent(e)));
            }
            send(new Message.TraceStarted(call));
        });
    }

    /** Nobody watches: sends what was recorded until now, then ends the recording. */
    private void traceStop() {
        tracer.execute(() -> {
            TraceStream t = trace;
            trace = null;
            if (t != null) {
                t.close();
            }
        });
    }

    /** Ends a trace under way, its last events sent, within a few seconds; nothing when nobody traced. */
    private void endTrace() {
        traceStop();
        tracer.shutdown();
        try {
            tracer.awaitTermination(3, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private org.wdf4j.framework.FxInspection inspect(int number) {
        LocalDriverRuntime driver = drivers.get(number);
        return driver == null ? LocalDriverRuntime.unloaded("#" + number) : driver.inspect();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Devices and I/O

    private void addDevice(Message.AddDevice a) {
        LocalDriverRuntime driver = drivers.get(a.driver());
        if (driver == null) {
            send(new Message.AddDeviceDone(a.call(), NtStatus.STATUS_NO_SUCH_DEVICE, null));
            return;
        }
        NtResult<? extends org.wdf4j.framework.FxDeviceEndpoint> added = driver.addDevice(a.hardwareId(), a.instanceId(),
                a.newStack());
        send(new Message.AddDeviceDone(a.call(), added.status(),
                added.isSuccess() ? info((FxDevice) added.value()) : null));
    }

    /** A bus device's children (ST1): its PDOs made where needed, each sent with its IDs. */
    private void queryRelations(Message.QueryRelations q) {
        FxDevice device = devices.get(q.device());
        List<org.wdf4j.framework.FxChildDescription> children = device == null ? List.of() : device.busRelations();
        List<Message.Child> sent = new ArrayList<>();
        if (children != null) {
            for (org.wdf4j.framework.FxChildDescription c : children) {
                org.wdf4j.framework.FxChildIds ids = c.ids();
                sent.add(new Message.Child(info((FxDevice) c.pdo()), ids.deviceId(), ids.instanceId(), ids.hardwareIds(),
                        ids.compatibleIds(), ids.description(), ids.location(), c.ejectRequested()));
            }
        }
        send(new Message.RelationsDone(q.call(), children != null, sent));
    }

    private void open(Message.Open o) {
        FxDevice device = devices.get(o.device());
        if (device == null) {
            send(new Message.OpenDone(o.call(), NtStatus.STATUS_NO_SUCH_DEVICE, 0, null));
            return;
        }
        int deviceId = o.device();
        device.open(new WdfRequestor(o.pid(), o.uid(), o.gid()), o.fileName()).whenComplete((opened, failure) -> {
            if (failure != null || !opened.isSuccess()) {
                send(new Message.OpenDone(o.call(), failure != null ? NtStatus.STATUS_UNSUCCESSFUL : opened.status(), 0,
                        null));
                return;
            }
            FxFileHandle file = opened.value();
            int id = nextFile.getAndIncrement();
            files.put(id, file);
            file.setReadinessListener(() -> send(new Message.FileReadiness(id, file.ioReadiness())));
            Set<Integer> ofDevice = filesOfDevice.computeIfAbsent(deviceId, d -> {
                device.addReadinessListener(() -> deviceWoke(d));
                return ConcurrentHashMap.newKeySet();
            });
            ofDevice.add(id);
            send(new Message.OpenDone(o.call(), NtStatus.STATUS_SUCCESS, id, file.ioReadiness()));
        });
    }

    /** The device's readiness woke: every open of it learns its readiness now. */
    private void deviceWoke(int deviceId) {
        for (Integer id : filesOfDevice.getOrDefault(deviceId, Set.of())) {
            FxFileHandle f = files.get(id);
            if (f != null) {
                send(new Message.FileReadiness(id, f.ioReadiness()));
            }
        }
        send(new Message.DeviceWake(deviceId));
    }

    /**
     * Submits a request on the reader thread; its completion is sent from whichever thread completes it, with its output
     * from {@code into} (the buffer a read was made into) or the status, then {@code done} runs (may be null): the
     * request's buffers are free again.
     */
    private void submit(long io, int fileId, java.util.function.Function<FxFileHandle, FxIrp> call, ByteBuffer into,
                        Runnable done) {
        FxFileHandle file = files.get(fileId);
        if (file == null) {
            send(new Message.IoDone(io, NtStatus.STATUS_FILE_CLOSED, 0, (byte[]) null, WdfIoReadiness.READ_WRITE));
            if (done != null) {
                done.run();
            }
            return;
        }
        mark(Blackbox.READER, driverOf(file));
        FxIrp irp;
        try {
            irp = call.apply(file);
        } finally {
            mark(Blackbox.READER, 0);
        }
        requests.put(io, irp);
        irpFiles.put(irp, file);
        irp.future().whenComplete((status, failure) -> {
            requests.remove(io);
            irpFiles.remove(irp);
            try {
                send(Message.ioDone(io, status, into, file.ioReadiness()));
            } finally {
                if (done != null) {
                    done.run();
                }
            }
        });
    }

    private Message.DeviceInfo info(FxDevice device) {
        return new Message.DeviceInfo(idOf(device), device.driverName(), device.instanceId(), device.sddl(),
                device.isControl(), device.assignedName());
    }

    private int idOf(FxDevice device) {
        synchronized (deviceLock) {
            Integer id = deviceIds.get(device);
            if (id == null) {
                id = nextDevice++;
                deviceIds.put(device, id);
                devices.put(id, device);
            }
            return id;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Talking to the host

    private void send(Message m) {
        try {
            channel.send(m);
        } catch (IOException e) {
            // The host is gone; the reader sees the end of the input and the process ends.
        }
    }

    private void answered(int call, Message answer) {
        CompletableFuture<Message> waiting = calls.remove(call);
        if (waiting != null) {
            waiting.complete(answer);
        }
    }

    /** Sends a call to the host and waits for its answer (never on the reader thread, which carries the answer). */
    private Message call(java.util.function.IntFunction<Message> message) throws IOException {
        int id = nextCall.getAndIncrement();
        CompletableFuture<Message> answer = new CompletableFuture<>();
        calls.put(id, answer);
        channel.send(message.apply(id));
        try {
            return answer.get(HOST_CALL_TIMEOUT_S, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the host", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the host did not answer within " + HOST_CALL_TIMEOUT_S + " s", e);
        } finally {
            calls.remove(id);
        }
    }

    /** What the host learns of the devices of this process's drivers. */
    private final class Forwarder implements FxDeviceListener {

        @Override
        public boolean claimName(String name, FxDeviceEndpoint device) {
            Message.DeviceInfo info = info((FxDevice) device);
            try {
                return call(id -> new Message.ClaimName(id, name, info)) instanceof Message.NameReply r && r.claimed();
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void releaseName(String name, FxDeviceEndpoint device) {
            send(new Message.ReleaseName(name, idOf((FxDevice) device)));
        }

        @Override
        public void interfaceStateChanged(FxDeviceEndpoint device, UUID guid, String referenceString, boolean enabled) {
            send(new Message.InterfaceChanged(info((FxDevice) device), guid, referenceString, enabled));
        }

        @Override
        public void controlDeviceReady(FxDeviceEndpoint device) {
            send(new Message.ControlReady(info((FxDevice) device)));
        }

        @Override
        public void busRelationsChanged(FxDeviceEndpoint bus) {
            send(new Message.RelationsChanged(idOf((FxDevice) bus)));
        }

        @Override
        public void deviceDeleted(FxDeviceEndpoint device) {
            int id = idOf((FxDevice) device);
            send(new Message.DeviceDeleted(id));
            synchronized (deviceLock) {
                deviceIds.remove((FxDevice) device);
                devices.remove(id);
            }
            // The opens of a deleted device are the host's to close, but nothing of the driver may stay reachable from
            // here (the driver's proof of release, H1, H8): the host's handles meet a closed file from now on.
            Set<Integer> opens = filesOfDevice.remove(id);
            if (opens != null) {
                opens.forEach(files::remove);
            }
        }
    }

    /** A driver's Parameters key, kept by the host (this process has no access to the store). */
    private final class HostParameters implements FxParameters {

        private final int driver;

        HostParameters(int driver) {
            this.driver = driver;
        }

        private Message.ParamReply ask(Message.ParamOp op, String name, Value value) throws IOException {
            Message answer = call(id -> new Message.ParamCall(id, driver, op, name, value));
            if (!(answer instanceof Message.ParamReply reply)) {
                throw new IOException("the host answered a Parameters call with " + answer);
            }
            if (reply.error() != null) {
                throw new IOException(reply.error());
            }
            return reply;
        }

        @Override
        public Value get(String name) throws IOException {
            return ask(Message.ParamOp.GET, name, null).value();
        }

        @Override
        public void put(String name, Value value) throws IOException {
            ask(Message.ParamOp.PUT, name, value);
        }

        @Override
        public boolean remove(String name) throws IOException {
            return ask(Message.ParamOp.REMOVE, name, null).removed();
        }

        @Override
        public Map<String, Value> values() throws IOException {
            return ask(Message.ParamOp.VALUES, null, null).values();
        }
    }
}
