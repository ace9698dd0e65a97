package org.wdf4j.framework;

import java.util.UUID;
import org.wdf4j.device.EvtDeviceInterfaceChange;
import org.wdf4j.device.WdfDeviceInterfaceChange;
import org.wdf4j.device.WdfInterfaceNotification;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A driver's registration for the device interface changes of one class (ST9; {@code IoRegisterPlugPlayNotification}
 * with {@code EventCategoryDeviceInterfaceChange}). The host tells it changes on any thread ({@link #changed}); each
 * is queued to the driver's passive thread, so that the driver's callback runs one change at a time, in order. Its
 * cleanup (deletion, or its device's) ends the host's registration; a change queued before and run after is dropped.
 */
final class FxInterfaceNotification extends FxObject implements WdfInterfaceNotification {

    private final FxDevice device;
    private final UUID guid;
    private final EvtDeviceInterfaceChange callback;
    /** The host's registration; set once after creation, closed by the cleanup. Guarded by {@code this}. */
    private FxTargetResolver.Registration registration;
    /** Set by the cleanup: queued changes no longer reach the driver. */
    private volatile boolean ended;

    FxInterfaceNotification(FxDriverGlobals globals, FxDevice parent, WdfObjectAttributes attributes, UUID guid,
                            EvtDeviceInterfaceChange callback) {
        super(globals, parent, attributes);
        this.device = parent;
        this.guid = guid;
        this.callback = callback;
    }

    @Override
    public String objectType() {
        return "WDFINTERFACENOTIFICATION";
    }

    @Override
    public UUID interfaceClassGuid() {
        return guid;
    }

    @Override
    public org.wdf4j.device.WdfDevice device() {
        checkHandle("WdfInterfaceNotification.device", org.wdf4j.Irql.DISPATCH_LEVEL);
        return device;
    }

    /** Registers with the host; the interfaces enabled now arrive first. */
    void register() {
        FxTargetResolver.Registration r = globals.targetResolver().watchInterfaces(guid, this::changed);
        boolean keep;
        synchronized (this) {
            keep = !ended;
            if (keep) {
                registration = r;
            }
        }
        if (!keep) {
            r.close();
        }
    }

    /** The host's news: queued to the driver's passive thread; never blocks. */
    private void changed(boolean arrival, UUID interfaceClassGuid, String symbolicLinkName) {
        if (ended) {
            return;
        }
        WdfDeviceInterfaceChange change = new WdfDeviceInterfaceChange(arrival, interfaceClassGuid, symbolicLinkName);
        globals.journal(JournalEntry.Kind.PNP, toString(), (arrival ? "arrival of " : "removal of ") + symbolicLinkName);
        globals.queuePassive(() -> {
            if (!ended) {
                globals.invokeFrameworkCallback("EvtDeviceInterfaceChange(" + this + ")",
                        () -> callback.interfaceChange(this, change));
            }
        });
    }

    @Override
    boolean hasFrameworkCleanup() {
        return true;
    }

    @Override
    void frameworkCleanup() {
        FxTargetResolver.Registration r;
        synchronized (this) {
            ended = true;
            r = registration;
            registration = null;
        }
        if (r != null) {
            r.close();
        }
    }
}
