package org.wdf4j.host;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxDeviceListener;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.NameRule;
import org.wdf4j.host.client.IoClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's object namespace: the names devices were given ({@code \\.\NAME}, unique across the host, case-insensitive
 * as in Windows) and the device interfaces that are enabled ({@code \\?\ROOT#ECHO#0000#{guid}}), with the client
 * handles open on each device.
 *
 * <p>Each driver gets its own {@link FxDeviceListener} ({@link #listenerFor}), set before its DriverEntry. When a
 * device is deleted its names and interfaces go and the client handles on it let go of the framework's handle, so a
 * client that keeps a handle does not keep the driver's classes loaded. {@link #forgetDriver} drops whatever a driver
 * still has here (a driver abandoned with its devices), before the host checks that its class loader is collected.
 */
final class DeviceNamespace {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceNamespace.class);

    /** A name and the device that claimed it. */
    private record Named(String name, FxDeviceEndpoint device, Listener owner) {
    }

    /** An enabled interface. */
    record Iface(UUID guid, String referenceString, String path, String instanceId, FxDeviceEndpoint device, Listener owner) {
    }

    /** What a path resolves to: the device, and the file name its open gets; or why it does not. */
    record Resolved(FxDeviceEndpoint device, String fileName, NtStatus failure) {
    }

    /**
     * Told (outside the namespace's lock, on the driver's thread) when a device becomes reachable by a path and when
     * it stops being: the FUSE reflector makes and removes device files from this.
     */
    interface Watcher {

        /** A path now opens {@code device}: an enabled interface ({@code guid} not null) or a ready control device. */
        void appeared(FxDeviceEndpoint device, String path, UUID guid, String referenceString);

        /** The path no longer opens the device (interface disabled, device deleted, driver forgotten). */
        void disappeared(FxDeviceEndpoint device, String path);
    }

    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    /** By upper-cased name. */
    private final Map<String, Named> names = new HashMap<>();
    /** By lower-cased path. */
    private final Map<String, Iface> interfaces = new LinkedHashMap<>();
    private final Map<FxDeviceEndpoint, Set<HostDeviceHandle>> handles = new IdentityHashMap<>();
    /** The creation order of a device node, by instance ID, so that interfaces list in the order devices were added. */
    private final ToLongFunction<String> nodeOrder;

    DeviceNamespace(ToLongFunction<String> nodeOrder) {
        this(nodeOrder, bus -> { });
    }

    /** @param busRelationsChanged told when a bus device's children change (the PnP manager, ST1); must not block */
    DeviceNamespace(ToLongFunction<String> nodeOrder, java.util.function.Consumer<FxDeviceEndpoint> busRelationsChanged) {
        this.nodeOrder = nodeOrder;
        this.busRelationsChanged = busRelationsChanged;
    }

    /** Where a bus device's changed children are told (the PnP manager). */
    private final java.util.function.Consumer<FxDeviceEndpoint> busRelationsChanged;

    /** The listener for one driver's devices; the framework calls it on the driver's threads. */
    FxDeviceListener listenerFor(String driverName) {
        return new Listener(driverName);
    }

    /**
     * Adds a watcher and tells it, at once, every path that opens a device now (enabled interfaces and ready control
     * devices, in the order the devices were added).
     */
    void addWatcher(Watcher watcher) {
        List<Runnable> now = new ArrayList<>();
        synchronized (lock) {
            watchers.add(watcher);
            List<Iface> ifaces = new ArrayList<>(interfaces.values());
            ifaces.sort(Comparator.comparingLong((Iface i) -> nodeOrder.applyAsLong(i.instanceId())));
            for (Iface i : ifaces) {
                now.add(() -> watcher.appeared(i.device(), i.path(), i.guid(), i.referenceString()));
            }
            for (Named n : names.values()) {
                if (n.device().isControlReady()) {
                    now.add(() -> watcher.appeared(n.device(), n.name(), null, null));
                }
            }
        }
        now.forEach(Runnable::run);
    }

    void removeWatcher(Watcher watcher) {
        watchers.remove(watcher);
    }

    private void appeared(FxDeviceEndpoint device, String path, UUID guid, String referenceString) {
        for (Watcher w : watchers) {
            try {
                w.appeared(device, path, guid, referenceString);
            } catch (RuntimeException e) {
                LOG.warn("device namespace watcher failed for " + path, e);
            }
        }
    }

    private void disappeared(FxDeviceEndpoint device, String path) {
        for (Watcher w : watchers) {
            try {
                w.disappeared(device, path);
            } catch (RuntimeException e) {
                LOG.warn("device namespace watcher failed for " + path, e);
            }
        }
    }

    /** The path of a device interface: {@code \\?\} + instance ID with {@code \} as {@code #} + {@code #{guid}}, then {@code \ref}. */
    static String interfacePath(String instanceId, UUID guid, String referenceString) {
        String ref = referenceString == null ? "" : referenceString;
        return "\\\\?\\" + (instanceId == null ? "" : instanceId.replace('\\', '#')) + "#{" + guid + "}"
                + (ref.isEmpty() ? "" : "\\" + ref);
    }

    /** The enabled interfaces of a class, in the order their devices were added. */
    List<IoClient.DeviceInterface> interfaces(UUID guid) {
        List<Iface> found = new ArrayList<>();
        synchronized (lock) {
            for (Iface i : interfaces.values()) {
                if (guid == null || i.guid().equals(guid)) {
                    found.add(i);
                }
            }
        }
        found.sort(Comparator.comparingLong((Iface i) -> nodeOrder.applyAsLong(i.instanceId())));
        return found.stream().map(i -> new IoClient.DeviceInterface(i.guid(), i.referenceString(), i.path(),
                i.instanceId())).toList();
    }

    /**
     * Resolves a path as {@code CreateFile} does: {@code \\?\...} is an interface path (optionally followed by
     * {@code \rest}, which becomes the file name when the interface has no reference string); {@code \\.\NAME} or
     * {@code NAME} is a device name, optionally followed by {@code \rest}, the file name.
     */
    Resolved resolve(String path) {
        if (path == null || path.isBlank()) {
            return new Resolved(null, null, NtStatus.STATUS_OBJECT_NAME_INVALID);
        }
        if (path.startsWith("\\\\?\\")) {
            String key = path.toLowerCase(Locale.ROOT);
            synchronized (lock) {
                Iface exact = interfaces.get(key);
                if (exact != null) {
                    return new Resolved(exact.device(), exact.referenceString(), null);
                }
                // \\?\ROOT#ECHO#0000#{guid}\rest: the rest is the file name, for an interface without a reference string
                for (Iface i : interfaces.values()) {
                    String prefix = i.path().toLowerCase(Locale.ROOT) + "\\";
                    if (i.referenceString().isEmpty() && key.startsWith(prefix) && key.length() > prefix.length()) {
                        return new Resolved(i.device(), path.substring(prefix.length()), null);
                    }
                }
            }
            return new Resolved(null, null, NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
        }
        String rest = path.startsWith("\\\\.\\") ? path.substring(4) : path;
        int slash = rest.indexOf('\\');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        String fileName = slash < 0 ? "" : rest.substring(slash + 1);
        if (name.isEmpty()) {
            return new Resolved(null, null, NtStatus.STATUS_OBJECT_NAME_INVALID);
        }
        synchronized (lock) {
            Named named = names.get(name.toUpperCase(Locale.ROOT));
            if (named != null) {
                return new Resolved(named.device(), fileName, null);
            }
        }
        return new Resolved(null, null, NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
    }

    /**
     * {@code WdfIoTargetOpen} by name (ST5): the device a path opens ({@link #resolve}), for a driver's remote target.
     */
    NtResult<FxDeviceEndpoint> resolveTarget(String path) {
        Resolved r = resolve(path);
        return r.failure() != null ? NtResult.failure(r.failure()) : NtResult.success(r.device());
    }

    /**
     * The same among {@code devices} only, for a driver host, which has no namespace: a device name ({@code \\.\NAME}
     * or {@code NAME}) or the path of one of their enabled interfaces; STATUS_OBJECT_NAME_NOT_FOUND for any other
     * (a device of another process).
     */
    static NtResult<FxDeviceEndpoint> resolveAmong(Iterable<? extends FxDeviceEndpoint> devices, String path) {
        if (path == null || path.isBlank()) {
            return NtResult.failure(NtStatus.STATUS_OBJECT_NAME_INVALID);
        }
        boolean byInterface = path.startsWith("\\\\?\\");
        String name = path.startsWith("\\\\.\\") ? path.substring(4) : path;
        for (FxDeviceEndpoint d : devices) {
            if (!byInterface && d.assignedName() != null && d.assignedName().equalsIgnoreCase(name)) {
                return NtResult.success(d);
            }
            if (byInterface && d.instanceId() != null) {
                for (org.wdf4j.framework.FxDevice.DeviceInterface i : d.interfaces()) {
                    if (i.active() && interfacePath(d.instanceId(), i.interfaceClassGuid(), i.referenceString())
                            .equalsIgnoreCase(path)) {
                        return NtResult.success(d);
                    }
                }
            }
        }
        return NtResult.failure(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
    }

    /**
     * Tracks a client handle on {@code device}, to let go of it when the device is deleted; false when the device is
     * already gone (the caller closes the handle).
     */
    boolean track(FxDeviceEndpoint device, HostDeviceHandle handle) {
        synchronized (lock) {
            if (!isKnown(device)) {
                return false;
            }
            handles.computeIfAbsent(device, d -> Collections.newSetFromMap(new IdentityHashMap<>())).add(handle);
            return true;
        }
    }

    void untrack(FxDeviceEndpoint device, HostDeviceHandle handle) {
        synchronized (lock) {
            Set<HostDeviceHandle> set = handles.get(device);
            if (set != null) {
                set.remove(handle);
                if (set.isEmpty()) {
                    handles.remove(device);
                }
            }
        }
    }

    /** Whether the device was not deleted yet (its deletion marks it REMOVED before telling the listener). */
    private boolean isKnown(FxDeviceEndpoint device) {
        return device.pnpState() != FxPnpMachine.State.REMOVED;
    }

    /** Drops every name, interface and handle of this driver's devices (the driver is being forgotten). */
    void forgetDriver(String driverName) {
        List<HostDeviceHandle> detached = new ArrayList<>();
        List<Runnable> gone = new ArrayList<>();
        synchronized (lock) {
            for (Named n : names.values()) {
                if (n.owner().driver.equals(driverName)) {
                    gone.add(() -> disappeared(n.device(), n.name()));
                }
            }
            for (Iface i : interfaces.values()) {
                if (i.owner().driver.equals(driverName)) {
                    gone.add(() -> disappeared(i.device(), i.path()));
                }
            }
            names.values().removeIf(n -> n.owner().driver.equals(driverName));
            interfaces.values().removeIf(i -> i.owner().driver.equals(driverName));
            for (Iterator<Map.Entry<FxDeviceEndpoint, Set<HostDeviceHandle>>> it = handles.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<FxDeviceEndpoint, Set<HostDeviceHandle>> e = it.next();
                if (e.getKey().driverName().equals(driverName)) {
                    detached.addAll(e.getValue());
                    it.remove();
                }
            }
        }
        gone.forEach(Runnable::run);
        detached.forEach(HostDeviceHandle::deviceGone);
    }

    /** One driver's view of the namespace: the framework tells it about that driver's devices. */
    final class Listener implements FxDeviceListener {

        final String driver;

        Listener(String driver) {
            this.driver = driver;
        }

        @Override
        public boolean claimName(String name, FxDeviceEndpoint device) {
            if (!NameRule.DEVICE_NAME.accepts(name)) { // a driver host's framework refused it already; trust none
                LOG.warn("[{}] refused the device name {}", driver, NameRule.DEVICE_NAME.violation(name).orElseThrow());
                return false;
            }
            String key = name.toUpperCase(Locale.ROOT);
            synchronized (lock) {
                if (names.containsKey(key)) {
                    return false;
                }
                names.put(key, new Named(name, device, this));
                return true;
            }
        }

        @Override
        public void releaseName(String name, FxDeviceEndpoint device) {
            String key = name.toUpperCase(Locale.ROOT);
            boolean removed = false;
            synchronized (lock) {
                if (names.get(key) instanceof Named n && n.device() == device) {
                    names.remove(key);
                    removed = true;
                }
            }
            if (removed) {
                disappeared(device, name);
            }
        }

        @Override
        public void interfaceStateChanged(FxDeviceEndpoint device, UUID guid, String referenceString, boolean enabled) {
            String ref = referenceString == null ? "" : referenceString;
            if (!NameRule.REFERENCE_STRING.accepts(ref)) { // a driver host's framework refused it already; trust none
                LOG.warn("[{}] ignored an interface with the reference string {}", driver,
                        NameRule.REFERENCE_STRING.violation(ref).orElseThrow());
                return;
            }
            String path = interfacePath(device.instanceId(), guid, ref);
            String key = path.toLowerCase(Locale.ROOT);
            boolean changed;
            synchronized (lock) {
                if (enabled) {
                    changed = interfaces.put(key, new Iface(guid, ref, path, device.instanceId(), device, this)) == null;
                } else if (interfaces.get(key) instanceof Iface i && i.device() == device) {
                    interfaces.remove(key);
                    changed = true;
                } else {
                    changed = false;
                }
            }
            if (changed && enabled) {
                appeared(device, path, guid, ref);
            } else if (changed) {
                disappeared(device, path);
            }
        }

        @Override
        public void controlDeviceReady(FxDeviceEndpoint device) {
            // The name was claimed at creation (an open before this answers STATUS_DEVICE_NOT_READY); now it opens.
            String name = null;
            synchronized (lock) {
                for (Named n : names.values()) {
                    if (n.device() == device) {
                        name = n.name();
                    }
                }
            }
            if (name != null) {
                appeared(device, name, null, null);
            }
        }

        @Override
        public void deviceDeleted(FxDeviceEndpoint device) {
            Set<HostDeviceHandle> detached;
            List<String> paths = new ArrayList<>();
            synchronized (lock) {
                names.values().stream().filter(n -> n.device() == device).forEach(n -> paths.add(n.name()));
                interfaces.values().stream().filter(i -> i.device() == device).forEach(i -> paths.add(i.path()));
                names.values().removeIf(n -> n.device() == device);
                interfaces.values().removeIf(i -> i.device() == device);
                detached = handles.remove(device);
            }
            paths.forEach(p -> disappeared(device, p));
            if (detached != null) {
                detached.forEach(HostDeviceHandle::deviceGone);
            }
        }

        @Override
        public void busRelationsChanged(FxDeviceEndpoint bus) {
            DeviceNamespace.this.busRelationsChanged.accept(bus);
        }

        @Override
        public String toString() {
            return "device listener of driver " + driver;
        }
    }
}
