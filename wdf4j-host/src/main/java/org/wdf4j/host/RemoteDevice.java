package org.wdf4j.host;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.wdf4j.NtResult;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.host.isolation.Message;
import org.wdf4j.io.WdfRequestor;

/**
 * A device whose driver runs in a driver host: what the host knows of it (fixed at creation, and the interfaces and
 * PnP state the driver host reports), and the calls that reach it there.
 *
 * <p>Thread-safe. The mutable fields are written by the driver host's reader thread (reports) and by the thread of a PnP
 * call (its outcome), and read by any thread: they are volatile, or guarded where said.
 */
final class RemoteDevice implements FxDeviceEndpoint {

    final int id;
    final DriverHostProcess process;
    /** The driver it belongs to; null when that driver left the process before the device's first report. */
    final IsolatedDriverRuntime runtime;
    private final String driverName;
    private final String instanceId;
    private final String sddl;
    private final boolean control;
    private volatile String assignedName;
    private volatile boolean controlReady;
    private volatile FxPnpMachine.State pnpState = FxPnpMachine.State.ADDED;
    /** The interfaces as the driver host reported them, in the order they first appeared; guarded by itself. */
    private final List<FxDevice.DeviceInterface> interfaces = new ArrayList<>();
    private final List<Runnable> readinessListeners = new CopyOnWriteArrayList<>();

    RemoteDevice(Message.DeviceInfo info, DriverHostProcess process, IsolatedDriverRuntime runtime) {
        this.id = info.id();
        this.process = process;
        this.runtime = runtime;
        this.driverName = info.driverName();
        this.instanceId = info.instanceId();
        this.sddl = info.sddl();
        this.control = info.control();
        this.assignedName = info.assignedName();
    }

    /** Takes what changed in a later report of the device (its name is assigned while it is created). */
    void update(Message.DeviceInfo info) {
        if (info.assignedName() != null) {
            assignedName = info.assignedName();
        }
    }

    @Override
    public String driverName() {
        return driverName;
    }

    @Override
    public String instanceId() {
        return instanceId;
    }

    @Override
    public String sddl() {
        return sddl;
    }

    @Override
    public boolean isControl() {
        return control;
    }

    @Override
    public String assignedName() {
        return assignedName;
    }

    @Override
    public boolean isControlReady() {
        return controlReady;
    }

    void controlReady() {
        controlReady = true;
    }

    @Override
    public FxPnpMachine.State pnpState() {
        return pnpState;
    }

    /** Whether the device is deleted (removed, or its driver host ended). */
    boolean isGone() {
        return pnpState == FxPnpMachine.State.REMOVED;
    }

    void gone() {
        pnpState = FxPnpMachine.State.REMOVED;
    }

    @Override
    public List<FxDevice.DeviceInterface> interfaces() {
        synchronized (interfaces) {
            return List.copyOf(interfaces);
        }
    }

    void interfaceChanged(UUID guid, String referenceString, boolean active) {
        String ref = referenceString == null ? "" : referenceString;
        synchronized (interfaces) {
            for (int i = 0; i < interfaces.size(); i++) {
                FxDevice.DeviceInterface d = interfaces.get(i);
                if (d.interfaceClassGuid().equals(guid) && d.referenceString().equals(ref)) {
                    interfaces.set(i, new FxDevice.DeviceInterface(guid, ref, active));
                    return;
                }
            }
            interfaces.add(new FxDevice.DeviceInterface(guid, ref, active));
        }
    }

    @Override
    public FxDevice.PnpOutcome pnp(FxPnpMachine.Event event) {
        if (control) {
            return new FxDevice.PnpOutcome(pnpState, org.wdf4j.NtStatus.STATUS_INVALID_DEVICE_REQUEST, false, false);
        }
        FxDevice.PnpOutcome outcome = process.pnp(this, event);
        if (!isGone()) {
            pnpState = outcome.state();
        }
        return outcome;
    }

    @Override
    public CompletableFuture<NtResult<RemoteFile>> open(WdfRequestor requestor, String fileName) {
        return process.open(this, requestor, fileName);
    }

    @Override
    public void addReadinessListener(Runnable listener) {
        readinessListeners.add(listener);
    }

    @Override
    public void removeReadinessListener(Runnable listener) {
        readinessListeners.remove(listener);
    }

    void woke() {
        for (Runnable l : readinessListeners) {
            l.run();
        }
    }

    @Override
    public String toString() {
        return "device #" + id + " of " + driverName + (instanceId == null ? "" : " (" + instanceId + ")") + " in "
                + process;
    }

    @Override
    public List<org.wdf4j.framework.FxChildDescription> busRelations() {
        return process.busRelations(this);
    }
}
