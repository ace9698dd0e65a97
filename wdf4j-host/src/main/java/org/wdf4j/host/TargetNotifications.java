package org.wdf4j.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.NtResult;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxInterfaceListener;
import org.wdf4j.framework.FxTargetDeviceListener;
import org.wdf4j.framework.FxTargetResolver;

/**
 * The host's side of ST9: the remote I/O targets open on each device node (the target device change notifications
 * they registered, by the node's instance ID), asked and told by the PnP manager as a node is removed; and the device
 * interface change notifications of drivers, over the namespace's watchers. Drivers of this process reach it through
 * {@link #resolver}; drivers in a driver host through their channel ({@link HostTargets} there, {@link DriverHostProcess}
 * here), which registers proxies here.
 */
final class TargetNotifications {

    private static final Logger LOG = LoggerFactory.getLogger(TargetNotifications.class);

    /** One target's registration on one node. */
    private final class Watch implements FxTargetResolver.Registration {
        final String node;
        final FxTargetDeviceListener listener;

        Watch(String node, FxTargetDeviceListener listener) {
            this.node = node;
            this.listener = listener;
        }

        @Override
        public void close() {
            synchronized (watches) {
                List<Watch> list = watches.get(node);
                if (list != null && list.remove(this) && list.isEmpty()) {
                    watches.remove(node);
                }
            }
        }
    }

    private final DeviceNamespace namespace;
    /** By lower-cased instance ID, in registration order; guarded by itself. */
    private final Map<String, List<Watch>> watches = new LinkedHashMap<>();

    TargetNotifications(DeviceNamespace namespace) {
        this.namespace = namespace;
    }

    /** The resolver of a driver in this process: the namespace's names and interfaces, and these notifications. */
    FxTargetResolver resolver() {
        return new FxTargetResolver() {
            @Override
            public NtResult<FxDeviceEndpoint> resolve(String name) {
                return TargetNotifications.this.resolve(name);
            }

            @Override
            public Registration watchTarget(FxDeviceEndpoint device, FxTargetDeviceListener listener) {
                return TargetNotifications.this.watchTarget(device.instanceId(), listener);
            }

            @Override
            public Registration watchInterfaces(UUID guid, FxInterfaceListener listener) {
                return TargetNotifications.this.watchInterfaces(guid, listener);
            }
        };
    }

    /** The device a remote target opens by name or interface path, wherever its driver runs. */
    NtResult<FxDeviceEndpoint> resolve(String name) {
        return namespace.resolveTarget(name);
    }

    /** Registers a target for the removal of node {@code instanceId}; a control device (no node) is never removed by PnP. */
    FxTargetResolver.Registration watchTarget(String instanceId, FxTargetDeviceListener listener) {
        if (instanceId == null) {
            return FxTargetResolver.Registration.NONE;
        }
        Watch w = new Watch(instanceId.toLowerCase(Locale.ROOT), listener);
        synchronized (watches) {
            watches.computeIfAbsent(w.node, k -> new ArrayList<>()).add(w);
        }
        return w;
    }

    /** Tells {@code listener} the enabled interfaces of {@code guid} now, then their arrivals and removals. */
    FxTargetResolver.Registration watchInterfaces(UUID guid, FxInterfaceListener listener) {
        DeviceNamespace.Watcher watcher = new DeviceNamespace.Watcher() {
            /** The paths told as arrived and not yet as removed; guarded by itself. */
            private final java.util.Set<String> arrived = new java.util.HashSet<>();

            @Override
            public void appeared(FxDeviceEndpoint device, String path, UUID g, String referenceString) {
                if (guid.equals(g)) {
                    synchronized (arrived) {
                        arrived.add(path);
                    }
                    listener.interfaceChanged(true, g, path);
                }
            }

            @Override
            public void disappeared(FxDeviceEndpoint device, String path) {
                boolean told;
                synchronized (arrived) {
                    told = arrived.remove(path);
                }
                if (told) {
                    listener.interfaceChanged(false, guid, path);
                }
            }
        };
        namespace.addWatcher(watcher);
        return () -> namespace.removeWatcher(watcher);
    }

    private List<Watch> of(List<String> instanceIds) {
        List<Watch> found = new ArrayList<>();
        synchronized (watches) {
            for (String id : instanceIds) {
                found.addAll(watches.getOrDefault(id.toLowerCase(Locale.ROOT), List.of()));
            }
        }
        return found;
    }

    /**
     * The query-remove of the nodes {@code instanceIds} (a node and its descendants): each target open on them is asked,
     * in order, until one vetoes; then those asked before it are told the removal is cancelled.
     *
     * @return null when every target let go; else who vetoed
     */
    String queryRemove(List<String> instanceIds) {
        List<Watch> asked = new ArrayList<>();
        for (Watch w : of(instanceIds)) {
            if (w.listener.queryRemove()) {
                asked.add(w);
                continue;
            }
            String vetoer = w.listener.describe();
            LOG.info("PnP: the query-remove of {} was vetoed by {}", w.node, vetoer);
            asked.forEach(a -> a.listener.removeCanceled());
            return vetoer;
        }
        return null;
    }

    /** The nodes are gone (removed, or surprise-removed): each target open on them is told, once, and forgotten. */
    void removeComplete(List<String> instanceIds) {
        List<Watch> told = of(instanceIds);
        told.forEach(Watch::close);
        told.forEach(w -> w.listener.removeComplete());
    }
}
