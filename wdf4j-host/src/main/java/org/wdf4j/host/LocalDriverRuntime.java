package org.wdf4j.host;

import java.io.IOException;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxDeviceStack;
import org.wdf4j.framework.FxDeviceStacks;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.host.isolation.Message;
import org.wdf4j.host.leak.LeakDiagnosis;

/**
 * A driver in the host's own process (the KMDF model): its own class loader, the framework's globals, and the proof
 * of unload by the loader's collection (U6 step 6), with the leak diagnosis when it is not collected.
 *
 * <p>Once {@link #release} starts, this object holds nothing of the driver: the globals and the entry instance are
 * dropped before the collection is awaited.
 */
final class LocalDriverRuntime implements DriverRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(LocalDriverRuntime.class);

    /** Null once released. */
    private volatile FxDriverGlobals globals;
    /** The entry instance until DriverEntry is called; guarded by this. */
    private DriverEntry entry;
    private final LoaderCollection.Watch loader;
    /** The JVM's shared state before the driver's code first ran, compared after its unload. */
    private final JvmState before;
    /** The device stacks of this process, which the driver's devices join. */
    private final FxDeviceStacks stacks;

    /**
     * @param before the JVM's shared state taken before the driver's entry class was created
     * @param stacks the device stacks of the process, shared by its drivers
     */
    LocalDriverRuntime(FxDriverGlobals globals, DriverEntry entry, LoaderCollection.Watch loader, JvmState before,
                       FxDeviceStacks stacks) {
        this.globals = globals;
        this.entry = entry;
        this.loader = loader;
        this.before = before;
        this.stacks = stacks;
        globals.setDeviceStacks(stacks); // a bus driver's PDOs register their children's stacks here (ST1)
    }

    /** The framework's globals, or null once released. */
    FxDriverGlobals globals() {
        return globals;
    }

    @Override
    public String where() {
        return "in-process";
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    @Override
    public FxDriverGlobals.EntryOutcome callDriverEntry() {
        DriverEntry e;
        synchronized (this) {
            e = entry;
            entry = null;
        }
        return globals.callDriverEntry(e);
    }

    @Override
    public FxDriverGlobals.StopOutcome stop() {
        return globals.stop();
    }

    @Override
    public FxDriverState state() {
        FxDriverGlobals g = globals;
        return g == null ? FxDriverState.UNLOADED : g.state();
    }

    @Override
    public String failure() {
        FxDriverGlobals g = globals;
        return g == null || g.failure() == null ? null : g.failure().getMessage();
    }

    @Override
    public org.wdf4j.framework.FxInspection inspect() {
        FxDriverGlobals g = globals;
        return g == null ? unloaded("(released)") : g.inspect();
    }

    /** The inspection of a driver the framework no longer (or not yet) has. */
    static org.wdf4j.framework.FxInspection unloaded(String name) {
        return new org.wdf4j.framework.FxInspection(name, org.wdf4j.framework.FxDriverState.UNLOADED,
                java.util.Map.of(), List.of(), List.of());
    }

    @Override
    public List<FxDriverGlobals.TreeLine> objectTree() {
        FxDriverGlobals g = globals;
        return g == null ? List.of() : g.objectTree();
    }

    @Override
    public List<JournalEntry> journal() {
        FxDriverGlobals g = globals;
        return g == null ? List.of() : g.journal();
    }

    @Override
    public NtResult<? extends FxDeviceEndpoint> addDevice(String hardwareId, String instanceId, boolean newStack) {
        FxDeviceStack stack = newStack ? stacks.create(instanceId) : stacks.find(instanceId);
        if (stack == null) {
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_STATE); // the devices below were removed meanwhile
        }
        NtResult<FxDevice> added = stack.addDevice(globals, hardwareId);
        stacks.forgetIfEmpty(stack);
        return added;
    }

    @Override
    public List<String> controlDevices() {
        FxDriverGlobals g = globals;
        List<String> names = new ArrayList<>();
        if (g != null) {
            for (FxDevice d : g.devices()) {
                if (d.isControlDevice()) {
                    names.add(d.assignedName() == null ? "(unnamed)" : d.assignedName());
                }
            }
        }
        return names;
    }

    /**
     * Reads the framework's record of the driver. Nothing it touches (the globals, the bug check, whose stack
     * references the driver's classes) stays in a frame that later awaits the loader's collection.
     */
    @Override
    public Message.DriverView view() {
        FxDriverGlobals g = globals;
        boolean hung = g.state() == FxDriverState.ABANDONED;
        return new Message.DriverView(g.state(), failure(), g.entryStatus(), g.entryException(),
                g.evtDriverUnloadCalled(), g.journal(), g.findings(), g.objectTree(), controlDevices(),
                hung ? g.passiveThread().getName() : null);
    }

    @Override
    public Release release(boolean checkCollection, Message.DriverView view) {
        globals = null;
        synchronized (this) {
            entry = null;
        }
        closeLoader(loader);
        List<Finding> unrestored = before.unrestored();
        if (!checkCollection) {
            return new Release(null, "the host's collection check is off", null, List.of(), unrestored);
        }
        if (view.passiveThread() != null) {
            return new Release(false, "not collectable: the hung callback's thread \"" + view.passiveThread()
                    + "\" still runs driver code", null, List.of(), unrestored);
        }
        int attempts;
        try {
            attempts = loader.awaitCollected();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            attempts = -1;
        }
        if (attempts >= 0) {
            return new Release(true, "after " + attempts + " GC" + (attempts == 1 ? "" : "s"), null, List.of(),
                    unrestored);
        }
        LeakDiagnosis.Result diagnosis = LeakDiagnosis.diagnose(loader.ref()); // text only: holds nothing
        return new Release(false, "still reachable after " + LoaderCollection.MAX_GC_ATTEMPTS + " GCs",
                diagnosis.gcRootPath(), diagnosis.leaks(), unrestored);
    }

    /**
     * Closes the driver's loader (releasing its JAR file). A method of its own, so that no local slot of the caller
     * keeps the loader reachable while its collection is awaited.
     */
    static void closeLoader(LoaderCollection.Watch watch) {
        if (watch.ref().get() instanceof URLClassLoader l) {
            closeQuietly(l);
        }
    }

    static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.warn("closing {}: {}", loader.getName(), e.toString());
        }
    }

    @Override
    public String toString() {
        return "in-process runtime of " + (globals == null ? "(released)" : globals.name());
    }
}
