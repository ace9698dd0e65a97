package org.wdf4j.framework;

import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.spi.WdfFunctions;

/** The framework's implementation of the API's function table. */
public final class FxFunctions implements WdfFunctions {

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
        FxObject parent;
        if (attrs.parent() != null) {
            if (!(attrs.parent() instanceof FxObject p)) {
                throw bugCheckForCaller(WdfBugCheckCode.WDF_INVALID_HANDLE,
                        "WdfObjectCreate: the parent " + attrs.parent() + " is not a framework object");
            }
            p.checkValid("WdfObjectCreate (parent)"); // the level is checked once, in createObject
            parent = p;
        } else {
            FxDriverGlobals globals = FxDriverRegistry.caller();
            if (globals == null) {
                throw new IllegalStateException("WdfObjectCreate was called from outside any driver and names no parent");
            }
            parent = globals.driverObject();
            if (parent == null) {
                globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "STATUS_INVALID_DEVICE_REQUEST", null,
                        "WdfObjectCreate before WdfDriverCreate: an object needs a parent, and the driver object does not exist yet");
                return NtResult.failure(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
            }
        }
        FxObject p = parent;
        NtResult<FxGenericObject> created = p.globals.createObject("WdfObjectCreate", p, attrs,
                () -> new FxGenericObject(p.globals, p, attrs));
        @SuppressWarnings("unchecked") // NtResult is immutable: a result of a subtype is a result of the type
        NtResult<WdfObject> result = (NtResult<WdfObject>) (NtResult<? extends WdfObject>) created;
        return result;
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

    private static WdfBugCheck bugCheckForCaller(WdfBugCheckCode code, String message) {
        FxDriverGlobals globals = FxDriverRegistry.caller();
        return globals == null ? new WdfBugCheck(code, null, message) : globals.bugCheck(code, message);
    }
}
