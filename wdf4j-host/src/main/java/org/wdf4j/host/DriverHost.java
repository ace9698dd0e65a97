package org.wdf4j.host;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.fuse.FuseSession;
import org.wdf4j.host.isolation.Message;
import org.wdf4j.host.leak.ThreadStarts;

/**
 * Loads drivers into isolated class loaders inside this process (the KMDF model), calls their
 * DriverEntry, unloads them, and proves each unload with an {@link UnloadReport}.
 *
 * <pre>{@code
 * try (DriverHost host = DriverHost.create()) {
 *     HostedDriver hello = host.start(DriverPackage.open(Path.of("hello.jar")), VerifierSettings.on());
 *     UnloadReport report = host.stop(hello);
 *     System.out.print(report.render());
 * }
 * }</pre>
 *
 * <p>A driver that breaks a contract (a bug check) is stopped without its EvtDriverUnload; its
 * objects are still cleaned up and destroyed. A driver whose callback hangs past the verifier wait
 * timeout is abandoned. Neither affects the host or the other drivers.
 *
 * <p>Devices: {@link #pnp()} is the host's PnP manager (the device tree; PnP drivers get their
 * devices from it, matched by hardware ID), and {@link #client()} the way applications reach the
 * devices (by name or interface path), as Win32's {@code CreateFile}, {@code ReadFile}... do.
 */
public final class DriverHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DriverHost.class);
    private static final String REGISTRY_ROOT = "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";

    private final Map<String, HostedDriver> drivers = new LinkedHashMap<>();
    private final ExecutorService failedDriverStopper = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wdf4j-host-failed-driver-stopper");
        t.setDaemon(true);
        // The thread may be created on a driver's thread (the first bug check); it must not inherit that
        // driver's context class loader, or it would keep the driver in memory for the life of the host.
        t.setContextClassLoader(DriverHost.class.getClassLoader());
        return t;
    });
    private volatile boolean closed;
    /** Who watches the framework's events live ({@code wdf4j trace}). */
    private final Tracing tracing = new Tracing();
    private volatile boolean checkCollection = true;
    /** The device stacks of the drivers in this process (each driver host has its own). */
    private final org.wdf4j.framework.FxDeviceStacks stacks = new org.wdf4j.framework.FxDeviceStacks();
    /** The name of the one driver pool (more pools, by name, are for later). */
    static final String DEFAULT_POOL = "default";
    /** The pools' driver hosts, by pool name; guarded by itself. */
    private final Map<String, DriverHostProcess> pools = new HashMap<>();
    /** Where drivers whose start names no hosting model, and whose package asks for none, run. */
    private volatile HostingModel defaultHosting = HostingModel.IN_PROCESS;
    /** What happens when an isolated driver's driver host ends without being asked to (H6). */
    private volatile RestartPolicy restartPolicy = RestartPolicy.DEFAULT;
    /** H7: how long an operation sent to a driver host may take without progress before the host ends it. */
    private volatile Duration hostProcessTimeout = DEFAULT_HOST_PROCESS_TIMEOUT;
    /** How driver hosts started from now on carry their messages (the system properties' choice unless a test sets one). */
    private volatile ChannelTransport channelTransport = ChannelTransport.configured();
    /** The driver store in the state directory; null for a throw-away host. */
    private final DriverStore store;
    /** The kernel's lock on the state directory, released after the store is closed; null for a throw-away host. */
    private final StateDirLock stateDirLock;
    /** The drivers and devices a host on the state directory brings back; null for a throw-away host. */
    private final StartState startState;
    /** Parameters of drivers that are not installed in a store: kept for the life of this host only. */
    private final Map<String, FxParameters> memoryParameters = new HashMap<>();
    /** Serializes install, uninstall and start by name, so that no driver is uninstalled while it starts. */
    private final Object storeLock = new Object();
    /** The device tree: root-enumerated devices matched to drivers by hardware ID. */
    private final PnpManager pnp = new PnpManager(this);
    /** The names and device interfaces of every driver's devices, and the client handles open on them. */
    private final DeviceNamespace namespace = new DeviceNamespace(pnp::order, pnp::busRelationsChanged);
    private final HostIoClient client = new HostIoClient(namespace);
    /** ST9: remote targets' removal notifications and drivers' interface notifications. */
    private final TargetNotifications targetNotifications = new TargetNotifications(namespace);
    /** The FUSE reflector, while the devices are mounted. */
    private volatile DeviceFiles deviceFiles;
    /** The TUN/TAP interfaces of network adapters, from the start to {@link #close}. */
    private final NetAdapters netAdapters = NetAdapters.watch(namespace, client);

    private DriverHost(DriverStore store, StateDirLock stateDirLock, StartState startState) {
        this.store = store;
        this.stateDirLock = stateDirLock;
        this.startState = startState;
        failedDriverStopper.execute(() -> { }); // start its thread now, from the host's side
    }

    /** A throw-away host: no state directory; drivers' parameters live in memory until the host is closed. */
    public static DriverHost create() {
        return new DriverHost(null, null, null);
    }

    /**
     * A host that keeps its state in {@code stateDir} (see {@link DriverStore}): installed drivers and
     * their parameters, which survive the host. Takes the state directory's lock until {@link #close()}.
     *
     * @throws StateDirLockedException when another host uses that state directory
     */
    public static DriverHost create(Path stateDir) throws java.io.IOException {
        Path dir = stateDir.toAbsolutePath().normalize();
        DriverStore.createPrivateDirectory(dir);
        StateDirLock lock = StateDirLock.acquire(dir);
        try {
            DriverStore store = DriverStore.open(dir);
            try {
                return new DriverHost(store, lock, StartState.load(dir));
            } catch (java.io.IOException | RuntimeException e) {
                store.close();
                throw e;
            }
        } catch (java.io.IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** ST9: the remote targets open on each device node, and drivers' interface notifications. */
    TargetNotifications targetNotifications() {
        return targetNotifications;
    }

    /** Loads and starts a driver with the verifier off. */
    public HostedDriver start(DriverPackage driverPackage) throws DriverPackageException {
        return start(driverPackage, VerifierSettings.OFF);
    }

    /**
     * Loads the package into its own class loader and calls DriverEntry. When DriverEntry fails the
     * driver is unloaded at once and the returned driver's {@link HostedDriver#report()} says why.
     *
     * @throws DriverPackageException when the package cannot be loaded (nothing is changed)
     */
    public HostedDriver start(DriverPackage driverPackage, VerifierSettings verifier) throws DriverPackageException {
        return start(driverPackage, verifier, null);
    }

    /**
     * Loads the package where {@code hosting} says (H2) and calls DriverEntry: into its own class loader in this
     * process, or into a driver host process of its own. When DriverEntry fails the driver is unloaded at once and
     * the returned driver's {@link HostedDriver#report()} says why.
     *
     * @param hosting where the driver runs; null: where the package asks ({@link DriverPackage#hosting()}), else
     *     this host's {@link #defaultHosting(HostingModel) default}
     * @throws DriverPackageException when the package cannot be loaded (nothing is changed)
     */
    public HostedDriver start(DriverPackage driverPackage, VerifierSettings verifier, HostingModel hosting)
            throws DriverPackageException {
        if (hosting == null) {
            hosting = driverPackage.hosting() != null ? driverPackage.hosting() : defaultHosting;
        }
        String name = driverPackage.name();
        synchronized (drivers) {
            if (closed) {
                throw new IllegalStateException("the host is closed");
            }
            if (drivers.containsKey(name)) {
                throw new IllegalArgumentException("a driver named " + name + " is already loaded; stop it first or give "
                        + "this package another name");
            }
        }
        HostedDriver hosted = hosting == HostingModel.IN_PROCESS ? load(driverPackage, verifier)
                : loadIsolated(driverPackage, verifier, hosting);
        FxDriverGlobals.EntryOutcome outcome = hosted.runtime().callDriverEntry();
        if (!outcome.status().isSuccess() || outcome.hung()) {
            finish(hosted, List.of());
        } else {
            pnp.driverStarted(hosted); // devices waiting for a driver that lists their hardware ID get it
        }
        return hosted;
    }

    /** Creates the driver's loader and globals; only the returned driver references them. */
    private HostedDriver load(DriverPackage driverPackage, VerifierSettings verifier) throws DriverPackageException {
        String name = driverPackage.name();
        // Records where threads start, for the report of a driver whose threads outlive it: from before the first
        // in-process driver's code runs, and only then (a host whose drivers all run isolated, and every command
        // that opens the store without a host, never load the flight recorder for it).
        ThreadStarts.start();
        DriverClassLoader loader = DriverClassLoader.open(driverPackage, true, false); // no native access in the host
        DriverEntry entry;
        JvmState before = JvmState.capture(); // before any code of the driver runs (its static initializers)
        try {
            entry = instantiate(driverPackage, loader);
        } catch (DriverPackageException e) {
            closeQuietly(loader);
            throw e;
        }
        FxDriverGlobals globals = FxDriverGlobals.create(name, REGISTRY_ROOT + name, loader, true, verifier,
                (g, bugCheck) -> driverFailed(g.name()), parametersFor(name));
        // Before DriverEntry, which may create (and name) control devices.
        globals.setDeviceListener(namespace.listenerFor(name));
        // remote targets open devices by name or interface (ST5) and follow their removal; interface notifications (ST9)
        globals.setTargetResolver(targetNotifications.resolver());
        HostedDriver hosted = new HostedDriver(driverPackage, HostingModel.IN_PROCESS, verifier,
                new LocalDriverRuntime(globals, entry, LoaderCollection.watch(loader), before, stacks));
        synchronized (drivers) {
            drivers.put(name, hosted);
        }
        return hosted;
    }

    /** Loads the driver into a driver host process, its own or the pool's (DriverEntry is not called yet). */
    private HostedDriver loadIsolated(DriverPackage driverPackage, VerifierSettings verifier, HostingModel hosting)
            throws DriverPackageException {
        String name = driverPackage.name();
        HostedDriver hosted = new HostedDriver(driverPackage, hosting, verifier, null);
        hosted.runs(isolatedRuntime(driverPackage, verifier, hosting, ended -> driverHostEnded(hosted, ended)));
        synchronized (drivers) {
            drivers.put(name, hosted);
        }
        return hosted;
    }

    private IsolatedDriverRuntime isolatedRuntime(DriverPackage driverPackage, VerifierSettings verifier,
                                                  HostingModel hosting,
                                                  java.util.function.Consumer<IsolatedDriverRuntime.Ended> onEnded)
            throws DriverPackageException {
        String name = driverPackage.name();
        for (int attempt = 1; ; attempt++) {
            DriverHostProcess process = processFor(hosting, name);
            tracing.attach(process);
            try {
                return IsolatedDriverRuntime.create(process, driverPackage, REGISTRY_ROOT + name, verifier,
                        namespace.listenerFor(name), parametersFor(name), onEnded, () -> driverFailed(name));
            } catch (DriverHostEndedException e) {
                if (attempt == 2) {
                    throw new DriverPackageException("cannot load driver " + name + " into a driver host: "
                            + e.getMessage(), e);
                }
                // the pool's process ended or began to exit meanwhile: the next attempt starts a new one
            }
        }
    }

    /** The pool's driver host (started when it has none that serves), or a new one of the driver's own. */
    private DriverHostProcess processFor(HostingModel hosting, String driver) throws DriverPackageException {
        try {
            if (hosting == HostingModel.POOLED) {
                synchronized (pools) {
                    DriverHostProcess pool = pools.get(DEFAULT_POOL);
                    if (pool == null || !pool.isServing()) {
                        pool = DriverHostProcess.start(DEFAULT_POOL, hostProcessTimeout, channelTransport, targetNotifications);
                        pools.put(DEFAULT_POOL, pool);
                    }
                    return pool;
                }
            }
            return DriverHostProcess.start(null, hostProcessTimeout, channelTransport, targetNotifications);
        } catch (IOException e) {
            throw new DriverPackageException("cannot start a driver host process for driver " + driver + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * An isolated driver's driver host ended without being asked to (H5, H6): its requests are already completed
     * with STATUS_DRIVER_PROCESS_TERMINATED and its devices gone from the namespace; its device nodes are marked
     * failed with the cause, and the driver is restarted in a new driver host (its devices added and started again)
     * while the restart policy allows; otherwise it is unloaded and its report says why.
     */
    private void driverHostEnded(HostedDriver hosted, IsolatedDriverRuntime.Ended ended) {
        if (hosted == null || closed) {
            return;
        }
        String cause = ended.cause();
        failedDriverStopper.execute(() -> {
            synchronized (hosted) {
                if (hosted.report() != null || closed || hosted.state() != FxDriverState.STARTED) {
                    return; // unloaded, or ended in DriverEntry or the unload, whose caller reports it
                }
                pnp.driverHostFailed(hosted.name(), "driver host " + hosted.pid() + " " + cause);
                boolean restart;
                if (ended.blamed()) {
                    restart = hosted.failed(cause, restartPolicy, System.nanoTime());
                    if (restart && hosted.leavesPool()) {
                        LOG.warn("[{}] it failed its pool's driver host twice: it moves to a driver host of its own",
                                hosted.name());
                    }
                } else {
                    hosted.poolMateFailed(cause);
                    restart = true;
                }
                LOG.warn("[{}] its driver host {} ended: {}; {}", hosted.name(), hosted.pid(), cause,
                        restart ? "restarting it (" + hosted.restartsLeft(restartPolicy) + " restarts left after this)"
                                : "no restart left");
                DriverHostEndedEvent.commit(hosted.name(), hosted.pid(), cause, restart,
                        hosted.restartsLeft(restartPolicy));
                String refused = restart ? restartIsolated(hosted) : null;
                if (restart && refused == null) {
                    return;
                }
                String why = restart ? "the restart failed: " + refused
                        : "no restart left (" + restartPolicy.maxRestarts() + " used)";
                LOG.warn("[{}] its driver host ended ({}) and it is not restarted: {}", hosted.name(), cause, why);
                if (hosted.runtime() instanceof IsolatedDriverRuntime isolated) {
                    isolated.notRestarted(why);
                }
                finish(hosted, List.of());
            }
        });
    }

    /** Starts the driver again in a new driver host and gives it its failed devices back; false when that failed. */
    /**
     * A restart loads the package again: when it is the store's copy of an installed driver, that copy must still be
     * the one installed (its SHA-256), as at every start.
     */
    private void checkInstalledCopy(DriverPackage pkg) throws DriverPackageException {
        if (store == null) {
            return;
        }
        java.util.Optional<DriverStore.InstalledDriver> installed;
        try {
            installed = store.get(pkg.name());
        } catch (IOException e) {
            throw new DriverPackageException("cannot read the store's record of driver " + pkg.name() + ": "
                    + e.getMessage(), e);
        }
        if (installed.isPresent() && installed.get().jar().equals(pkg.jar())) {
            installed.get().checkIntegrity();
        }
    }

    /** Restarts an isolated driver in a new driver host; answers null, or why it could not. */
    private String restartIsolated(HostedDriver hosted) {
        String name = hosted.name();
        IsolatedDriverRuntime fresh;
        try {
            checkInstalledCopy(hosted.driverPackage());
            fresh = isolatedRuntime(hosted.driverPackage(), hosted.verifier(), hosted.hosting(),
                    ended -> driverHostEnded(hosted, ended));
        } catch (DriverPackageException e) {
            return e.getMessage();
        }
        FxDriverGlobals.EntryOutcome outcome = fresh.callDriverEntry();
        if (!outcome.status().isSuccess() || outcome.hung()) {
            fresh.release(false, fresh.view());
            return "its DriverEntry failed in the new driver host: " + outcome.status();
        }
        hosted.restarted(fresh);
        LOG.warn("[{}] restarted in driver host {} (restart {})", name, fresh.pid(), hosted.restarts());
        pnp.driverRestarted(hosted);
        return null;
    }

    static DriverEntry instantiate(DriverPackage pkg, ClassLoader loader) throws DriverPackageException {
        Class<?> type;
        try {
            type = Class.forName(pkg.entryClass(), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new DriverPackageException(pkg.jar() + ": the entry class " + pkg.entryClass()
                    + " named by " + DriverPackage.ENTRY_ATTRIBUTE + " cannot be loaded (" + e + ")", e);
        }
        if (!DriverEntry.class.isAssignableFrom(type)) {
            throw new DriverPackageException(pkg.jar() + ": the entry class " + pkg.entryClass()
                    + " does not implement org.wdf4j.driver.DriverEntry");
        }
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            throw new DriverPackageException(pkg.jar() + ": the entry class " + pkg.entryClass()
                    + " must be a public, concrete class");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new DriverPackageException(pkg.jar() + ": the entry class " + pkg.entryClass()
                    + " has no public constructor without arguments", e);
        }
        try {
            return (DriverEntry) constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new DriverPackageException(pkg.jar() + ": the constructor of " + pkg.entryClass() + " threw "
                    + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new DriverPackageException(pkg.jar() + ": cannot create " + pkg.entryClass() + ": " + e, e);
        }
    }

    /**
     * Stops a driver and answers its unload report. A driver already unloaded (DriverEntry failed,
     * or a bug check stopped it) answers the report it has. A PnP driver's devices are removed first,
     * through the {@link #pnp() PnP manager}, in creation order (U7); their nodes are left without a
     * driver. Control devices are deleted by the framework after EvtDriverUnload.
     *
     * @throws DriverStopRefusedException when the framework refuses (a non-PnP driver without
     *     EvtDriverUnload); the driver keeps running
     */
    public UnloadReport stop(HostedDriver hosted) {
        synchronized (hosted) {
            if (hosted.report() != null) {
                return hosted.report();
            }
            List<String> devicesRemoved = pnp.driverStopping(hosted); // U7: its devices first
            try {
                stopFramework(hosted);
            } catch (DriverStopRefusedException e) {
                pnp.driverStopRefused(hosted);
                throw e;
            }
            return finish(hosted, devicesRemoved);
        }
    }

    /**
     * Runs the framework's unload; throws when it refuses. A method of its own so that no frame
     * that later awaits the loader's collection holds the driver's globals.
     */
    private static void stopFramework(HostedDriver hosted) {
        DriverRuntime runtime = hosted.runtime();
        FxDriverGlobals.StopOutcome outcome = runtime.stop();
        if (outcome.refused() && runtime.state() == FxDriverState.STARTED) {
            throw new DriverStopRefusedException(outcome.refusal());
        }
    }

    /**
     * Turns the proof of unload (U6 step 6: waiting, with bounded collections, for the driver's loader
     * to be collected, and diagnosing it when it is not) on or off; on by default. Off, a report says
     * "not checked": for hosts that load and unload so often that they check only now and then.
     */
    public DriverHost checkCollection(boolean check) {
        this.checkCollection = check;
        return this;
    }

    /**
     * Sets where drivers run when neither their start nor their package says (H2): in-process by default for an
     * embedder; {@code wdf4j host} and {@code wdf4j run} make it pooled, as UMDF 2 does.
     */
    public DriverHost defaultHosting(HostingModel model) {
        this.defaultHosting = java.util.Objects.requireNonNull(model, "model");
        return this;
    }

    public HostingModel defaultHosting() {
        return defaultHosting;
    }

    /** UMDF's host process timeout: 60 seconds. */
    public static final Duration DEFAULT_HOST_PROCESS_TIMEOUT = Duration.ofSeconds(60);

    /**
     * Sets the host process timeout (H7): how long a PnP, power, create, cleanup, close or cancel operation sent to a
     * driver host may take, extended while its driver makes progress, before the host records the driver host's
     * thread stacks and ends it. Applies to driver hosts started from now on. A verifier wait timeout longer than
     * this one wins for the drivers that have it.
     */
    public DriverHost hostProcessTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the host process timeout must be positive, was " + timeout);
        }
        this.hostProcessTimeout = timeout;
        return this;
    }

    /** Sets how driver hosts started from now on carry their messages (tests compare the transports). */
    DriverHost channelTransport(ChannelTransport transport) {
        this.channelTransport = java.util.Objects.requireNonNull(transport);
        return this;
    }

    /** Sets what happens when an isolated driver's driver host ends without being asked to (H6). */
    public DriverHost restartPolicy(RestartPolicy policy) {
        this.restartPolicy = java.util.Objects.requireNonNull(policy, "policy");
        return this;
    }

    /** The restart policy of isolated drivers. */
    public RestartPolicy restartPolicy() {
        return restartPolicy;
    }

    /** Stops the driver with this name; see {@link #stop(HostedDriver)}. */
    public UnloadReport stop(String name) {
        HostedDriver hosted;
        synchronized (drivers) {
            hosted = drivers.get(name);
        }
        if (hosted == null) {
            throw new IllegalArgumentException("no driver named " + name + " is loaded");
        }
        return stop(hosted);
    }

    /** The backend of a driver's Parameters key: the store's file when it is installed, else this host's memory. */
    FxParameters parametersFor(String name) { // package-private: tests set a throw-away host's parameters
        try {
            if (store != null && store.get(name).isPresent()) {
                return store.parameters(name);
            }
        } catch (java.io.IOException e) {
            LOG.warn("[{}] cannot read its store record, its parameters are kept in memory: {}", name, e.toString());
        }
        synchronized (memoryParameters) {
            return memoryParameters.computeIfAbsent(name, n -> FxParameters.inMemory());
        }
    }

    /** H5: tells the clients that asked that a device's driver host failed. */
    void deviceHostProblem(IoClient.DeviceHostProblem problem) {
        client.deviceHostProblem(problem);
    }

    /** The driver store, or null for a throw-away host. */
    public DriverStore store() {
        return store;
    }

    /**
     * The drivers the user started and the devices the user added, which a host on this state directory brings back
     * ({@link #restore}); null for a throw-away host.
     */
    public StartState startState() {
        return startState;
    }

    /**
     * Brings back what the {@link #startState() start state} records, in order: the drivers the user started, then
     * the devices the user added, with their instance IDs. What cannot be brought back (a driver uninstalled, a start
     * that fails) stays recorded and is said on {@code say}, as is everything brought back. With {@code clean}
     * ({@code wdf4j host --clean-start}) nothing is brought back, but the remembered instance IDs are not given to
     * new devices.
     */
    public void restore(boolean clean, java.util.function.Consumer<String> say) {
        StartState state = startState;
        if (state == null) {
            return;
        }
        state.problems().forEach(p -> say.accept("cannot bring back: " + p));
        if (clean) {
            for (StartState.Device d : state.devices()) {
                reserve(d, say);
            }
            say.accept("clean start: " + state.drivers().size() + " driver start(s) and " + state.devices().size()
                    + " device(s) not brought back; they stay recorded for the next host started without --clean-start");
            return;
        }
        for (StartState.DriverStart d : state.drivers()) {
            if (driver(d.name()) != null) {
                continue;
            }
            try {
                HostedDriver started = start(d.name(), d.verifier() ? VerifierSettings.on() : VerifierSettings.OFF,
                        d.hosting());
                say.accept(started.report() == null
                        ? "started driver " + d.name() + " again (" + started.hosting()
                                + (started.hosting().isIsolated() ? " in " + started.where() : "") + ")"
                        : "driver " + d.name() + " failed in DriverEntry when started again: "
                                + started.report().driverEntryStatus() + " (wdf4j driver stop " + d.name() + " forgets it)");
            } catch (DriverPackageException | DriverStoreException | java.io.IOException | RuntimeException e) {
                say.accept("cannot start driver " + d.name() + " again: " + e.getMessage() + " (it stays recorded; "
                        + "wdf4j driver stop " + d.name() + " forgets it)");
            }
        }
        for (StartState.Device d : state.devices()) {
            try {
                PnpManager.DevNode node = pnp.restoreDevice(d.instanceId(), d.hardwareId(), d.disabled());
                say.accept("added device " + node.instanceId() + " (" + node.hardwareId() + ") back: " + node.status()
                        + (node.driver() == null ? "" : " (driver " + node.driver() + ")")
                        + (node.problem() == null ? "" : ", problem " + node.problem()));
            } catch (RuntimeException e) {
                reserve(d, say);
                say.accept("cannot add device " + d.instanceId() + " back: " + e.getMessage() + " (it stays recorded; "
                        + "wdf4j device remove " + d.instanceId() + " forgets it)");
            }
        }
    }

    private void reserve(StartState.Device d, java.util.function.Consumer<String> say) {
        try {
            pnp.reserveInstanceId(d.instanceId(), d.hardwareId());
        } catch (IllegalArgumentException e) {
            say.accept("the recorded device " + d.instanceId() + " is not valid: " + e.getMessage());
        }
    }

    /** The PnP manager: the device tree of this host. */
    public PnpManager pnp() {
        return pnp;
    }

    /**
     * The way in to the devices of this host's drivers: find them by interface class, open them by path, read,
     * write and control them as this process (or on behalf of another requestor).
     */
    public IoClient client() {
        return client;
    }

    /** The loaded driver of that name, or null. */
    public HostedDriver driver(String name) {
        synchronized (drivers) {
            return drivers.get(name);
        }
    }

    /**
     * Installs a driver package in the store ({@link DriverStore#install}); replacing is refused while
     * the driver of that name is loaded.
     */
    public DriverStore.InstalledDriver install(DriverPackage driverPackage, boolean replace)
            throws DriverPackageException, DriverStoreException, java.io.IOException {
        DriverStore s = requireStore();
        synchronized (storeLock) {
            if (driver(driverPackage.name()) != null) {
                throw new DriverStoreException("driver " + driverPackage.name() + " is running; stop it before "
                        + (replace ? "replacing" : "installing") + " it");
            }
            return s.install(driverPackage, replace);
        }
    }

    /** Uninstalls a driver (its package and its parameters); refused while it is loaded. */
    public void uninstall(String name) throws DriverStoreException, java.io.IOException {
        uninstall(name, false);
    }

    /**
     * Uninstalls a driver (its package and its parameters), a damaged one too when {@code force}
     * ({@link DriverStore#uninstall(String, boolean)}); refused while it is loaded.
     */
    public void uninstall(String name, boolean force) throws DriverStoreException, java.io.IOException {
        DriverStore s = requireStore();
        synchronized (storeLock) {
            if (driver(name) != null) {
                throw new DriverStoreException("driver " + name + " is running; stop it before uninstalling it");
            }
            s.uninstall(name, force);
        }
    }

    /** Starts the installed driver of that name where its install chose; see {@link #start(String, VerifierSettings, HostingModel)}. */
    public HostedDriver start(String name, VerifierSettings verifier)
            throws DriverPackageException, DriverStoreException, java.io.IOException {
        return start(name, verifier, null);
    }

    /**
     * Starts the installed driver of that name; see {@link #start(DriverPackage, VerifierSettings, HostingModel)}.
     *
     * @param hosting where it runs; null: as chosen at install, else as its package asks, else the host's default
     */
    public HostedDriver start(String name, VerifierSettings verifier, HostingModel hosting)
            throws DriverPackageException, DriverStoreException, java.io.IOException {
        DriverStore s = requireStore();
        synchronized (storeLock) {
            DriverStore.InstalledDriver installed = s.get(name).orElseThrow(() -> new DriverStoreException(
                    "no driver named " + name + " is installed; install it first (wdf4j install JAR)"));
            if (driver(name) != null) {
                throw new DriverStoreException("driver " + name + " is already running");
            }
            return start(installed.toPackage(), verifier, hosting);
        }
    }

    private DriverStore requireStore() {
        if (store == null) {
            throw new IllegalStateException("this host has no state directory: create it with DriverHost.create(Path)");
        }
        return store;
    }

    /**
     * {@code wdf4j trace}: hands the framework's events (PnP and power transitions, requests, lifecycle, findings) of
     * {@code driver}, or of every driver when null, to {@code sink} as they happen, in-process drivers' and isolated
     * drivers' alike, until the answer is closed or the host closes ({@code ended} runs then, after the last events).
     * While nobody watches, nothing is recorded.
     */
    public AutoCloseable trace(String driver, java.util.function.Consumer<TraceEvent> sink, Runnable ended) {
        List<DriverHostProcess> processes = new ArrayList<>();
        for (HostedDriver d : drivers()) {
            if (d.runtime() instanceof IsolatedDriverRuntime isolated && !processes.contains(isolated.process())) {
                processes.add(isolated.process());
            }
        }
        return tracing.watch(driver, sink, ended, processes);
    }

    /** How many {@code wdf4j trace} clients watch now. */
    int traceWatchers() {
        return tracing.watchers();
    }

    /** The drivers loaded now, in load order. */
    public List<HostedDriver> drivers() {
        synchronized (drivers) {
            return new ArrayList<>(drivers.values());
        }
    }

    /** Builds the report, forgets the driver and proves that its code is gone (U6 step 6, H8). */
    private UnloadReport finish(HostedDriver hosted, List<String> devicesRemoved) {
        DriverRuntime runtime = hosted.runtime();
        Message.DriverView view = runtime.view();
        List<UnloadReport.Leak> leaks = new ArrayList<>();
        List<Finding> findings = new ArrayList<>();
        for (Finding f : view.findings()) {
            if (f.kind() == Finding.Kind.LEAK) {
                leaks.add(new UnloadReport.Leak(f.rule(), f.message(), f.stack()));
            } else {
                findings.add(f);
            }
        }
        List<String> callbacks = view.journal().stream().map(JournalEntry::toString).toList();
        // Nothing of the host may keep the driver's devices: names, interfaces, client handles, device nodes.
        namespace.forgetDriver(hosted.name());
        pnp.driverGone(hosted.name());
        synchronized (drivers) {
            drivers.remove(hosted.name(), hosted);
        }
        DriverRuntime.Release release = runtime.release(checkCollection, view);
        leaks.addAll(release.leaks());
        findings.addAll(release.findings()); // JVM-wide state it changed and did not restore
        boolean hung = view.passiveThread() != null;
        UnloadReport report = new UnloadReport(hosted.name(),
                view.entryStatus() == null ? "(did not return)" : view.entryStatus().toString(),
                view.entryStatus() != null && view.entryStatus().isSuccess(), view.entryException(),
                view.evtDriverUnloadCalled(), callbacks, leaks, findings, view.failure(), hung, release.collected(),
                release.note(), release.gcRootPath(), devicesRemoved, runtime.where());
        hosted.unloaded(report);
        keep(report);
        LOG.info("[{}] unloaded ({}): {}", hosted.name(), hosted.hosting(), report.clean() ? "clean" : "NOT clean");
        return report;
    }

    /** Keeps the report in the store's history (every report: those of stops the framework made on its own too). */
    private void keep(UnloadReport report) {
        if (store == null) {
            return;
        }
        try {
            store.reports().add(report, java.time.Instant.now());
        } catch (java.io.IOException e) {
            LOG.warn("[{}] its unload report could not be kept in the store: {}", report.driver(), e.toString());
        }
    }

    /** A bug check stopped a driver: stop it (no EvtDriverUnload) unless the host is already doing so. */
    private void driverFailed(String name) {
        HostedDriver hosted;
        synchronized (drivers) {
            hosted = drivers.get(name);
        }
        if (hosted == null || closed) {
            return;
        }
        failedDriverStopper.execute(() -> {
            synchronized (hosted) {
                if (hosted.report() == null && hosted.state() == FxDriverState.STARTED) {
                    LOG.warn("[{}] stopping the driver after its bug check", hosted.name());
                    stop(hosted);
                }
            }
        });
    }

    private static void closeQuietly(URLClassLoader loader) {
        LocalDriverRuntime.closeQuietly(loader);
    }

    /**
     * Mounts the host's devices as files under {@code root} (the FUSE reflector, {@link DeviceFiles}): every enabled
     * device interface and ready control device now and from now on, until {@link #unmountDevices} or
     * {@link #close}. Stale mounts a dead host left under the root are removed first.
     *
     * @throws IllegalStateException when the devices are mounted already
     * @throws IOException when {@code /dev/fuse} is missing, mounting is not permitted (it needs CAP_SYS_ADMIN), or a
     *     live host serves that root
     */
    public synchronized DeviceFiles mountDevices(Path root, FuseSession.Options options) throws IOException {
        if (deviceFiles != null) {
            throw new IllegalStateException("the devices are already mounted at " + deviceFiles.root());
        }
        deviceFiles = DeviceFiles.mount(namespace, client, root, options);
        return deviceFiles;
    }

    /** {@link #mountDevices(Path, FuseSession.Options)} with the default options. */
    public DeviceFiles mountDevices(Path root) throws IOException {
        return mountDevices(root, FuseSession.Options.defaults());
    }

    /** The device files, while mounted. */
    public Optional<DeviceFiles> deviceFiles() {
        return Optional.ofNullable(deviceFiles);
    }

    /**
     * Device path to what programs use it through, for {@code wdf4j devices}: its file in the mount root
     * ({@link DeviceFiles#pathsToFiles}) or its network interface ({@link NetAdapters#pathsToInterfaces}).
     */
    public Map<String, String> pathsToTargets() {
        Map<String, String> map = new LinkedHashMap<>(deviceFiles().map(DeviceFiles::pathsToFiles).orElse(Map.of()));
        map.putAll(netAdapters.pathsToInterfaces());
        return map;
    }

    /** The network adapters' TUN/TAP interfaces ({@code docs/device-classes.md}). */
    public NetAdapters netAdapters() {
        return netAdapters;
    }

    /** Unmounts the device files (programs holding one open get ENODEV); nothing when not mounted. */
    public synchronized void unmountDevices() {
        DeviceFiles files = deviceFiles;
        deviceFiles = null;
        if (files != null) {
            files.close();
        }
    }

    /**
     * Unmounts the device files, then stops every driver that can be stopped; those that cannot are reported and left.
     */
    @Override
    public void close() {
        closed = true;
        unmountDevices();
        netAdapters.close();
        for (HostedDriver hosted : drivers().reversed()) {
            try {
                stop(hosted);
            } catch (DriverStopRefusedException e) {
                LOG.warn("[{}] left loaded at host shutdown: {}", hosted.name(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.error("[{}] failed to stop at host shutdown", hosted.name(), e);
            }
        }
        failedDriverStopper.shutdown();
        tracing.close(); // after the stops, whose events it hands on
        if (store != null) {
            try {
                store.close();
            } catch (java.io.IOException e) {
                LOG.warn("releasing the state directory {}: {}", store.stateDir(), e.toString());
            }
            try {
                stateDirLock.close();
            } catch (java.io.IOException e) {
                LOG.warn("releasing the lock of the state directory {}: {}", store.stateDir(), e.toString());
            }
        }
    }
}
