package org.wdf4j.framework;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.device.EvtDeviceFileCreate;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceIoType;
import org.wdf4j.device.WdfFileObjectConfig;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.device.WdfPowerDeviceState;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.framework.FxPnpMachine.Event;
import org.wdf4j.framework.FxPnpMachine.State;
import org.wdf4j.framework.FxPnpMachine.Step;
import org.wdf4j.framework.trace.Trace;
import org.wdf4j.io.WdfIoReadiness;
import org.wdf4j.io.WdfIoTarget;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfObjectAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code WDFDEVICE}: a PnP device (made in EvtDriverDeviceAdd, driven by {@link FxPnpMachine}) or a control device
 * (made by a non-PnP driver, deletable by it). Always a child of the driver object (O1).
 *
 * <p>The host drives a PnP device with {@link #pnp(Event)} and opens devices with {@link #open}; everything else is
 * the driver's API. PnP transitions run on the driver's passive thread, one at a time, bounded by the verifier wait
 * timeout like every lifecycle step (a callback that hangs makes the driver HUNG, not the host).
 */
public final class FxDevice extends FxObject implements WdfDevice, FxDeviceEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(FxDevice.class);

    /** What a PnP event did. */
    public record PnpOutcome(State state, NtStatus status, boolean applied, boolean hung) {
    }

    /** A device interface and whether clients can open it now. */
    public record DeviceInterface(UUID interfaceClassGuid, String referenceString, boolean active) {
    }

    private static final class Iface {
        final UUID guid;
        final String ref;
        boolean enabledByDriver = true;
        boolean active;

        Iface(UUID guid, String ref) {
            this.guid = guid;
            this.ref = ref;
        }
    }

    final boolean control;
    final String hardwareId;
    final String instanceId;
    final WdfPnpPowerEventCallbacks pnpCallbacks;
    final WdfFileObjectConfig fileConfig;
    final WdfObjectAttributes fileAttributes;
    final WdfObjectAttributes requestAttributes;
    final WdfDeviceIoType ioType;
    final boolean exclusive;
    final String name;
    final String sddl;
    /** WdfFdoInitSetFilter: request types none of its queues handles pass down untouched (ST3). */
    final boolean filter;
    /** The stack of its device node (PnP devices); null for a control device. */
    final FxDeviceStack stack;
    /** For a PDO: the bus device it is a child of, and what its bus driver said of it; null otherwise. */
    private final FxDevice parentBus;
    private final FxChildIds childIds;
    /** Its children, for a PnP device that is not a PDO (ST1); null otherwise. */
    private final FxChildren children;
    /** The next lower device of its stack, set when it joins the stack in WdfDeviceCreate; null at the bottom. */
    private volatile FxDevice lower;
    /** Its level in its stack (1 is the bottom), set by {@link FxDeviceStack#attach} when it joins it. */
    volatile int stackLevel;
    /** Its default I/O target, made on first use; guarded by {@link #lock}. */
    private FxIoTarget defaultTarget;
    /** Its I/O targets (the default one and remote ones), which its removal cancels and closes. */
    private final List<FxIoTarget> targets = new CopyOnWriteArrayList<>();
    private final FxDeviceListener listener;

    private final Object lock = new Object();
    private volatile FxIoQueue defaultQueue;
    /** Queues configured for a request type, by {@link WdfRequestType#ordinal()}; replaced whole (copy on write). */
    private volatile FxIoQueue[] dispatchTargets = new FxIoQueue[WdfRequestType.values().length];
    private final List<FxIoQueue> queues = new CopyOnWriteArrayList<>();
    private final List<Iface> interfaces = new ArrayList<>();
    private volatile State pnpState = State.ADDED;
    private volatile FxPnpMachine.Power power;
    private boolean hardwarePrepared;
    private boolean selfManagedIoInitCalled;
    private volatile boolean controlReady;
    private volatile boolean removing;
    private volatile WdfIoReadiness ioReadiness = WdfIoReadiness.READ_WRITE;
    private final List<Runnable> readinessListeners = new CopyOnWriteArrayList<>();
    private int openCount;
    private boolean nameClaimed;

    FxDevice(FxDriverGlobals globals, FxObject driverObject, WdfObjectAttributes attributes, FxDeviceInit init,
             FxDeviceListener listener) {
        super(globals, driverObject, attributes, true);
        this.control = init.control;
        this.parentBus = init.parent;
        this.childIds = init.childIds();
        this.hardwareId = childIds != null ? childIds.hardwareIds().getFirst() : init.hardwareId;
        this.instanceId = childIds != null ? childIds.instancePath() : init.instanceId;
        this.children = control || parentBus != null ? null : new FxChildren(this, init.childListConfig);
        this.pnpCallbacks = init.pnpPower;
        this.fileConfig = init.fileConfig;
        this.fileAttributes = init.fileAttributes;
        this.requestAttributes = init.requestAttributes;
        this.ioType = init.ioType;
        this.exclusive = init.exclusive;
        this.name = init.name;
        this.sddl = init.sddl;
        this.filter = init.filter;
        this.stack = init.stack;
        this.listener = listener;
        this.power = control ? FxPnpMachine.Power.D0 : FxPnpMachine.Power.D3_FINAL;
        if (control) {
            pnpState = State.STARTED;
        }
    }

    /** Claims the device's name in the host (before the device is linked); false when it is taken. */
    boolean claimName() {
        if (name == null) {
            return true;
        }
        nameClaimed = listener.claimName(name, this);
        return nameClaimed;
    }

    @Override
    public String objectType() {
        return "WDFDEVICE";
    }

    /** Inside WdfDeviceCreate: joins the top of its stack (IoAttachDeviceToDeviceStack). */
    void joinStack() {
        if (stack != null) {
            lower = stack.attach(this);
        }
    }

    /** The device below in its stack, or null. */
    public FxDevice lowerDevice() {
        return lower;
    }

    /** The stack of its device node (null for a control device). */
    public FxDeviceStack stack() {
        return stack;
    }

    /** Where requests to this device enter: the top of its stack. */
    FxDevice stackTop() {
        FxDevice top = stack == null ? null : stack.top();
        return top == null ? this : top;
    }

    /** Where this device stands in its stack, for reports. */
    String level() {
        return stack == null ? "a control device" : this + " at " + stack.levelOf(stackLevel);
    }

    /** O5: a PnP device goes with the PnP manager's remove; a control device may be deleted by its driver. */
    @Override
    boolean canBeDeletedByDriver() {
        return control;
    }

    @Override
    public NtStatus delete() {
        if (control) {
            checkHandle("WdfObjectDelete", Irql.PASSIVE_LEVEL); // O5: control devices are deleted at PASSIVE_LEVEL
        }
        return super.delete();
    }

    @Override
    boolean hasFrameworkCleanup() {
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // For the host

    public boolean isControlDevice() {
        return control;
    }

    /** The PnP manager's instance ID (e.g. {@code ROOT\ECHO\0000}); null for a control device. */
    public String instanceId() {
        return instanceId;
    }

    /** The driver's name. */
    public String driverName() {
        return globals.name();
    }

    public State pnpState() {
        return pnpState;
    }

    /** The security descriptor the driver gave, or null. */
    public String sddl() {
        return sddl;
    }

    public boolean isExclusive() {
        return exclusive;
    }

    /** Whether this is a control device (outside PnP, opened by its name). */
    public boolean isControl() {
        return control;
    }

    /** Whether a control device finished initializing. */
    public boolean isControlReady() {
        return controlReady;
    }

    /** The device's interfaces, in the order the driver registered them. */
    public List<DeviceInterface> interfaces() {
        synchronized (lock) {
            List<DeviceInterface> list = new ArrayList<>(interfaces.size());
            for (Iface i : interfaces) {
                list.add(new DeviceInterface(i.guid, i.ref, i.active));
            }
            return list;
        }
    }

    /** How many handles are open. */
    public int openHandles() {
        synchronized (lock) {
            return openCount;
        }
    }

    /**
     * Runs a PnP or power event through {@link FxPnpMachine} on the driver's passive thread and waits for it,
     * bounded by the verifier wait timeout (past it the driver is HUNG and the outcome says so).
     */
    public PnpOutcome pnp(Event event) {
        Objects.requireNonNull(event, "event");
        if (control) {
            return new PnpOutcome(pnpState, NtStatus.STATUS_INVALID_DEVICE_REQUEST, false, false);
        }
        return globals.runLifecycleStep("PnP " + event + " of " + this, () -> pnpNow(event),
                () -> new PnpOutcome(pnpState, NtStatus.STATUS_UNSUCCESSFUL, false, true));
    }

    /**
     * On the passive thread: one transition of the table, step by step. Every wait for the driver inside it (requests
     * it holds at the queues' power-down and purge, what its targets sent below) shares one give-up deadline, half the
     * wait timeout from the transition's start, so that the framework gives up on those requests, names them and
     * finishes the transition before the transition's own wait (the whole wait timeout) would call the driver hung.
     */
    PnpOutcome pnpNow(Event event) {
        FxPnpMachine.Transition t = FxPnpMachine.transition(pnpState, event);
        if (t == null) {
            return new PnpOutcome(pnpState, NtStatus.STATUS_SUCCESS, false, false);
        }
        long start = System.nanoTime();
        long giveUpAt = globals.giveUpDeadline();
        Object busy = globals.busyBegin("PnP " + event + " of " + this + " (" + t.from() + " -> " + t.to() + ")");
        try {
            globals.journal(JournalEntry.Kind.PNP, toString(), event + ": " + t.from() + " -> " + t.to());
            for (Step step : t.steps()) {
                globals.busyStep(busy, "PnP " + event + " of " + this + " (" + t.from() + " -> " + t.to() + "), step "
                        + step);
                NtStatus status = runStep(step, giveUpAt);
                if (step.canFail && !status.isSuccess()) {
                    for (Step undo : t.onFailure().getOrDefault(step, List.of())) {
                        runStep(undo, giveUpAt);
                    }
                    pnpState = t.failedTo();
                    globals.journal(JournalEntry.Kind.PNP, toString(), event + " failed at " + step + " with " + status
                            + ": " + t.from() + " -> " + t.failedTo());
                    Trace.pnpTransition(globals.name(), handleName(), instanceId, event.name(), t.from().name(),
                            t.failedTo().name(), status.toString(), status.code(), System.nanoTime() - start);
                    return new PnpOutcome(pnpState, status, true, false);
                }
            }
            pnpState = t.to();
            Trace.pnpTransition(globals.name(), handleName(), instanceId, event.name(), t.from().name(), t.to().name(),
                    NtStatus.STATUS_SUCCESS.toString(), NtStatus.STATUS_SUCCESS.code(), System.nanoTime() - start);
            return new PnpOutcome(pnpState, NtStatus.STATUS_SUCCESS, true, false);
        } finally {
            globals.busyEnd(busy);
        }
    }

    /** The device as {@code wdf4j inspect} shows it ({@code !wdfdevice}), {@code now} being {@link System#nanoTime()}. */
    FxInspection.Device inspect(long now) {
        List<FxInspection.Queue> list = new ArrayList<>();
        for (FxIoQueue q : queues) {
            list.add(q.inspect(now));
        }
        return new FxInspection.Device(handleName(), instanceId, hardwareId, name, control, pnpState, power, list);
    }

    private NtStatus runStep(Step step, long giveUpAt) {
        WdfPnpPowerEventCallbacks c = pnpCallbacks;
        NtStatus status = switch (step) {
            case PREPARE_HARDWARE -> {
                hardwarePrepared = true;
                yield callPnp("EvtDevicePrepareHardware", c.evtDevicePrepareHardware() == null ? null
                        : () -> c.evtDevicePrepareHardware().prepareHardware(this));
            }
            case D0_ENTRY_FROM_D3_FINAL -> callPnp("EvtDeviceD0Entry(D3_FINAL)", c.evtDeviceD0Entry() == null ? null
                    : () -> c.evtDeviceD0Entry().d0Entry(this, WdfPowerDeviceState.D3_FINAL));
            case D0_ENTRY_FROM_D3 -> callPnp("EvtDeviceD0Entry(D3)", c.evtDeviceD0Entry() == null ? null
                    : () -> c.evtDeviceD0Entry().d0Entry(this, WdfPowerDeviceState.D3));
            case QUEUES_POWER_UP -> {
                for (FxIoQueue q : queues) {
                    q.powerUp();
                }
                yield NtStatus.STATUS_SUCCESS;
            }
            case SELF_MANAGED_IO_INIT -> {
                if (c.evtDeviceSelfManagedIoInit() != null) {
                    selfManagedIoInitCalled = true;
                }
                yield callPnp("EvtDeviceSelfManagedIoInit", c.evtDeviceSelfManagedIoInit() == null ? null
                        : () -> c.evtDeviceSelfManagedIoInit().selfManagedIoInit(this));
            }
            case SELF_MANAGED_IO_RESTART -> callPnp("EvtDeviceSelfManagedIoRestart",
                    c.evtDeviceSelfManagedIoRestart() == null || !selfManagedIoInitCalled ? null
                            : () -> c.evtDeviceSelfManagedIoRestart().selfManagedIoRestart(this));
            case ENABLE_INTERFACES -> {
                setInterfacesActive(true);
                yield NtStatus.STATUS_SUCCESS;
            }
            case SURPRISE_REMOVAL -> callPnp("EvtDeviceSurpriseRemoval", c.evtDeviceSurpriseRemoval() == null ? null
                    : () -> {
                        c.evtDeviceSurpriseRemoval().surpriseRemoval(this);
                        return NtStatus.STATUS_SUCCESS;
                    });
            case DISABLE_INTERFACES -> {
                setInterfacesActive(false);
                yield NtStatus.STATUS_SUCCESS;
            }
            case QUEUES_POWER_DOWN -> {
                for (FxIoQueue q : queues) {
                    q.powerDown(giveUpAt);
                }
                yield NtStatus.STATUS_SUCCESS;
            }
            case SELF_MANAGED_IO_SUSPEND -> callPnp("EvtDeviceSelfManagedIoSuspend",
                    c.evtDeviceSelfManagedIoSuspend() == null || !selfManagedIoInitCalled ? null
                            : () -> c.evtDeviceSelfManagedIoSuspend().selfManagedIoSuspend(this));
            case D0_EXIT_TO_D3 -> power == FxPnpMachine.Power.D0 ? callPnp("EvtDeviceD0Exit(D3)",
                    c.evtDeviceD0Exit() == null ? null : () -> c.evtDeviceD0Exit().d0Exit(this, WdfPowerDeviceState.D3))
                    : NtStatus.STATUS_SUCCESS;
            case D0_EXIT_TO_D3_FINAL -> power == FxPnpMachine.Power.D0 ? callPnp("EvtDeviceD0Exit(D3_FINAL)",
                    c.evtDeviceD0Exit() == null ? null
                            : () -> c.evtDeviceD0Exit().d0Exit(this, WdfPowerDeviceState.D3_FINAL))
                    : NtStatus.STATUS_SUCCESS;
            case RELEASE_HARDWARE -> {
                if (!hardwarePrepared) {
                    yield NtStatus.STATUS_SUCCESS;
                }
                hardwarePrepared = false;
                yield callPnp("EvtDeviceReleaseHardware", c.evtDeviceReleaseHardware() == null ? null
                        : () -> c.evtDeviceReleaseHardware().releaseHardware(this));
            }
            case CLOSE_IO_TARGETS -> {
                for (FxIoTarget t : targets) {
                    t.removeWithDevice(giveUpAt);
                }
                yield NtStatus.STATUS_SUCCESS;
            }
            case PURGE_QUEUES -> {
                removing = true;
                for (FxIoQueue q : queues) {
                    q.purgeForRemoval(true, giveUpAt);
                }
                yield NtStatus.STATUS_SUCCESS;
            }
            case SELF_MANAGED_IO_FLUSH -> callPnp("EvtDeviceSelfManagedIoFlush",
                    c.evtDeviceSelfManagedIoFlush() == null || !selfManagedIoInitCalled ? null : () -> {
                        c.evtDeviceSelfManagedIoFlush().selfManagedIoFlush(this);
                        return NtStatus.STATUS_SUCCESS;
                    });
            case SELF_MANAGED_IO_CLEANUP -> callPnp("EvtDeviceSelfManagedIoCleanup",
                    c.evtDeviceSelfManagedIoCleanup() == null || !selfManagedIoInitCalled ? null : () -> {
                        c.evtDeviceSelfManagedIoCleanup().selfManagedIoCleanup(this);
                        return NtStatus.STATUS_SUCCESS;
                    });
            case DELETE_DEVICE -> {
                removing = true;
                deleteInternal();
                yield NtStatus.STATUS_SUCCESS;
            }
        };
        FxPnpMachine.Power after = FxPnpMachine.powerAfter(step);
        if (after != null && (status.isSuccess() || !step.canFail)) {
            FxPnpMachine.Power before = power;
            power = after;
            if (before != after) {
                Trace.powerTransition(globals.name(), handleName(), instanceId, before.name(), after.name());
            }
        }
        return status;
    }

    /**
     * Calls one PnP or power callback (none: success), journaled with its result. A null answer counts as
     * STATUS_UNSUCCESSFUL; an exception is reported and counts as STATUS_DRIVER_INTERNAL_ERROR.
     */
    private NtStatus callPnp(String what, Supplier<NtStatus> callback) {
        if (callback == null) {
            return NtStatus.STATUS_SUCCESS;
        }
        NtStatus[] result = {NtStatus.STATUS_DRIVER_INTERNAL_ERROR};
        boolean returned = globals.invokeIoCallback(what, this, null, false, () -> result[0] = callback.get());
        NtStatus status = !returned ? NtStatus.STATUS_DRIVER_INTERNAL_ERROR
                : result[0] == null ? NtStatus.STATUS_UNSUCCESSFUL : result[0];
        globals.journal(JournalEntry.Kind.PNP, toString(), what + (status.isSuccess() ? "" : " returned " + status));
        return status;
    }

    private void setInterfacesActive(boolean active) {
        List<Iface> changed = new ArrayList<>();
        synchronized (lock) {
            for (Iface i : interfaces) {
                boolean want = active && i.enabledByDriver;
                if (i.active != want) {
                    i.active = want;
                    changed.add(i);
                }
            }
        }
        for (Iface i : changed) {
            listener.interfaceStateChanged(this, i.guid, i.ref, i.active);
        }
    }

    /**
     * {@code CreateFile} on this device: a file object, and a CREATE request for EvtDeviceFileCreate (without one,
     * every open succeeds). The future completes with the handle, or with the status that failed the open.
     */
    public CompletableFuture<NtResult<FxFileHandle>> open(WdfRequestor requestor, String fileName) {
        Objects.requireNonNull(requestor, "requestor");
        FxDevice top = stackTop();
        if (top != this && !removing) {
            return top.open(requestor, fileName); // a name or interface opens its device's stack at the top
        }
        NtStatus refused = null;
        synchronized (lock) {
            if (removing || state() != FxObjectState.CREATED) {
                refused = NtStatus.STATUS_DELETE_PENDING;
            } else if (control && !controlReady) {
                refused = NtStatus.STATUS_DEVICE_NOT_READY;
            } else if (exclusive && openCount > 0) {
                refused = NtStatus.STATUS_SHARING_VIOLATION;
            } else {
                openCount++;
            }
        }
        if (refused != null) {
            return CompletableFuture.completedFuture(NtResult.failure(refused));
        }
        FxFileHandle handle = new FxFileHandle(this, requestor, fileName);
        FxFileObject fileObject = new FxFileObject(globals, this, fileAttributes, handle);
        if (!fileObject.attach().isSuccess()) {
            synchronized (lock) {
                openCount--;
            }
            return CompletableFuture.completedFuture(NtResult.failure(NtStatus.STATUS_DELETE_PENDING));
        }
        globals.objectMade();
        handle.fileObject = fileObject;
        FxIrp irp = new FxIrp(WdfRequestType.CREATE, null, 0, 0, 0, handle);
        FxRequest request = new FxRequest(globals, irp, this, fileObject, requestAttributes);
        irp.bind(request);
        request.present(null);
        CompletableFuture<NtResult<FxFileHandle>> result = irp.future().thenApply(status -> {
            if (status.status().isSuccess()) {
                return NtResult.success(handle);
            }
            handle.neverOpened();
            fileObject.deleteInternal();
            synchronized (lock) {
                openCount--;
            }
            return NtResult.failure(status.status());
        });
        EvtDeviceFileCreate create = fileConfig.evtDeviceFileCreate();
        if (create == null) {
            request.completeByFramework(NtStatus.STATUS_SUCCESS, 0);
        } else if (!globals.invokeIoCallback("EvtDeviceFileCreate", this, null, false,
                () -> create.fileCreate(this, request, fileObject))
                && request.requestState() == FxRequestState.DRIVER) {
            request.completeByFramework(NtStatus.STATUS_DRIVER_INTERNAL_ERROR, 0);
        }
        return result;
    }

    /**
     * A request reaching this device (from a client's open at the top of the stack, or sent by the driver above):
     * routed to its queue, passed down untouched by a filter without a handler for it (ST3), or failed by the
     * framework.
     */
    void submit(FxIrp irp) {
        if (removing || state() != FxObjectState.CREATED) {
            irp.complete(NtStatus.STATUS_NO_SUCH_DEVICE, 0);
            return;
        }
        FxIoQueue q = dispatchTargets[irp.type.ordinal()];
        if (q == null) {
            q = defaultQueue;
        }
        if (filter && (q == null || !q.handles(irp.type))) {
            FxDevice below = lower;
            if (below != null) {
                below.submit(irp);
                return;
            }
        }
        if (q == null) {
            irp.complete(NtStatus.STATUS_INVALID_DEVICE_REQUEST, 0);
            return;
        }
        int length = irp.type == WdfRequestType.READ ? irp.outputLength
                : irp.type == WdfRequestType.WRITE ? irp.inputLength : -1;
        if (length == 0 && !q.config.allowZeroLengthRequests()) {
            irp.complete(NtStatus.STATUS_SUCCESS, 0);
            return;
        }
        FxFileHandle handle = irp.file;
        FxFileObject fileObject = handle != null && handle.device == this ? handle.fileObject : null;
        FxRequest r = new FxRequest(globals, irp, this, fileObject, requestAttributes);
        irp.bind(r);
        q.acceptFromClient(r);
    }

    void fileCleanup(FxFileHandle handle) {
        if (fileConfig.evtFileCleanup() != null) {
            FxFileObject f = handle.fileObject;
            globals.invokeIoCallback("EvtFileCleanup", f, null, false, () -> fileConfig.evtFileCleanup().fileCleanup(f));
        }
    }

    void fileClose(FxFileHandle handle) {
        FxFileObject f = handle.fileObject;
        if (fileConfig.evtFileClose() != null) {
            globals.invokeIoCallback("EvtFileClose", f, null, false, () -> fileConfig.evtFileClose().fileClose(f));
        }
        f.deleteInternal();
        synchronized (lock) {
            openCount--;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Queues

    /** A new queue of this device; at most one default queue. */
    NtStatus addQueue(FxIoQueue q) {
        if (q.config.defaultQueue()) {
            synchronized (lock) {
                if (defaultQueue != null) {
                    return NtStatus.STATUS_INVALID_PARAMETER;
                }
                defaultQueue = q;
            }
        }
        queues.add(q);
        return NtStatus.STATUS_SUCCESS;
    }

    /** Whether the device has a default queue already (WdfIoQueueCreate refuses a second). */
    boolean hasDefaultQueue() {
        return defaultQueue != null;
    }

    void queueGone(FxIoQueue q) {
        queues.remove(q);
        synchronized (lock) {
            if (defaultQueue == q) {
                defaultQueue = null;
            }
            FxIoQueue[] targets = dispatchTargets.clone();
            for (int i = 0; i < targets.length; i++) {
                if (targets[i] == q) {
                    targets[i] = null;
                }
            }
            dispatchTargets = targets;
        }
    }

    boolean isDispatchTarget(FxIoQueue q) {
        for (FxIoQueue t : dispatchTargets) {
            if (t == q) {
                return true;
            }
        }
        return false;
    }

    boolean inD0() {
        return power == FxPnpMachine.Power.D0;
    }

    // ---------------------------------------------------------------------------------------------
    // WdfDevice

    @Override
    public WdfDriver driver() {
        checkHandle("WdfDeviceGetDriver", Irql.DISPATCH_LEVEL);
        return (WdfDriver) globals.driverObject();
    }

    @Override
    public WdfIoTarget ioTarget() {
        checkHandle("WdfDeviceGetIoTarget", Irql.DISPATCH_LEVEL);
        return defaultTarget();
    }

    /** The default I/O target, made on first use; null at the bottom of a stack. */
    FxIoTarget defaultTarget() {
        FxDevice below = lower;
        if (below == null) {
            return null;
        }
        FxIoTarget made;
        synchronized (lock) {
            if (defaultTarget != null) {
                return defaultTarget;
            }
            made = new FxIoTarget(globals, this, this, WdfObjectAttributes.NONE, below);
            if (!made.attach().isSuccess()) {
                return null; // the device is being deleted
            }
            globals.objectMade();
            defaultTarget = made;
        }
        targets.add(made);
        return made;
    }

    /** A remote target of this device was made. */
    void addTarget(FxIoTarget target) {
        targets.add(target);
    }

    void targetGone(FxIoTarget target) {
        targets.remove(target);
    }

    @Override
    public WdfQueue defaultQueue() {
        checkHandle("WdfDeviceGetDefaultQueue", Irql.DISPATCH_LEVEL);
        return defaultQueue;
    }

    @Override
    public NtStatus configureRequestDispatching(WdfQueue queue, WdfRequestType requestType) {
        checkHandle("WdfDeviceConfigureRequestDispatching", Irql.DISPATCH_LEVEL);
        if (!(queue instanceof FxIoQueue q)) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_HANDLE, "WdfDeviceConfigureRequestDispatching: " + queue
                    + " is not a framework queue");
        }
        q.checkValid("WdfDeviceConfigureRequestDispatching (queue)");
        if (q.device != this || requestType == null || (requestType != WdfRequestType.READ
                && requestType != WdfRequestType.WRITE && requestType != WdfRequestType.DEVICE_CONTROL
                && requestType != WdfRequestType.INTERNAL_DEVICE_CONTROL)) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        synchronized (lock) {
            if (dispatchTargets[requestType.ordinal()] != null) {
                return NtStatus.STATUS_INVALID_PARAMETER;
            }
            FxIoQueue[] targets = dispatchTargets.clone();
            targets[requestType.ordinal()] = q;
            dispatchTargets = targets;
        }
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public NtStatus createDeviceInterface(UUID interfaceClassGuid, String referenceString) {
        checkHandle("WdfDeviceCreateDeviceInterface", Irql.PASSIVE_LEVEL);
        if (interfaceClassGuid == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL,
                    "WdfDeviceCreateDeviceInterface: the interface class GUID is null");
        }
        if (control) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "WdfDeviceCreateDeviceInterface", this,
                    "a control device has no device interfaces; clients open it by its name", false);
            return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
        }
        String ref = referenceString == null ? "" : referenceString;
        Optional<String> broken = NameRule.REFERENCE_STRING.violation(ref);
        if (broken.isPresent()) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "WdfDeviceCreateDeviceInterface", this,
                    NameRule.REFERENCE_STRING.refusal(ref, broken.get()), false);
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        Iface added;
        synchronized (lock) {
            for (Iface i : interfaces) {
                if (i.guid.equals(interfaceClassGuid) && i.ref.equals(ref)) {
                    return NtStatus.STATUS_OBJECT_NAME_EXISTS;
                }
            }
            added = new Iface(interfaceClassGuid, ref);
            interfaces.add(added);
            if (pnpState == State.STARTED) {
                added.active = true;
            }
        }
        if (added.active) {
            listener.interfaceStateChanged(this, added.guid, added.ref, true);
        }
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public void setDeviceInterfaceState(UUID interfaceClassGuid, String referenceString, boolean enabled) {
        checkHandle("WdfDeviceSetDeviceInterfaceState", Irql.PASSIVE_LEVEL);
        String ref = referenceString == null ? "" : referenceString;
        Iface changed = null;
        synchronized (lock) {
            for (Iface i : interfaces) {
                if (i.guid.equals(interfaceClassGuid) && i.ref.equals(ref)) {
                    i.enabledByDriver = enabled;
                    boolean want = enabled && pnpState == State.STARTED;
                    if (i.active != want) {
                        i.active = want;
                        changed = i;
                    }
                }
            }
        }
        if (changed != null) {
            listener.interfaceStateChanged(this, changed.guid, changed.ref, changed.active);
        }
    }

    @Override
    public void controlFinishInitializing() {
        checkHandle("WdfControlFinishInitializing", Irql.DISPATCH_LEVEL);
        if (!control) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_OBJECT_ERROR, "WdfControlFinishInitializing called for " + this
                    + ", which is a PnP device; it is for control devices only");
        }
        if (!controlReady) {
            controlReady = true;
            listener.controlDeviceReady(this);
        }
    }

    @Override
    public String name() {
        checkHandle("WdfDeviceGetName", Irql.DISPATCH_LEVEL);
        return name;
    }

    /** The name given with WdfDeviceInitAssignName, or null; for the host, without the handle check. */
    public String assignedName() {
        return name;
    }

    @Override
    public String hardwareId() {
        checkHandle("WdfDeviceGetHardwareId", Irql.DISPATCH_LEVEL);
        return hardwareId;
    }

    @Override
    public void setIoReadiness(WdfIoReadiness readiness) {
        checkHandle("WdfDeviceSetIoReadiness", Irql.DISPATCH_LEVEL);
        if (readiness == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL,
                    "WdfDeviceSetIoReadiness: Readiness is null");
        }
        WdfIoReadiness old = ioReadiness;
        ioReadiness = readiness;
        if (wakes(old, readiness)) {
            fireReadiness(readinessListeners);
        }
    }

    @Override
    public WdfIoReadiness ioReadiness() {
        checkHandle("WdfDeviceGetIoReadiness", Irql.DISPATCH_LEVEL);
        return ioReadiness;
    }

    /** The device's readiness, for the host (no handle check). */
    public WdfIoReadiness currentIoReadiness() {
        return ioReadiness;
    }

    /**
     * Calls {@code listener} (on the driver's thread, so it must not block) whenever the driver sets a device readiness
     * that makes a read or write possible; the FUSE reflector wakes the programs polling the device's file.
     */
    public void addReadinessListener(Runnable listener) {
        readinessListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeReadinessListener(Runnable listener) {
        readinessListeners.remove(listener);
    }

    /** Whether going from {@code old} to {@code now} makes a read or a write possible that was not. */
    static boolean wakes(WdfIoReadiness old, WdfIoReadiness now) {
        return (now.readable() && !old.readable()) || (now.writable() && !old.writable());
    }

    /** Calls the listeners; one that throws is logged and does not stop the others or the driver. */
    static void fireReadiness(Iterable<Runnable> listeners) {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("readiness listener failed", e);
            }
        }
    }

    @Override
    public WdfPowerDeviceState devicePowerState() {
        checkHandle("WdfDeviceGetDevicePowerState", Irql.DISPATCH_LEVEL);
        return switch (power) {
            case D0 -> WdfPowerDeviceState.D0;
            case D3 -> WdfPowerDeviceState.D3;
            case D3_FINAL -> WdfPowerDeviceState.D3_FINAL;
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Bus drivers and children (ST1)

    /** For a PDO, the bus device it is a child of; null otherwise. */
    FxDevice parentBus() {
        return parentBus;
    }

    /** For a PDO, what its bus driver said of it; null otherwise. */
    FxChildIds childIds() {
        return childIds;
    }

    @Override
    public NtStatus addStaticChild(WdfDevice child) {
        checkHandle("WdfFdoAddStaticChild", Irql.PASSIVE_LEVEL);
        if (children == null || !(child instanceof FxDevice pdo) || pdo.parentBus != this) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "WdfFdoAddStaticChild", this, "WdfFdoAddStaticChild: "
                    + child + " is not a PDO created from a WdfPdoInitAllocate of " + this, false);
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        return children.addStatic(pdo);
    }

    @Override
    public org.wdf4j.device.WdfChildList defaultChildList() {
        return children != null && children.hasList() ? children : null;
    }

    @Override
    public WdfDevice parentDevice() {
        return parentBus;
    }

    @Override
    public NtStatus markMissing() {
        checkHandle("WdfPdoMarkMissing", Irql.DISPATCH_LEVEL);
        if (parentBus == null) {
            return NtStatus.STATUS_INVALID_DEVICE_REQUEST;
        }
        return parentBus.children.markMissing(this);
    }

    @Override
    public void requestEject() {
        checkHandle("WdfPdoRequestEject", Irql.DISPATCH_LEVEL);
        if (parentBus != null) {
            parentBus.children.requestEject(this);
        }
    }

    /** The bus's children changed: the host is told (IoInvalidateDeviceRelations). */
    void busRelationsChanged() {
        listener.busRelationsChanged(this);
    }

    /**
     * IRP_MN_QUERY_DEVICE_RELATIONS (BusRelations): on the driver's passive thread, bounded, makes the PDOs of new
     * dynamic children and answers the children present; null when the driver hung or cannot be called.
     */
    @Override
    public List<FxChildDescription> busRelations() {
        if (children == null || pnpState == State.REMOVED) {
            return List.of();
        }
        return globals.runLifecycleStep("bus relations of " + this, children::relations, () -> null);
    }

    // ---------------------------------------------------------------------------------------------
    // Deletion

    /**
     * The device object is deleted (removed by PnP, deleted by its driver, or with the driver object): its files and
     * queues were cleaned up before it (children first); the interfaces go, the name is released, the host told.
     */
    @Override
    void frameworkCleanup() {
        removing = true; // its queues (children) were purged by their own cleanup, which ran first
        setInterfacesActive(false);
        if (nameClaimed) {
            listener.releaseName(name, this);
            nameClaimed = false;
        }
        pnpState = State.REMOVED;
        power = FxPnpMachine.Power.D3_FINAL;
        if (stack != null) {
            stack.detach(this);
        }
        if (parentBus != null && parentBus.children != null) {
            parentBus.children.pdoDeleted(this);
        }
        globals.deviceGone(this);
        listener.deviceDeleted(this);
    }

    @Override
    public String toString() {
        return handleName() + (control ? " (control device " + name + ")" : " (" + instanceId + ")");
    }
}
