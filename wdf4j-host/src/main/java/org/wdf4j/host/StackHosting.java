package org.wdf4j.host;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a device stack's drivers run. All drivers of one stack run in one process, as UMDF requires, so that a
 * request forwarded down the stack never crosses a process: the host's (in-process) or one driver host.
 *
 * <p>The rule: a stack of one driver runs where that driver asks (H2). A stack of several drivers runs in the host's
 * process when every driver of it asks for in-process; otherwise (any of them asks for pooled or isolated, or names
 * nothing on a host whose default is not in-process) it runs in the pool's driver host: an isolated driver host is one
 * driver's own, so a stack of several cannot share one. Drivers already running decide for it: the PnP manager starts
 * a stack's missing drivers where its running drivers run. A stack whose drivers run in different processes anyway
 * (started by hand with different models) is not built: its node fails with {@link #problem}'s words.
 */
final class StackHosting {

    private StackHosting() {
    }

    /**
     * The model to start the plan's missing drivers with, or null (a stack of one driver: as the driver asks).
     */
    static HostingModel of(StackPlan plan, DriverCatalog catalog, DriverHost host) {
        if (plan.drivers().size() < 2) {
            return null;
        }
        boolean anyRunning = false;
        boolean allInProcess = true;
        for (String name : plan.drivers()) {
            HostedDriver running = host.driver(name);
            if (running != null && running.isRunning()) {
                anyRunning = true;
                allInProcess &= running.hosting() == HostingModel.IN_PROCESS;
            }
        }
        if (!anyRunning) {
            for (String name : plan.drivers()) {
                DriverCatalog.Entry e = catalog.get(name);
                HostingModel asked = e == null || e.hosting() == null ? host.defaultHosting() : e.hosting();
                allInProcess &= asked == HostingModel.IN_PROCESS;
            }
        }
        return allInProcess ? HostingModel.IN_PROCESS : HostingModel.POOLED;
    }

    /**
     * Why the stack cannot be built with these running drivers (one per level of the plan), or null: they must all
     * run in one process.
     */
    static String problem(StackPlan plan, List<HostedDriver> drivers) {
        String duplicate = plan.duplicate();
        if (duplicate != null) {
            return "driver " + duplicate + " is named at two levels of its stack; a driver is attached once";
        }
        long pid = -1;
        boolean differ = false;
        List<String> where = new ArrayList<>();
        for (HostedDriver d : drivers) {
            DriverRuntime runtime = d.runtime();
            long p = runtime == null ? -1 : runtime.pid();
            differ |= pid != -1 && p != pid;
            pid = pid == -1 ? p : pid;
            where.add(d.name() + " " + (runtime == null ? "(not running)" : runtime.where()));
        }
        if (!differ) {
            return null;
        }
        return "its stack's drivers run in different processes (" + String.join(", ", where) + "): all drivers of a "
                + "stack run in one process; start them with the same hosting (all pooled, or all in-process)";
    }
}
