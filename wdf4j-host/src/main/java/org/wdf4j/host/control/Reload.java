package org.wdf4j.host.control;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.DriverStore;
import org.wdf4j.host.DriverStoreException;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.UnloadReport;

/**
 * {@code reload NAME [--jar=JAR] [--entry=CLASS] [--force] [--json]}: the driver developer's edit-reload loop in one
 * request ({@code wdf4j driver reload}). In this order, each step only when the one before it succeeded:
 * <ol>
 *   <li>the new package (the JAR given, else the one the driver was installed from, rebuilt in place) is read and
 *       checked as install checks it: a bad package is refused ({@link HostCommands#BAD_PACKAGE}) before anything
 *       stops, and the running driver and the installed package stay as they are;</li>
 *   <li>the running driver is stopped and its unload report printed, as {@code stop} does; a report that is not clean
 *       ends the reload ({@link HostCommands#NOT_CLEAN}) with the driver stopped and the old package installed, unless
 *       {@code force};</li>
 *   <li>the package is replaced in the store ({@link DriverStore#install}: atomic, the parameters kept); should that
 *       fail, the old package is started again;</li>
 *   <li>the driver is started again where it ran (its hosting model) with the verifier settings it ran with; the PnP
 *       manager gives it back the devices it had, whose nodes waited for a driver ({@link PnpManager}). Each is
 *       printed; one that does not start again makes the answer NOT_CLEAN.</li>
 * </ol>
 * A driver that is not running (or a store without a host) has its package replaced only.
 *
 * <p>{@code restart NAME [--force] [--json]} ({@code wdf4j driver restart}) is the same without the package: steps 2
 * and 4 with the package installed; a driver that is not running is refused.
 */
final class Reload {

    private final DriverHost host;
    private final Request request;
    private final Output out;
    /** Whether the package is replaced ({@code driver reload}) or kept ({@code driver restart}). */
    private final boolean replace;

    Reload(DriverHost host, Request request, Output out, boolean replace) {
        this.host = host;
        this.request = request;
        this.out = out;
        this.replace = replace;
    }

    int run() throws DriverPackageException, DriverStoreException, IOException {
        String name = request.argument();
        String verb = replace ? "reload" : "restart";
        if (name.isEmpty()) {
            throw new IllegalArgumentException(verb + " needs a driver name");
        }
        DriverStore.InstalledDriver installed = host.store().get(name).orElseThrow(() -> new DriverStoreException(
                "no driver named " + name + " is installed; install it first (wdf4j install JAR)"));
        Path jar = Path.of(request.option("jar") != null ? request.option("jar") : installed.source());
        // before anything stops
        DriverPackage pkg = replace ? HostCommands.reloadPackage(jar, installed, request).check() : null;
        HostedDriver loaded = host.driver(name);
        if (loaded == null && !replace) {
            throw new DriverStoreException("driver " + name + " is not running; start it with wdf4j driver start "
                    + name);
        }
        if (loaded == null) {
            host.install(pkg, true);
            out.out("replaced driver " + name + " from " + jar + "; it is not running (start it with wdf4j driver start "
                    + name + ")");
            return HostCommands.OK;
        }
        HostingModel hosting = loaded.hosting();
        VerifierSettings verifier = loaded.verifier();
        List<String> devices = host.pnp().devices().stream()
                .filter(n -> n.hardwareId() != null && (name.equals(n.driver()) || n.stack().contains(name)))
                .filter(n -> n.status() == PnpManager.Status.STARTED || n.status() == PnpManager.Status.SUSPENDED)
                .map(PnpManager.DevNode::instanceId).toList();

        UnloadReport report = HostCommands.stopWatched(host, loaded, out);
        if (report == null) {
            return HostCommands.REFUSED; // it runs on, its package unchanged
        }
        out.outText(request.flag("json") ? report.toJson() : report.render().stripTrailing());
        if (!report.clean() && !request.flag("force")) {
            if (host.startState() != null) {
                host.startState().driverStopped(name);
            }
            out.err("the unload report of driver " + name + " is not clean (above): the " + verb + " stops here, with"
                    + " the driver stopped" + (replace ? " and its old package installed" : "") + ". Fix what the report"
                    + " names and " + verb + " again, or " + verb + " anyway with --force");
            return HostCommands.NOT_CLEAN;
        }
        boolean replaced = !replace || replacePackage(name, pkg);
        HostedDriver again = host.start(name, verifier, hosting);
        if (again.report() != null) {
            if (host.startState() != null) {
                host.startState().driverStopped(name);
            }
            out.err("DriverEntry of " + name + " failed; the driver was unloaded at once");
            out.outText(again.report().render().stripTrailing());
            return HostCommands.NOT_CLEAN;
        }
        out.out("driver " + name + " started again (" + again.state() + ", " + again.hosting()
                + (again.hosting().isIsolated() ? " in " + again.where() : "") + ")");
        boolean allBack = true;
        List<String> seen = new java.util.ArrayList<>();
        for (PnpManager.DevNode node : host.pnp().devices()) {
            if (!devices.contains(node.instanceId())) {
                continue;
            }
            seen.add(node.instanceId());
            boolean runs = name.equals(node.driver()) || node.stack().contains(name);
            runs &= node.status() == PnpManager.Status.STARTED || node.status() == PnpManager.Status.SUSPENDED;
            out.out("device " + node.instanceId() + ": " + node.status()
                    + (node.problem() == null ? "" : ", problem " + node.problem()));
            allBack &= runs;
        }
        for (String gone : devices) {
            if (!seen.contains(gone)) {
                out.out("device " + gone + ": removed while the driver was stopped");
            }
        }
        if (!allBack) {
            out.err("not every device of driver " + name + " started again (above); wdf4j devices shows why");
        }
        return replaced && allBack ? HostCommands.OK : HostCommands.NOT_CLEAN;
    }

    /** Replaces the stopped driver's package; answers false, the old package kept, when that fails. */
    private boolean replacePackage(String name, DriverPackage pkg) {
        try {
            DriverStore.InstalledDriver now = host.install(pkg, true);
            out.out("replaced driver " + name + " from " + now.source() + " (sha256 " + now.sha256() + ")");
            return true;
        } catch (DriverPackageException | DriverStoreException | IOException e) {
            out.err("the package of driver " + name + " was not replaced (" + e.getMessage() + "); starting the "
                    + "installed one again");
            return false;
        }
    }
}
