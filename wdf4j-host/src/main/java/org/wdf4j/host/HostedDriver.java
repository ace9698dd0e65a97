package org.wdf4j.host;

import java.util.List;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.JournalEntry;

/**
 * A driver loaded by a {@link DriverHost}. While the driver runs it answers its state, object tree
 * and journal; once unloaded it answers only its {@link #report()}, and keeps nothing that could
 * hold the driver's classes.
 */
public final class HostedDriver {

    private final DriverPackage driverPackage;
    private volatile FxDriverGlobals globals;
    private volatile LoaderCollection.Watch loader;
    private volatile UnloadReport report;
    private DriverEntry entry;

    HostedDriver(DriverPackage driverPackage, FxDriverGlobals globals, LoaderCollection.Watch loader, DriverEntry entry) {
        this.driverPackage = driverPackage;
        this.globals = globals;
        this.loader = loader;
        this.entry = entry;
    }

    /** The entry instance, handed over once to be called; the host keeps no reference to it. */
    synchronized DriverEntry takeEntry() {
        DriverEntry taken = entry;
        entry = null;
        return taken;
    }

    public String name() {
        return driverPackage.name();
    }

    public DriverPackage driverPackage() {
        return driverPackage;
    }

    /** The driver's lifecycle state; UNLOADED once its report is made. */
    public FxDriverState state() {
        FxDriverGlobals g = globals;
        return g == null ? FxDriverState.UNLOADED : g.state();
    }

    /** True while the driver is started and has not failed. */
    public boolean isRunning() {
        FxDriverGlobals g = globals;
        return g != null && g.state() == FxDriverState.STARTED && g.failure() == null;
    }

    /** The driver's object tree; empty once unloaded. */
    public List<FxDriverGlobals.TreeLine> objectTree() {
        FxDriverGlobals g = globals;
        return g == null ? List.of() : g.objectTree();
    }

    /** The journal so far; once unloaded, the report has it. */
    public List<JournalEntry> journal() {
        FxDriverGlobals g = globals;
        return g == null ? List.of() : g.journal();
    }

    /** The unload report, or null while the driver is loaded. */
    public UnloadReport report() {
        return report;
    }

    FxDriverGlobals globals() {
        return globals;
    }

    LoaderCollection.Watch loaderWatch() {
        return loader;
    }

    /** Forgets everything that references the driver, before its collection is checked. */
    synchronized void forget() {
        this.globals = null;
        this.entry = null;
    }

    /** The driver is gone; this is what it left behind. */
    void unloaded(UnloadReport finalReport) {
        this.report = finalReport;
        this.loader = null;
    }

    @Override
    public String toString() {
        return "driver " + name() + " (" + state() + ")";
    }
}
