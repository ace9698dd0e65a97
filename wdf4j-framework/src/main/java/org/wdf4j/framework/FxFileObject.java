package org.wdf4j.framework;

import org.wdf4j.Irql;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfFileObject;
import org.wdf4j.io.WdfIoReadiness;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * {@code WDFFILEOBJECT}: one open of a device, a child of the device. Made by the framework at a client's open and
 * deleted after EvtFileClose; the driver cannot delete it (O5). When its device goes first, its cleanup closes the
 * open: the client's later calls fail, and the driver still sees EvtFileCleanup and EvtFileClose.
 */
final class FxFileObject extends FxObject implements WdfFileObject {

    final FxDevice device;
    final FxFileHandle handle;

    FxFileObject(FxDriverGlobals globals, FxDevice device, WdfObjectAttributes attributes, FxFileHandle handle) {
        super(globals, device, attributes, true);
        this.device = device;
        this.handle = handle;
    }

    @Override
    public String objectType() {
        return "WDFFILEOBJECT";
    }

    @Override
    boolean canBeDeletedByDriver() {
        return false;
    }

    @Override
    boolean hasFrameworkCleanup() {
        return true;
    }

    @Override
    public WdfDevice device() {
        checkHandle("WdfFileObjectGetDevice", Irql.DISPATCH_LEVEL);
        return device;
    }

    @Override
    public String fileName() {
        checkHandle("WdfFileObjectGetFileName", Irql.PASSIVE_LEVEL);
        return handle.fileName;
    }

    @Override
    public WdfRequestor requestor() {
        checkHandle("WdfFileObjectGetRequestor", Irql.DISPATCH_LEVEL);
        return handle.requestor;
    }

    @Override
    public void setIoReadiness(WdfIoReadiness readiness) {
        checkHandle("WdfFileObjectSetIoReadiness", Irql.DISPATCH_LEVEL);
        handle.setOwnReadiness(readiness);
    }

    @Override
    public WdfIoReadiness ioReadiness() {
        checkHandle("WdfFileObjectGetIoReadiness", Irql.DISPATCH_LEVEL);
        return handle.ioReadiness();
    }

    /** Deleted with its device while still open: the open is closed as if the client closed it. */
    @Override
    void frameworkCleanup() {
        handle.closeForDeletion();
    }
}
