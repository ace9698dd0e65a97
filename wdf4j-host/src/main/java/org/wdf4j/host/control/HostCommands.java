package org.wdf4j.host.control;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DamagedDriverException;
import org.wdf4j.host.DeviceFiles;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.DriverStopRefusedException;
import org.wdf4j.host.DriverStore;
import org.wdf4j.host.DriverStoreException;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.InspectView;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.ReportHistory;
import org.wdf4j.host.StoredReport;
import org.wdf4j.host.UnloadReport;

/**
 * The host's commands, run the same way for a request on the control socket and for a {@code wdf4j}
 * command that works on the store directly: {@code ping}, {@code install}, {@code uninstall},
 * {@code list}, {@code status}, {@code reports}, {@code start}, {@code stop} (which says on standard error what it
 * waits for while it waits: {@link StopProgress}), {@code reload} ({@link Reload}), {@code inspect} ({@link InspectView}); and the device tree's: {@code devices},
 * {@code device-add}, {@code device-remove}, {@code device-disable}, {@code device-enable},
 * {@code device-surprise-remove}, {@code power-sleep}, {@code power-wake}; the toaster bus's {@code bus-plug-in},
 * {@code bus-unplug}, {@code bus-eject} ({@link BusControl}). Each writes lines and
 * answers an exit status ({@link #OK}, {@link #REFUSED}, {@link #BAD_PACKAGE}, {@link #NOT_CLEAN}; for
 * {@code device-add} and {@code device-enable}, NOT_CLEAN means the device did not start).
 */
public final class HostCommands {

    public static final int OK = 0;
    /** Refused or failed: not installed, already installed, running, unknown command. */
    public static final int REFUSED = 1;
    /** The driver package is not valid. */
    public static final int BAD_PACKAGE = 2;
    /** The driver's unload report is not clean (or DriverEntry failed). */
    public static final int NOT_CLEAN = 3;
    /** No host is running (start and stop need one). */
    public static final int NO_HOST = 4;

    private final DriverHost host;

    public HostCommands(DriverHost host) {
        this.host = host;
    }

    public DriverHost host() {
        return host;
    }

    /** Runs one request; never throws. */
    public int execute(Request request, Output out) {
        try {
            return switch (request.verb()) {
                case "ping" -> {
                    out.out("wdf4j host pid " + ProcessHandle.current().pid() + " state " + host.store().stateDir());
                    yield OK;
                }
                case "install" -> install(request, out);
                case "uninstall" -> uninstall(name(request), request.flag("force"), out);
                case "list" -> list(out);
                case "status" -> status(name(request), out);
                case "reports" -> reports(request.argument(), request.flag("json"), out);
                case "start" -> start(name(request), request.flag("no-verifier"), hosting(request), out);
                case "stop" -> stop(name(request), request.flag("json"), out);
                case "reload" -> new Reload(host, request, out, true).run();
                case "restart" -> new Reload(host, request, out, false).run();
                case "inspect" -> inspect(request, out);
                case "devices" -> devices(request.flag("json"), request.flag("verbose"), out);
                case "device-add" -> deviceAdd(argument(request, "a hardware ID"), request.flag("once"), out);
                case "device-remove" -> {
                    host.pnp().removeDevice(argument(request, "an instance ID"));
                    forgetDevice(request.argument());
                    out.out("device " + request.argument() + " removed");
                    yield OK;
                }
                case "device-disable" -> {
                    PnpManager.DevNode node = host.pnp().disable(argument(request, "an instance ID"));
                    if (host.startState() != null) {
                        host.startState().deviceDisabled(node.instanceId(), true);
                    }
                    out.out("device " + node.instanceId() + " disabled");
                    yield OK;
                }
                case "device-enable" -> {
                    PnpManager.DevNode node = host.pnp().enable(argument(request, "an instance ID"));
                    if (host.startState() != null) {
                        host.startState().deviceDisabled(node.instanceId(), false);
                    }
                    yield started(node, "enabled", out);
                }
                case "device-surprise-remove" -> {
                    host.pnp().surpriseRemove(argument(request, "an instance ID"));
                    forgetDevice(request.argument());
                    out.out("device " + request.argument() + " surprise-removed");
                    yield OK;
                }
                case "bus-plug-in" -> BusControl.run(host, "plug-in", request, out);
                case "bus-unplug" -> BusControl.run(host, "unplug", request, out);
                case "bus-eject" -> BusControl.run(host, "eject", request, out);
                case "power-sleep" -> power(host.pnp().sleep(), "the system sleeps", out);
                case "power-wake" -> power(host.pnp().wake(), "the system is awake", out);
                default -> {
                    out.err("unknown request '" + request.verb() + "'; requests are ping, install, uninstall, list, "
                            + "status, reports, start, stop, reload, inspect, trace, devices, device-add, device-remove, device-disable, device-enable, "
                            + "device-surprise-remove, bus-plug-in, bus-unplug, bus-eject, power-sleep, power-wake, shutdown");
                    yield REFUSED;
                }
            };
        } catch (DriverPackageException e) {
            out.err(e.getMessage());
            return BAD_PACKAGE;
        } catch (DriverStoreException | DamagedDriverException | IllegalArgumentException
                 | org.wdf4j.host.RemovalVetoedException e) {
            out.err(e.getMessage());
            return REFUSED;
        } catch (IOException e) {
            out.err("cannot use the state directory " + host.store().stateDir() + ": " + e);
            return REFUSED;
        } catch (RuntimeException e) {
            out.err(request.verb() + " failed: " + e);
            return REFUSED;
        }
    }

    private static String argument(Request request, String what) {
        if (request.argument().isEmpty()) {
            throw new IllegalArgumentException(request.verb() + " needs " + what);
        }
        return request.argument();
    }

    /** {@code device add}: the node is remembered (a host started later adds it back) unless {@code once}. */
    private int deviceAdd(String hardwareId, boolean once, Output out) throws IOException {
        PnpManager.DevNode node = host.pnp().addDevice(hardwareId);
        if (!once && host.startState() != null) {
            host.startState().deviceAdded(node.instanceId(), node.hardwareId());
        }
        return started(node, "added", out);
    }

    private void forgetDevice(String instanceId) throws IOException {
        if (host.startState() != null) {
            host.startState().deviceRemoved(instanceId);
        }
    }

    private int devices(boolean json, boolean verbose, Output out) {
        List<PnpManager.DevNode> tree = host.pnp().devices();
        Map<String, String> files = host.pathsToTargets();
        Map<String, String> noFile = host.deviceFiles().map(DeviceFiles::problems).orElse(Map.of());
        out.outText(json ? PnpManager.toJson(tree, files, noFile)
                : PnpManager.render(tree, files, noFile, verbose).stripTrailing());
        return OK;
    }

    /** Prints a node after an add or an enable: OK when it runs, NOT_CLEAN when it did not start. */
    private int started(PnpManager.DevNode node, String what, Output out) {
        out.out("device " + node.instanceId() + " " + what + ": " + node.status()
                + (node.driver() == null ? "" : " (driver " + node.driver() + ")")
                + (node.problem() == null ? "" : ", problem " + node.problem()));
        try { // a network adapter's interface is made after the device starts: a command run next wants it there
            host.netAdapters().awaitSettled(NETWORK_INTERFACE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, String> targets = host.pathsToTargets();
        Map<String, String> netProblems = host.netAdapters().problems();
        node.interfaces().forEach(path -> out.out("  interface " + path
                + (targets.containsKey(path) ? " -> " + targets.get(path) : "")));
        node.interfaces().stream().filter(netProblems::containsKey)
                .forEach(path -> out.err("no network interface for " + path + ": " + netProblems.get(path)));
        boolean runs = node.status() == PnpManager.Status.STARTED || node.status() == PnpManager.Status.SUSPENDED;
        if (node.status() == PnpManager.Status.NO_DRIVER) {
            out.err("no running or installed driver lists " + node.hardwareId() + "; the device waits for one "
                    + "(install or start a driver whose Wdf4j-Hardware-Ids lists it)");
        } else if (!runs) {
            out.err("device " + node.instanceId() + " did not start: " + node.status()
                    + (node.problem() == null ? "" : " (" + node.problem() + ")"));
        }
        return runs ? OK : NOT_CLEAN;
    }

    private static final java.time.Duration NETWORK_INTERFACE_WAIT = java.time.Duration.ofSeconds(10);

    private static int power(List<PnpManager.DevNode> tree, String what, Output out) {
        out.out(what);
        out.outText(PnpManager.render(tree).stripTrailing());
        return OK;
    }

    private static String name(Request request) {
        if (request.argument().isEmpty()) {
            throw new IllegalArgumentException(request.verb() + " needs a driver name");
        }
        return request.argument();
    }

    private int install(Request request, Output out) throws DriverPackageException, DriverStoreException, IOException {
        if (request.argument().isEmpty()) {
            throw new IllegalArgumentException("install needs the path of a driver JAR");
        }
        DriverPackage pkg = packageOf(Path.of(request.argument()), request.option("entry"), request.option("name"),
                request);
        boolean replace = request.flag("replace");
        boolean existed = host.store().contains(pkg.name());
        DriverStore.InstalledDriver installed = host.install(pkg, replace);
        out.out((existed ? "replaced" : "installed") + " driver " + installed.name() + " (" + installed.entryClass()
                + ", framework " + installed.frameworkVersion() + ") from " + installed.source());
        return OK;
    }

    /**
     * The package {@code install} (and {@code reload}) makes of a JAR: its manifest's, or with the entry class and the
     * name given ({@code --entry}, {@code --name}), the setup overridden by the request's options.
     */
    private static DriverPackage packageOf(Path jar, String entry, String name, Request request)
            throws DriverPackageException {
        DriverPackage pkg;
        if (entry != null) {
            if (name == null) {
                String file = jar.getFileName().toString();
                name = file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
            }
            pkg = DriverPackage.of(jar, entry, name, DriverPackage.FRAMEWORK_VERSION);
        } else {
            pkg = DriverPackage.open(jar);
            if (name != null && !name.equals(pkg.name())) {
                pkg = DriverPackage.of(jar, pkg.entryClass(), name, pkg.frameworkVersion(), pkg.hardwareIds())
                        .withSetup(pkg.setup()).withHosting(pkg.hosting());
            }
        }
        pkg = pkg.withSetup(pkg.setup().overriddenBy(jar, request::option));
        if (request.option("hosting") != null) {
            pkg = pkg.withHosting(hosting(request));
        }
        return pkg;
    }

    private int uninstall(String name, boolean force, Output out) throws DriverStoreException, IOException {
        host.uninstall(name, force);
        if (host.startState() != null) {
            host.startState().driverStopped(name);
        }
        out.out("uninstalled driver " + name + " and its parameters");
        return OK;
    }

    private int list(Output out) throws IOException {
        List<DriverStore.InstalledDriver> installed = host.store().list();
        List<DriverStore.DamagedDriver> damaged = host.store().damaged();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "STATE", "ENTRY CLASS", "VERSION", "SOURCE"});
        for (DriverStore.InstalledDriver d : installed) {
            rows.add(new String[] {d.name(), state(d), d.entryClass(), d.frameworkVersion(), d.source()});
        }
        for (DriverStore.DamagedDriver d : damaged) {
            rows.add(new String[] {d.name(), "DAMAGED", "-", "-", "(see below)"});
        }
        for (HostedDriver running : host.drivers()) {
            if (!host.store().contains(running.name())) {
                rows.add(new String[] {running.name(), running.state().name(), running.driverPackage().entryClass(),
                        running.driverPackage().frameworkVersion(), "(not installed) " + running.driverPackage().jar()});
            }
        }
        if (rows.size() == 1) {
            out.out("no drivers installed in " + host.store().stateDir() + " (wdf4j install JAR)");
            return OK;
        }
        int[] width = new int[4];
        for (String[] row : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            out.out(String.format("%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %-" + width[3] + "s  %s",
                    (Object[]) row).stripTrailing());
        }
        for (DriverStore.DamagedDriver d : damaged) {
            out.out("");
            out.out(d.name() + " is damaged: " + d.problem());
            out.out("  " + d.fix());
        }
        return OK;
    }

    /** STARTED (or another lifecycle state) while loaded; else {@code stopped} after a report since its install, or {@code installed}. */
    private String state(DriverStore.InstalledDriver installed) throws IOException {
        HostedDriver loaded = host.driver(installed.name());
        if (loaded != null) {
            return loaded.state().name();
        }
        Optional<StoredReport> last = host.store().reports().latest(installed.name());
        if (last.isPresent() && last.get().report() != null && last.get().time().isAfter(installed.installedAt())) {
            return last.get().report().clean() ? "stopped" : "stopped (NOT clean)";
        }
        return "installed";
    }

    private int status(String name, Output out) throws IOException {
        Optional<DriverStore.InstalledDriver> installed;
        try {
            installed = host.store().get(name);
        } catch (DamagedDriverException e) {
            out.out("driver " + name);
            out.out("  state:      DAMAGED");
            out.out("  problem:    " + e.damaged().problem());
            out.out("  fix:        " + e.damaged().fix());
            lastUnload(name, out);
            return REFUSED;
        }
        HostedDriver loaded = host.driver(name);
        if (installed.isEmpty() && loaded == null) {
            out.err("no driver named " + name + " is installed or running (see wdf4j list)");
            return REFUSED;
        }
        out.out("driver " + name);
        out.out("  state:      " + (installed.isPresent() ? state(installed.get()) : loaded.state().name()));
        if (installed.isPresent()) {
            DriverStore.InstalledDriver d = installed.get();
            out.out("  entry:      " + d.entryClass() + " (framework " + d.frameworkVersion() + ")");
            out.out("  package:    " + d.jar() + " (sha256 " + d.sha256() + ")");
            try {
                d.checkIntegrity();
            } catch (DriverPackageException e) {
                out.out("  integrity:  DAMAGED: " + e.getMessage());
            }
            out.out("  installed:  " + d.installedAt() + " from " + d.source());
            out.out("  binds to:   " + (d.hardwareIds().isEmpty() ? "(no hardware IDs: not a PnP driver)"
                    : String.join(", ", d.hardwareIds())));
            out.out("  hosting:    " + (d.hosting() != null ? d.hosting() + " (chosen at install)"
                    : "as the host chooses (" + host.defaultHosting() + ")"));
        }
        if (loaded != null) {
            out.out("  runs:       " + loaded.hosting() + (loaded.hosting().isIsolated()
                    ? " in " + loaded.where() : "") + ", pid " + loaded.pid());
            if (loaded.hosting().isIsolated()) {
                out.out("  restarts:   " + loaded.restarts() + " (" + loaded.restartsLeft(host.restartPolicy())
                        + " left)" + (loaded.lastFailure() == null ? "" : ", last failure: " + loaded.lastFailure()));
            }
            out.out("  objects:    " + loaded.objectTree().size());
        }
        lastUnload(name, out);
        if (installed.isPresent()) {
            Map<String, FxParameters.Value> values = host.store().parameters(name).values();
            out.out("  parameters: " + (values.isEmpty() ? "none" : values.size()));
            values.forEach((k, v) -> out.out("    " + k + " = " + v));
        }
        return OK;
    }

    /** The driver's last kept unload report, in a line, and how many are kept. */
    private void lastUnload(String name, Output out) throws IOException {
        List<StoredReport> kept = host.store().reports().of(name);
        if (kept.isEmpty()) {
            return;
        }
        StoredReport last = kept.getLast();
        if (last.report() == null) {
            out.out("  last unload: (" + last.problem() + ")");
        } else {
            UnloadReport report = last.report();
            out.out("  last unload: " + (report.clean() ? "clean" : "NOT clean")
                    + (report.failure() == null ? "" : " (failed: " + firstLine(report.failure()) + ")")
                    + (report.driverEntrySucceeded() ? "" : " (DriverEntry returned " + report.driverEntryStatus() + ")")
                    + ", at " + last.time());
        }
        out.out("  reports:    " + kept.size() + " kept, the last " + ReportHistory.KEPT + " at most (wdf4j reports "
                + name + ")");
    }

    /** The kept unload reports: of one driver in full, or of every driver in a line each; or as JSON. */
    private int reports(String name, boolean json, Output out) throws IOException {
        ReportHistory history = host.store().reports();
        List<StoredReport> kept = new ArrayList<>();
        for (String driver : name.isEmpty() ? history.drivers() : List.of(name)) {
            kept.addAll(history.of(driver));
        }
        if (json) {
            out.outText(StoredReport.toJson(kept));
            return OK;
        }
        if (kept.isEmpty()) {
            out.out(name.isEmpty() ? "no unload reports kept in " + host.store().stateDir()
                    : "no unload reports kept for driver " + name);
            return OK;
        }
        for (StoredReport r : kept) {
            if (r.report() == null) {
                out.out("(" + r.problem() + ")");
            } else if (name.isEmpty()) {
                UnloadReport report = r.report();
                out.out(r.time() + "  " + report.driver() + "  " + (report.clean() ? "clean" : "NOT clean")
                        + (report.failure() == null ? "" : "  failed: " + firstLine(report.failure())));
            } else {
                out.out("== " + r.time());
                out.outText(r.report().render().stripTrailing());
            }
        }
        return OK;
    }

    private static String firstLine(String text) {
        return text.lines().findFirst().orElse("");
    }

    /** The {@code hosting} option, or null when the request has none. */
    private static HostingModel hosting(Request request) {
        String hosting = request.option("hosting");
        return hosting == null ? null : HostingModel.parse(hosting);
    }

    private int start(String name, boolean noVerifier, HostingModel hosting, Output out)
            throws DriverPackageException, DriverStoreException, IOException {
        HostedDriver hosted = host.start(name, noVerifier ? VerifierSettings.OFF : VerifierSettings.on(), hosting);
        if (hosted.report() == null && host.startState() != null) {
            host.startState().driverStarted(name, !noVerifier, hosting); // started again when a host starts
        }
        if (hosted.report() != null) {
            out.err("DriverEntry of " + name + " failed; the driver was unloaded at once");
            out.outText(hosted.report().render().stripTrailing());
            return NOT_CLEAN;
        }
        out.out("driver " + name + " started (" + hosted.state() + ", " + hosted.hosting()
                + (hosted.hosting().isIsolated() ? " in " + hosted.where() : "") + ", verifier "
                + (noVerifier ? "off" : "on") + ")");
        return OK;
    }

    /** {@code out} for two threads (a stop and its progress): one line at a time. */
    private static Output synchronizedOutput(Output out) {
        return new Output() {
            @Override
            public synchronized void out(String line) {
                out.out(line);
            }

            @Override
            public synchronized void err(String line) {
                out.err(line);
            }
        };
    }

    /**
     * {@code inspect --view=driver|journal|device|queues|request [--json] [--tail=N] [--driver=NAME] ARGUMENT}: what a running
     * driver looks like inside ({@link InspectView}).
     */
    private int inspect(Request request, Output out) {
        InspectView.Kind view = InspectView.Kind.parse(request.option("view") == null ? "driver" : request.option("view"));
        String what = switch (view) {
            case DRIVER, JOURNAL -> "a driver name";
            case DEVICE, QUEUES -> "a device's instance ID (wdf4j devices lists them), handle or name";
            case REQUEST -> "a request's handle, e.g. WDFREQUEST#12 (wdf4j inspect queues DEVICE lists those held)";
        };
        String id = argument(request, what);
        int tail = view == InspectView.Kind.JOURNAL ? Integer.MAX_VALUE : 20; // the journal view: all of it
        if (request.option("tail") != null) {
            try {
                tail = Integer.parseInt(request.option("tail"));
            } catch (NumberFormatException e) {
                tail = -1;
            }
            if (tail < 0) {
                throw new IllegalArgumentException("--tail must be a number of journal entries (0 or more), was '"
                        + request.option("tail") + "'");
            }
        }
        String onlyDriver = request.option("driver");
        List<InspectView.Seen> seen = new ArrayList<>();
        if (view == InspectView.Kind.DRIVER || view == InspectView.Kind.JOURNAL) {
            HostedDriver d = host.driver(id);
            if (d == null) {
                out.err("no driver named " + id + " is running" + (host.store().contains(id)
                        ? "; it is installed: start it with wdf4j driver start " + id : " (wdf4j list shows the drivers)"));
                return REFUSED;
            }
            seen.add(new InspectView.Seen(d, d.inspect()));
        } else {
            for (InspectView.Seen s : InspectView.all(host)) {
                if (onlyDriver != null && !onlyDriver.equals(s.driver().name())) {
                    continue;
                }
                InspectView.Seen only = view == InspectView.Kind.REQUEST ? InspectView.onlyRequest(s, id)
                        : InspectView.onlyDevice(s, id);
                if (!only.inside().devices().isEmpty()) {
                    seen.add(only);
                }
            }
            if (seen.isEmpty()) {
                out.err(view == InspectView.Kind.REQUEST
                        ? "no running driver" + (onlyDriver == null ? "" : " named " + onlyDriver) + " holds a request "
                                + id + " (a request is shown while its driver holds it; wdf4j inspect queues DEVICE "
                                + "lists them)"
                        : "no running driver" + (onlyDriver == null ? "" : " named " + onlyDriver) + " has a device "
                                + id + " (wdf4j devices lists the devices and their instance IDs)");
                return REFUSED;
            }
        }
        if (request.flag("json")) {
            out.outText(InspectView.json(view, seen, tail));
            return OK;
        }
        StringBuilder text = new StringBuilder();
        for (InspectView.Seen s : seen) {
            switch (view) {
                case DRIVER -> text.append(InspectView.driverText(s, tail));
                case JOURNAL -> text.append(InspectView.journalText(s, tail));
                case DEVICE -> s.inside().devices().forEach(d -> text.append(InspectView.deviceText(s, d)));
                case QUEUES -> s.inside().devices().forEach(d -> text.append(InspectView.queuesText(s, d)));
                case REQUEST -> s.inside().heldRequests().forEach(r -> text.append(InspectView.requestText(s, r)));
            }
        }
        out.outText(text.toString().stripTrailing());
        return OK;
    }

    private int stop(String name, boolean json, Output out) throws IOException {
        HostedDriver loaded = host.driver(name);
        if (loaded == null) {
            if (host.startState() != null && host.startState().driverStopped(name)) {
                out.out("driver " + name + " is not running; it will no longer be started when the host starts");
                return OK;
            }
            out.err("driver " + name + " is not running");
            return REFUSED;
        }
        UnloadReport report = stopWatched(host, loaded, out);
        if (report == null) {
            return REFUSED; // it runs on, and is still started with the host
        }
        if (host.startState() != null) {
            host.startState().driverStopped(name); // stopped by the user: not started with the host any more
        }
        out.outText(json ? report.toJson() : report.render().stripTrailing());
        return report.clean() ? OK : NOT_CLEAN;
    }

    /**
     * Stops a loaded driver, saying on {@code out} what the stop waits for while it waits ({@link StopProgress});
     * answers its report, or null when the framework refused (said on {@code out}; the driver runs on).
     */
    static UnloadReport stopWatched(DriverHost host, HostedDriver loaded, Output out) {
        try (StopProgress progress = StopProgress.watch(loaded, synchronizedOutput(out))) {
            return host.stop(loaded);
        } catch (DriverStopRefusedException e) {
            out.err("driver " + loaded.name() + " was not stopped: " + e.getMessage());
            return null;
        }
    }

    /** The package a reload installs: see {@link Reload}. */
    static DriverPackage reloadPackage(Path jar, DriverStore.InstalledDriver installed, Request request)
            throws DriverPackageException {
        String entry = request.option("entry");
        DriverPackage pkg;
        if (entry != null) {
            pkg = packageOf(jar, entry, installed.name(), request);
        } else {
            DriverPackage manifest;
            try {
                manifest = DriverPackage.open(jar);
            } catch (DriverPackageException e) {
                manifest = null; // a JAR installed with --entry may have no Wdf4j-Driver-Entry: the installed one serves
                if (!installedWithoutManifest(installed, jar)) {
                    throw e;
                }
            }
            if (manifest != null && manifest.name().equals(installed.name())) {
                pkg = packageOf(jar, null, installed.name(), request);
            } else {
                pkg = DriverPackage.of(jar, installed.entryClass(), installed.name(), installed.frameworkVersion(),
                        manifest != null ? manifest.hardwareIds() : installed.hardwareIds())
                        .withSetup(installed.setup());
            }
        }
        if (pkg.hosting() == null && installed.hosting() != null) {
            pkg = pkg.withHosting(installed.hosting()); // as chosen at install
        }
        return pkg;
    }

    /** Whether the installed driver's entry class was given at install, not read from a manifest of this JAR. */
    private static boolean installedWithoutManifest(DriverStore.InstalledDriver installed, Path jar) {
        try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
            java.util.jar.Manifest manifest = file.getManifest();
            return manifest == null || manifest.getMainAttributes().getValue(DriverPackage.ENTRY_ATTRIBUTE) == null;
        } catch (IOException e) {
            return false; // not a JAR: the manifest's error says so
        }
    }
}
