package org.wdf4j.framework;

import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfIoTarget;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.memory.WdfMemory;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.sync.WdfSpinLock;
import org.wdf4j.sync.WdfWaitLock;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;
import org.wdf4j.workitem.WdfWorkItem;
import org.wdf4j.workitem.WdfWorkItemConfig;
import org.wdf4j.spi.WdfFunctions;

/** The framework's implementation of the API's function table. */
public final class FxFunctions implements WdfFunctions {

    /**
     * What a driver's {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt} does in this process besides
     * the bug check: nothing in the host's own JVM (the call is refused, H9); in a driver host process it ends that
     * process, after naming the driver to the host (H4, H6).
     */
    @FunctionalInterface
    public interface ProcessExitHandler {

        /** The driver called {@code call} (e.g. {@code System.exit(7)}); may end the process and not return. */
        void driverEndsProcess(FxDriverGlobals driver, String call);
    }

    /** Null in the host's JVM; set once by a driver host process. */
    private static volatile ProcessExitHandler processExitHandler;

    /** Sets what a driver's exit call does besides its bug check (a driver host process sets it at start). */
    public static void setProcessExitHandler(ProcessExitHandler handler) {
        processExitHandler = handler;
    }

    @Override
    public NtResult<WdfDriver> driverCreate(DriverObject driverObject, String registryPath,
                                            WdfObjectAttributes attributes, WdfDriverConfig config) {
        if (driverObject == null || registryPath == null || config == null) {
            String missing = driverObject == null ? "DriverObject" : registryPath == null ? "RegistryPath" : "DriverConfig";
            throw bugCheckForCaller(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL,
                    "WdfDriverCreate: " + missing + " is null");
        }
        if (!(driverObject instanceof FxDriverObject wdm)) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_INVALID_HANDLE,
                    "WdfDriverCreate: the DriverObject was not made by the framework; pass the one DriverEntry received");
        }
        FxDriverGlobals globals = wdm.globals;
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        Irql irql = FxThreadState.currentIrql();
        if (irql != Irql.PASSIVE_LEVEL) {
            globals.checkIrql("WdfDriverCreate", Irql.PASSIVE_LEVEL, null);
            if (globals.verifier().enabled()) {
                // D2: with the verifier on this is a bug check even when it only reports other errors.
                throw globals.bugCheck(WdfBugCheckCode.WDF_VERIFIER_IRQL_MISMATCH,
                        "WdfDriverCreate called at " + irql + "; it may be called at PASSIVE_LEVEL only");
            }
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
        if (globals.driverObject() != null) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "STATUS_DRIVER_INTERNAL_ERROR", globals.driverObject(),
                    "WdfDriverCreate called a second time; the first driver object is kept", false);
            return NtResult.failure(NtStatus.STATUS_DRIVER_INTERNAL_ERROR);
        }
        if (config.isNonPnp() && config.evtDriverDeviceAdd() != null) {
            return NtResult.failure(NtStatus.STATUS_INVALID_PARAMETER);
        }
        if (attrs.parent() != null) {
            return NtResult.failure(NtStatus.STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED);
        }
        String driverName = FxDriver.nameFromRegistryPath(registryPath);
        if (driverName.isEmpty()) {
            return NtResult.failure(NtStatus.STATUS_INVALID_PARAMETER);
        }
        if (!globals.allocationAllowed("WdfDriverCreate")) {
            return NtResult.failure(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
        }
        FxDriver driver = new FxDriver(globals, registryPath, driverName, attrs, config);
        if (!globals.setDriver(driver)) {
            return NtResult.failure(NtStatus.STATUS_DRIVER_INTERNAL_ERROR);
        }
        return NtResult.success(driver);
    }

    @Override
    public WdfDriver driverGet(Class<?> caller) {
        FxDriverGlobals globals = FxDriverRegistry.ofClass(caller);
        if (globals == null) {
            globals = FxDriverRegistry.caller();
        }
        if (globals == null) {
            throw new IllegalStateException("WdfDriver.get() was called from outside any driver: call it from a "
                    + "driver's code (a callback, or a thread of a driver loaded from its own package)");
        }
        return (WdfDriver) globals.driverObject();
    }

    @Override
    public NtResult<WdfObject> objectCreate(WdfObjectAttributes attributes) {
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        Parent parent = parent("WdfObjectCreate", attrs, false);
        if (parent.failure() != null) {
            return NtResult.failure(parent.failure());
        }
        FxObject p = parent.object();
        return widen(p.globals.createObject("WdfObjectCreate", p, attrs, () -> new FxGenericObject(p.globals, p, attrs)));
    }

    @Override
    public NtResult<WdfSpinLock> spinLockCreate(WdfObjectAttributes attributes) {
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        Parent parent = parent("WdfSpinLockCreate", attrs, false);
        if (parent.failure() != null) {
            return NtResult.failure(parent.failure());
        }
        FxObject p = parent.object();
        return widen(p.globals.createObject("WdfSpinLockCreate", p, attrs, () -> new FxSpinLock(p.globals, p, attrs)));
    }

    @Override
    public NtResult<WdfWaitLock> waitLockCreate(WdfObjectAttributes attributes) {
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        Parent parent = parent("WdfWaitLockCreate", attrs, false);
        if (parent.failure() != null) {
            return NtResult.failure(parent.failure());
        }
        FxObject p = parent.object();
        return widen(p.globals.createObject("WdfWaitLockCreate", p, attrs, () -> new FxWaitLock(p.globals, p, attrs)));
    }

    @Override
    public NtResult<WdfTimer> timerCreate(WdfTimerConfig config, WdfObjectAttributes attributes) {
        if (config == null) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, "WdfTimerCreate: Config is null");
        }
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        Parent parent = parent("WdfTimerCreate", attrs, true);
        if (parent.failure() != null) {
            return NtResult.failure(parent.failure());
        }
        FxObject p = parent.object();
        if (FxCallbacks.serializationLock(p, config.automaticSerialization()) != null) {
            WdfExecutionLevel timerLevel = attrs.executionLevel() == WdfExecutionLevel.INHERIT_FROM_PARENT
                    ? p.executionLevel() : attrs.executionLevel();
            if (timerLevel != p.executionLevel()) {
                // The parent's lock is taken at the parent's level; a callback at another level cannot take it.
                p.globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL", p,
                        "WdfTimerCreate: automatic serialization with " + p + " (execution level " + p.executionLevel()
                                + ") for a timer whose execution level is " + timerLevel, false);
                return NtResult.failure(NtStatus.STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL);
            }
        }
        return widen(p.globals.createObject("WdfTimerCreate", p, attrs, () -> new FxTimer(p.globals, p, attrs, config)));
    }

    @Override
    public NtResult<WdfWorkItem> workItemCreate(WdfWorkItemConfig config, WdfObjectAttributes attributes) {
        if (config == null) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, "WdfWorkItemCreate: Config is null");
        }
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        Parent parent = parent("WdfWorkItemCreate", attrs, true);
        if (parent.failure() != null) {
            return NtResult.failure(parent.failure());
        }
        FxObject p = parent.object();
        if (FxCallbacks.serializationLock(p, config.automaticSerialization()) != null
                && p.executionLevel() != WdfExecutionLevel.PASSIVE) {
            // A work item runs at PASSIVE_LEVEL; the lock of a DISPATCH-level parent is a spin lock in WDF.
            p.globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL", p,
                    "WdfWorkItemCreate: automatic serialization with " + p + ", whose execution level is "
                            + p.executionLevel() + " (it must be PASSIVE)", false);
            return NtResult.failure(NtStatus.STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL);
        }
        return widen(p.globals.createObject("WdfWorkItemCreate", p, attrs, () -> new FxWorkItem(p.globals, p, attrs, config)));
    }

    @Override
    public NtResult<WdfDeviceInit> controlDeviceInitAllocate(WdfDriver driver, String sddl) {
        if (driver == null || sddl == null) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, "WdfControlDeviceInitAllocate: "
                    + (driver == null ? "Driver" : "SDDLString") + " is null");
        }
        if (!(driver instanceof FxDriver d)) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_INVALID_HANDLE,
                    "WdfControlDeviceInitAllocate: " + driver + " is not a framework driver object");
        }
        d.checkHandle("WdfControlDeviceInitAllocate", Irql.PASSIVE_LEVEL);
        if (!d.globals.allocationAllowed("WdfControlDeviceInitAllocate")) {
            return NtResult.failure(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
        }
        return NtResult.success(new FxDeviceInit(d.globals, true, null, null, sddl));
    }

    @Override
    public NtResult<org.wdf4j.device.WdfPdoInit> pdoInitAllocate(WdfDevice parent) {
        if (parent == null) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, "WdfPdoInitAllocate: ParentDevice is null");
        }
        if (!(parent instanceof FxDevice bus)) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_INVALID_HANDLE, "WdfPdoInitAllocate: " + parent
                    + " is not a framework device");
        }
        bus.checkValid("WdfPdoInitAllocate");
        bus.globals.checkIrql("WdfPdoInitAllocate", Irql.PASSIVE_LEVEL, null);
        if (bus.isControlDevice() || bus.parentBus() != null) {
            bus.globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "WdfPdoInitAllocate", bus, bus
                    + " cannot have children: only a PnP device that is not itself a PDO enumerates a bus", false);
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
        if (!bus.globals.allocationAllowed("WdfPdoInitAllocate")) {
            return NtResult.failure(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
        }
        return NtResult.success(FxDeviceInit.forPdo(bus));
    }

    @Override
    public NtResult<WdfDevice> deviceCreate(WdfDeviceInit deviceInit, WdfObjectAttributes attributes) {
        if (deviceInit == null) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, "WdfDeviceCreate: DeviceInit is null");
        }
        if (!(deviceInit instanceof FxDeviceInit init)) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_INVALID_HANDLE,
                    "WdfDeviceCreate: the DeviceInit was not made by the framework");
        }
        FxDriverGlobals globals = init.globals;
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        globals.checkIrql("WdfDeviceCreate", Irql.PASSIVE_LEVEL, null);
        if (init.isSpent()) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_HANDLE, "WdfDeviceCreate: " + init + " was already used "
                    + (init.control ? "by a successful WdfDeviceCreate, or freed" : "(a PnP device init is spent by "
                    + "WdfDeviceCreate and when its EvtDriverDeviceAdd returns)") + "; a device init serves one device");
        }
        NtResult<WdfDevice> result = createDevice(globals, init, attrs);
        // WDF: a PnP init is gone after WdfDeviceCreate whatever it answered; a control device init only after a
        // success: after a failure the driver frees it (WdfDeviceInitFree), or corrects it and tries again.
        if (result.isSuccess() || !init.control) {
            init.spend();
        }
        return result;
    }

    private static NtResult<WdfDevice> createDevice(FxDriverGlobals globals, FxDeviceInit init, WdfObjectAttributes attrs) {
        if (attrs.parent() != null) {
            return NtResult.failure(NtStatus.STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED);
        }
        FxObject driverObject = globals.driverObject();
        if (driverObject == null) {
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_STATE);
        }
        if (init.isPdo()) {
            String problem = init.pdoProblem();
            if (problem != null) {
                globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "WdfDeviceCreate", init.parent, "WdfDeviceCreate: "
                        + init + " has " + problem + "; a child needs a device ID and at least one hardware ID", false);
                return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_STATE);
            }
            init.stack = globals.deviceStacks().create(init.childIds().instancePath());
        }
        NtResult<FxDevice> created = globals.createObject("WdfDeviceCreate", driverObject, attrs,
                () -> new FxDevice(globals, driverObject, attrs, init, globals.deviceListener()));
        if (!created.isSuccess()) {
            return NtResult.failure(created.status());
        }
        FxDevice device = created.value();
        if (!device.claimName()) {
            device.deleteInternal();
            return NtResult.failure(NtStatus.STATUS_OBJECT_NAME_COLLISION);
        }
        init.created = device;
        device.joinStack();
        globals.deviceCreated(device);
        return NtResult.success(device);
    }

    @Override
    public NtResult<WdfQueue> ioQueueCreate(WdfDevice device, WdfIoQueueConfig config, WdfObjectAttributes attributes) {
        if (device == null || config == null) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, "WdfIoQueueCreate: "
                    + (device == null ? "Device" : "Config") + " is null");
        }
        if (!(device instanceof FxDevice d)) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_INVALID_HANDLE, "WdfIoQueueCreate: " + device
                    + " is not a framework device");
        }
        d.checkValid("WdfIoQueueCreate");
        FxDriverGlobals globals = d.globals;
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        boolean manual = config.dispatchType() == WdfIoQueueDispatchType.MANUAL;
        if (manual && (config.evtIoDefault() != null || config.evtIoRead() != null || config.evtIoWrite() != null
                || config.evtIoDeviceControl() != null)) {
            return invalidQueue(globals, d, "a MANUAL queue presents no requests, so it takes no request handlers");
        }
        if (config.numberOfPresentedRequests() != 0 && config.dispatchType() != WdfIoQueueDispatchType.PARALLEL) {
            return invalidQueue(globals, d, "numberOfPresentedRequests applies to PARALLEL queues only");
        }
        if (config.defaultQueue() && d.hasDefaultQueue()) {
            return invalidQueue(globals, d, d + " already has a default queue");
        }
        boolean powerManaged = config.powerManaged() == null ? !d.isControlDevice() : config.powerManaged();
        if (powerManaged && d.isControlDevice()) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "WdfIoQueueCreate", d,
                    "a control device has no power states, so its queues cannot be power-managed", false);
            return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
        FxObject parent = d;
        if (attrs.parent() != null) {
            if (!(attrs.parent() instanceof FxObject p)) {
                throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_HANDLE, "WdfIoQueueCreate: the parent "
                        + attrs.parent() + " is not a framework object");
            }
            boolean under = false;
            for (FxObject a = p; a != null; a = a.parent()) {
                if (a == d) {
                    under = true;
                    break;
                }
            }
            if (!under) {
                return invalidQueue(globals, d, "the parent of a queue must be its device or an object below it");
            }
            parent = p;
        }
        FxObject queueParent = parent;
        NtResult<FxIoQueue> created = globals.createObject("WdfIoQueueCreate", queueParent, attrs,
                () -> new FxIoQueue(globals, queueParent, d, attrs, config, powerManaged));
        if (!created.isSuccess()) {
            return NtResult.failure(created.status());
        }
        NtStatus added = d.addQueue(created.value());
        if (!added.isSuccess()) {
            created.value().deleteInternal();
            return NtResult.failure(added);
        }
        return NtResult.success(created.value());
    }

    @Override
    public NtResult<WdfIoTarget> ioTargetCreate(WdfDevice device, WdfObjectAttributes attributes) {
        if (device == null) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, "WdfIoTargetCreate: Device is null");
        }
        if (!(device instanceof FxDevice d)) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_INVALID_HANDLE, "WdfIoTargetCreate: " + device
                    + " is not a framework device");
        }
        d.checkHandle("WdfIoTargetCreate", Irql.PASSIVE_LEVEL);
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        FxObject parent = d;
        if (attrs.parent() != null) {
            Parent named = parent("WdfIoTargetCreate", attrs, false);
            parent = named.object();
        }
        FxObject targetParent = parent;
        NtResult<FxIoTarget> created = d.globals.createObject("WdfIoTargetCreate", targetParent, attrs,
                () -> new FxIoTarget(d.globals, targetParent, d, attrs, null));
        if (created.isSuccess()) {
            d.addTarget(created.value());
        }
        return widen(created);
    }

    @Override
    public NtResult<org.wdf4j.device.WdfInterfaceNotification> interfaceNotificationRegister(
            WdfDevice device, java.util.UUID interfaceClassGuid, org.wdf4j.device.EvtDeviceInterfaceChange callback) {
        if (device == null || interfaceClassGuid == null || callback == null) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, "WdfInterfaceNotification.register: "
                    + (device == null ? "Device" : interfaceClassGuid == null ? "InterfaceClassGuid" : "Callback")
                    + " is null");
        }
        if (!(device instanceof FxDevice d)) {
            throw bugCheckForCaller(WdfBugCheckCode.WDF_INVALID_HANDLE, "WdfInterfaceNotification.register: " + device
                    + " is not a framework device");
        }
        d.checkHandle("IoRegisterPlugPlayNotification", Irql.PASSIVE_LEVEL);
        NtResult<FxInterfaceNotification> created = d.globals.createObject("IoRegisterPlugPlayNotification", d,
                WdfObjectAttributes.NONE, () -> new FxInterfaceNotification(d.globals, d, WdfObjectAttributes.NONE,
                        interfaceClassGuid, callback));
        if (created.isSuccess()) {
            created.value().register();
        }
        return widen(created);
    }

    @Override
    public NtResult<WdfRequest> requestCreate(WdfObjectAttributes attributes, WdfIoTarget ioTarget) {
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        Parent parent = parent("WdfRequestCreate", attrs, false);
        if (parent.failure() != null) {
            return NtResult.failure(parent.failure());
        }
        FxObject p = parent.object();
        return widen(p.globals.createObject("WdfRequestCreate", p, attrs, () -> new FxRequest(p.globals, p, attrs)));
    }

    @Override
    public NtResult<WdfMemory> memoryCreate(WdfObjectAttributes attributes, long bufferSize) {
        WdfObjectAttributes attrs = attributes == null ? WdfObjectAttributes.NONE : attributes;
        Parent parent = parent("WdfMemoryCreate", attrs, false);
        if (parent.failure() != null) {
            return NtResult.failure(parent.failure());
        }
        FxObject p = parent.object();
        if (bufferSize <= 0 || bufferSize > WdfMemory.MAX_SIZE) {
            p.globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "WdfMemoryCreate", null, "WdfMemoryCreate: a buffer of "
                    + bufferSize + " bytes; the size must be from 1 to " + WdfMemory.MAX_SIZE, false);
            return NtResult.failure(NtStatus.STATUS_INVALID_PARAMETER);
        }
        FxMemory.Region region = FxMemory.Region.of(new byte[(int) bufferSize]);
        return widen(p.globals.createObject("WdfMemoryCreate", p, attrs,
                () -> new FxMemory(p.globals, p, attrs, region, false)));
    }

    private static <T> NtResult<T> invalidQueue(FxDriverGlobals globals, FxDevice device, String why) {
        globals.violation(WdfBugCheckCode.WDF_QUEUE_FATAL_ERROR, "WdfIoQueueCreate", device, why, false);
        return NtResult.failure(NtStatus.STATUS_INVALID_PARAMETER);
    }

    /** The parent an object is created under, or why there is none. */
    private record Parent(FxObject object, NtStatus failure) {
    }

    /**
     * The parent named in the attributes (a bug check when it is not a framework object or not valid), else the
     * calling driver's driver object, unless {@code required} (timers, work items: STATUS_WDF_PARENT_NOT_SPECIFIED).
     */
    private static Parent parent(String function, WdfObjectAttributes attrs, boolean required) {
        if (attrs.parent() != null) {
            if (!(attrs.parent() instanceof FxObject p)) {
                throw bugCheckForCaller(WdfBugCheckCode.WDF_INVALID_HANDLE,
                        function + ": the parent " + attrs.parent() + " is not a framework object");
            }
            p.checkValid(function + " (parent)"); // the level is checked once, in createObject
            return new Parent(p, null);
        }
        FxDriverGlobals globals = FxDriverRegistry.caller();
        if (globals == null) {
            throw new IllegalStateException(function + " was called from outside any driver and names no parent");
        }
        if (required) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "STATUS_WDF_PARENT_NOT_SPECIFIED", null,
                    function + " needs a parent object in its attributes (WdfObjectAttributes.withParent)", false);
            return new Parent(null, NtStatus.STATUS_WDF_PARENT_NOT_SPECIFIED);
        }
        FxObject driverObject = globals.driverObject();
        if (driverObject == null) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "STATUS_INVALID_DEVICE_REQUEST", null,
                    function + " before WdfDriverCreate: an object needs a parent, and the driver object does not exist yet");
            return new Parent(null, NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        }
        return new Parent(driverObject, null);
    }

    /** NtResult is immutable: a result of a subtype is a result of the type. */
    @SuppressWarnings("unchecked")
    private static <T> NtResult<T> widen(NtResult<? extends T> result) {
        return (NtResult<T>) result;
    }

    @Override
    public Irql currentIrql() {
        return FxThreadState.currentIrql();
    }

    @Override
    public Irql raiseIrql(Irql level) {
        return FxThreadState.raise(level);
    }

    @Override
    public void lowerIrql(Irql previous) {
        FxThreadState.lower(previous);
    }

    @Override
    public void dbgPrint(String line) {
        FxDriverGlobals globals = FxDriverRegistry.caller();
        if (globals == null) {
            org.wdf4j.framework.trace.Trace.dbgPrint("<no driver>", line);
        } else {
            globals.dbgPrint(line);
        }
    }

    @Override
    public WdfBugCheck processExitRefused(Class<?> caller, String call) {
        ProcessExitHandler handler = processExitHandler;
        if (handler != null) {
            FxDriverGlobals globals = FxDriverRegistry.ofClass(caller);
            handler.driverEndsProcess(globals != null ? globals : FxDriverRegistry.caller(), call);
        }
        return refused(caller, call + " refused: a driver cannot end the host; run untrusted drivers isolated");
    }

    @Override
    public WdfBugCheck indirectReflectionRefused(Class<?> caller, String call) {
        return refused(caller, call + " refused: the host checks Method.invoke and the MethodHandles.Lookup finders "
                + "only where a driver calls them, so a driver cannot reach them through reflection or a method handle; "
                + "run untrusted drivers isolated");
    }

    /** H9: a bug check against the driver of {@code caller}'s class, else the driver the thread works for. */
    private static WdfBugCheck refused(Class<?> caller, String message) {
        FxDriverGlobals globals = FxDriverRegistry.ofClass(caller);
        if (globals == null) {
            globals = FxDriverRegistry.caller();
        }
        WdfBugCheckCode code = WdfBugCheckCode.WDF4J_HOST_CALL_REFUSED;
        return globals == null ? new WdfBugCheck(code, null, message) : globals.bugCheck(code, message);
    }

    private static WdfBugCheck bugCheckForCaller(WdfBugCheckCode code, String message) {
        FxDriverGlobals globals = FxDriverRegistry.caller();
        return globals == null ? new WdfBugCheck(code, null, message) : globals.bugCheck(code, message);
    }
}
