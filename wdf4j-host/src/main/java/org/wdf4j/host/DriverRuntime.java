package org.wdf4j.host;

import java.util.List;
import org.wdf4j.NtResult;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.host.isolation.Message;

/**
 * Where a loaded driver's code runs, and how the host reaches it: in the host's own process
 * ({@link LocalDriverRuntime}, the KMDF model) or in a driver host process ({@link IsolatedDriverRuntime}, the UMDF
 * model). The host, the PnP manager and the unload report see a driver only through this, so both models behave
 * the same to them (H1).
 */
interface DriverRuntime {

    /** Where the code runs, for people: {@code in-process}, or {@code driver host 1234}. */
    String where();

    /** The process the driver's code runs in. */
    long pid();

    /** Calls DriverEntry, once. */
    FxDriverGlobals.EntryOutcome callDriverEntry();

    /** Unloads the driver (U6); refused for a non-PnP driver without EvtDriverUnload. */
    FxDriverGlobals.StopOutcome stop();

    FxDriverState state();

    /** Why the driver failed (a bug check, or its driver host ended), or null. */
    String failure();

    List<FxDriverGlobals.TreeLine> objectTree();

    List<JournalEntry> journal();

    /** What the driver looks like inside now ({@code wdf4j inspect}); read while a stop of it waits too. */
    org.wdf4j.framework.FxInspection inspect();

    /**
     * EvtDriverDeviceAdd for a device node: the device goes on top of the node's stack in the driver's process, a new
     * stack when {@code newStack} (the first driver of the stack), else the one built so far (ST3).
     */
    NtResult<? extends FxDeviceEndpoint> addDevice(String hardwareId, String instanceId, boolean newStack);

    /** The names of the driver's control devices ({@code (unnamed)} for those without one). */
    List<String> controlDevices();

    /** What the framework recorded of the driver, as text: what its unload report says. */
    Message.DriverView view();

    /**
     * Lets go of the driver's code once it is unloaded, and answers the proof that it is gone: its class loader
     * collected (in-process), or its process exited (isolated). Called once; the runtime answers nothing after it.
     *
     * @param checkCollection false when the host's collection check is off (in-process only)
     * @param view what {@link #view()} answered, read before
     */
    Release release(boolean checkCollection, Message.DriverView view);

    /**
     * The proof of unload.
     *
     * @param collected whether the code is gone; null when not checked
     * @param note how it was proven, or why not
     * @param gcRootPath when the code is not gone: what holds it
     * @param leaks what the diagnosis found holding it
     * @param findings the JVM-wide state the driver changed and did not restore ({@link JvmState}), one finding each
     */
    record Release(Boolean collected, String note, String gcRootPath, List<UnloadReport.Leak> leaks,
                   List<Finding> findings) {

        public Release {
            leaks = List.copyOf(leaks);
            findings = List.copyOf(findings);
        }

        /** A release without findings. */
        public Release(Boolean collected, String note, String gcRootPath, List<UnloadReport.Leak> leaks) {
            this(collected, note, gcRootPath, leaks, List.of());
        }
    }
}
