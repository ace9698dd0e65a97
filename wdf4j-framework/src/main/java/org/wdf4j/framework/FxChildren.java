package org.wdf4j.framework;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfChildList;
import org.wdf4j.device.WdfChildListConfig;
import org.wdf4j.device.WdfDevice;

/**
 * The children of one bus device (ST1): its static children ({@code WdfFdoAddStaticChild}) and, when the driver set
 * one up, its default child list (a {@code WDFCHILDLIST} of identification descriptions). Every change is told to the
 * host as a change of the bus's relations ({@link FxDeviceListener#busRelationsChanged}, IoInvalidateDeviceRelations);
 * the host then asks for {@link #relations()}, which makes the PDOs of new dynamic children
 * ({@code EvtChildListCreateDevice}) and answers the children present.
 *
 * <p>A child leaves when its PDO is deleted (the PnP manager removed it: missing, ejected, or its parent removed), or
 * when its PDO could not be made. Thread-safe: {@link #children} and {@link #scanned} are guarded by this object's
 * monitor, which is never held while the driver is called.
 */
final class FxChildren implements WdfChildList {

    /** One child. {@code id} is null for a static child; the others are guarded by the owning {@link FxChildren}. */
    private static final class Child {
        final Object id;
        FxDevice pdo;
        boolean present = true;
        boolean eject;

        Child(Object id, FxDevice pdo) {
            this.id = id;
            this.pdo = pdo;
        }
    }

    private final FxDevice bus;
    /** The default child list's configuration; null when the bus has static children only. */
    private final WdfChildListConfig config;
    /** In the order reported; guarded by this. */
    private final List<Child> children = new ArrayList<>();
    /** The descriptions reported present since {@link #beginScan}; null outside a scan. Guarded by this. */
    private Set<Object> scanned;

    FxChildren(FxDevice bus, WdfChildListConfig config) {
        this.bus = bus;
        this.config = config;
    }

    /** Whether the driver set up a default child list. */
    boolean hasList() {
        return config != null;
    }

    // ---------------------------------------------------------------------------------------------
    // Static children

    NtStatus addStatic(FxDevice pdo) {
        synchronized (this) {
            for (Child c : children) {
                if (c.pdo == pdo) {
                    return NtStatus.STATUS_OBJECT_NAME_EXISTS;
                }
            }
            children.add(new Child(null, pdo));
        }
        changed();
        return NtStatus.STATUS_SUCCESS;
    }

    /** {@code WdfPdoMarkMissing}. */
    NtStatus markMissing(FxDevice pdo) {
        synchronized (this) {
            Child c = byPdo(pdo);
            if (c == null || !c.present) {
                return NtStatus.STATUS_NO_SUCH_DEVICE;
            }
            c.present = false;
        }
        changed();
        return NtStatus.STATUS_SUCCESS;
    }

    /** {@code WdfPdoRequestEject}. */
    void requestEject(FxDevice pdo) {
        synchronized (this) {
            Child c = byPdo(pdo);
            if (c == null || !c.present) {
                return;
            }
            c.eject = true;
        }
        changed();
    }

    /** The PDO was deleted: the child is gone. */
    void pdoDeleted(FxDevice pdo) {
        synchronized (this) {
            children.removeIf(c -> c.pdo == pdo);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // WDFCHILDLIST

    @Override
    public WdfDevice device() {
        return bus;
    }

    @Override
    public void beginScan() {
        synchronized (this) {
            scanned = new HashSet<>();
        }
    }

    @Override
    public void endScan() {
        synchronized (this) {
            if (scanned == null) {
                return;
            }
            for (Child c : children) {
                if (c.id != null && !scanned.contains(c.id)) {
                    c.present = false;
                }
            }
            scanned = null;
        }
        changed();
    }

    @Override
    public NtStatus addOrUpdateChildDescriptionAsPresent(Object identificationDescription) {
        if (identificationDescription == null) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        boolean inScan;
        synchronized (this) {
            inScan = scanned != null;
            if (inScan) {
                scanned.add(identificationDescription);
            }
            Child c = byId(identificationDescription);
            if (c != null && c.present) {
                return NtStatus.STATUS_OBJECT_NAME_EXISTS;
            }
            children.add(new Child(identificationDescription, null));
        }
        if (!inScan) {
            changed();
        }
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public NtStatus updateChildDescriptionAsMissing(Object identificationDescription) {
        synchronized (this) {
            Child c = identificationDescription == null ? null : byId(identificationDescription);
            if (c == null || !c.present) {
                return NtStatus.STATUS_NO_SUCH_DEVICE;
            }
            c.present = false;
            if (scanned != null) {
                return NtStatus.STATUS_SUCCESS;
            }
        }
        changed();
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public synchronized WdfDevice retrievePdo(Object identificationDescription) {
        Child c = identificationDescription == null ? null : byId(identificationDescription);
        return c == null ? null : c.pdo;
    }

    @Override
    public boolean requestChildEject(Object identificationDescription) {
        synchronized (this) {
            Child c = identificationDescription == null ? null : byId(identificationDescription);
            if (c == null || !c.present) {
                return false;
            }
            c.eject = true;
        }
        changed();
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // For the PnP manager

    /**
     * On the bus driver's passive thread: makes the PDO of each present dynamic child that has none
     * ({@code EvtChildListCreateDevice}; a child whose PDO is not made is forgotten), and answers the present children
     * that have one, in the order reported. Missing children whose PDO was never made are forgotten.
     */
    List<FxChildDescription> relations() {
        List<Child> toMake = new ArrayList<>();
        synchronized (this) {
            children.removeIf(c -> c.pdo == null && !c.present);
            for (Child c : children) {
                if (c.pdo == null) {
                    toMake.add(c);
                }
            }
        }
        for (Child c : toMake) {
            FxDevice pdo = createPdo(c.id);
            synchronized (this) {
                if (pdo == null) {
                    children.remove(c);
                } else {
                    c.pdo = pdo;
                }
            }
        }
        List<FxChildDescription> present = new ArrayList<>();
        synchronized (this) {
            for (Child c : children) {
                if (c.present && c.pdo != null && c.pdo.pnpState() != FxPnpMachine.State.REMOVED) {
                    present.add(new FxChildDescription(c.pdo, c.pdo.childIds(), c.eject));
                }
            }
        }
        return present;
    }

    /** EvtChildListCreateDevice for one description; the PDO, or null (the failure is journalled). */
    private FxDevice createPdo(Object id) {
        FxDriverGlobals globals = bus.globals;
        FxDeviceInit init = FxDeviceInit.forPdo(bus);
        NtStatus status = globals.callDeviceInitCallback("EvtChildListCreateDevice(" + id + ")", init,
                () -> config.evtChildListCreateDevice().createDevice(this, id, init));
        FxDevice pdo = init.created;
        if (!status.isSuccess() || pdo == null) {
            globals.journal(JournalEntry.Kind.PNP, bus.toString(), "EvtChildListCreateDevice(" + id + ") answered "
                    + status + (pdo == null ? " without creating a device" : "") + ": the child is forgotten");
            if (pdo != null) {
                pdo.deleteInternal();
            }
            return null;
        }
        return pdo;
    }

    private void changed() {
        bus.busRelationsChanged();
    }

    private Child byId(Object id) {
        for (Child c : children) {
            if (c.id != null && Objects.equals(c.id, id) && c.present) {
                return c;
            }
        }
        for (Child c : children) {
            if (c.id != null && Objects.equals(c.id, id)) {
                return c;
            }
        }
        return null;
    }

    private Child byPdo(FxDevice pdo) {
        for (Child c : children) {
            if (c.pdo == pdo) {
                return c;
            }
        }
        return null;
    }
}
