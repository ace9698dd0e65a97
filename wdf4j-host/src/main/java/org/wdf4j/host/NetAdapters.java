package org.wdf4j.host;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.fuse.ErrnoException;
import org.wdf4j.host.fuse.TunNetAdapter;
import org.wdf4j.net.NetAdapter;

/**
 * The host's network adapters: every enabled interface of class {@link NetAdapter#GUID_DEVINTERFACE_NET} becomes a
 * TUN/TAP interface ({@link TunNetAdapter}) while it is enabled, whether or not the devices are mounted as files. An
 * adapter whose interface cannot be made is in {@link #problems} with the reason (also logged).
 */
public final class NetAdapters implements AutoCloseable, DeviceNamespace.Watcher {

    private static final Logger LOG = LoggerFactory.getLogger(NetAdapters.class);

    /** How long {@link #close} waits for the interfaces to go. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /**
     * A device's network interface.
     *
     * @param devicePath the interface path of the device ({@code \\?\ROOT#PINGADAPTER#0000#{cac88484-...}})
     * @param instanceId the device's instance ID
     * @param driver the driver that owns it
     * @param interfaceName the Linux interface's name
     * @param networkNamespace the network namespace it is in, or null for the host's
     */
    public record NetInterface(String devicePath, String instanceId, String driver, String interfaceName,
                               String networkNamespace) {

        /** {@code wdfping0}, or {@code wdfa0 (netns wdf-a)}. */
        public String describe() {
            return "network interface " + interfaceName + (networkNamespace == null ? ""
                    : " (netns " + networkNamespace + ")");
        }
    }

    private final DeviceNamespace namespace;
    private final IoClient client;
    private final Object lock = new Object();
    /** By device path; guarded by {@link #lock}. */
    private final Map<String, TunNetAdapter> adapters = new LinkedHashMap<>();
    /** The interfaces made, by device path; guarded by {@link #lock}. */
    private final Map<String, NetInterface> made = new LinkedHashMap<>();
    /** Device paths without an interface, and why; guarded by {@link #lock}. */
    private final Map<String, String> problems = new LinkedHashMap<>();
    /** Guarded by {@link #lock}. */
    private boolean closed;

    private NetAdapters(DeviceNamespace namespace, IoClient client) {
        this.namespace = namespace;
        this.client = client;
    }

    /** Follows the namespace's network-adapter interfaces from now on. */
    static NetAdapters watch(DeviceNamespace namespace, IoClient client) {
        NetAdapters adapters = new NetAdapters(namespace, client);
        namespace.addWatcher(adapters);
        return adapters;
    }

    /** The interfaces there are now, in the order they were made. */
    public List<NetInterface> interfaces() {
        synchronized (lock) {
            return List.copyOf(made.values());
        }
    }

    /** Device paths of network adapters without an interface, with the reason. */
    public Map<String, String> problems() {
        synchronized (lock) {
            return Map.copyOf(problems);
        }
    }

    /**
     * Waits until every adapter has its interface or has failed (its problem said), up to {@code timeout}: the
     * interfaces are made on threads of their own after the devices start, and a command run next wants them there.
     *
     * @return whether none is still being made
     */
    public boolean awaitSettled(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (made.size() < adapters.size()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    /** Device path to {@link NetInterface#describe}, for {@code wdf4j devices}. */
    public Map<String, String> pathsToInterfaces() {
        Map<String, String> map = new LinkedHashMap<>();
        interfaces().forEach(i -> map.put(i.devicePath(), i.describe()));
        return map;
    }

    @Override
    public void appeared(FxDeviceEndpoint device, String path, UUID guid, String referenceString) {
        if (!NetAdapter.isNetInterface(guid)) {
            return;
        }
        synchronized (lock) {
            if (closed || adapters.containsKey(path)) {
                return;
            }
            problems.remove(path);
            try {
                adapters.put(path, TunNetAdapter.open(path, client, why -> failed(path, why),
                        a -> ready(device, a)));
            } catch (ErrnoException e) {
                problems.put(path, "the host could not start its adapter: " + e.getMessage());
                LOG.error("no network interface for {}: {}", path, e.getMessage());
            }
        }
    }

    private void ready(FxDeviceEndpoint device, TunNetAdapter adapter) {
        synchronized (lock) {
            if (adapters.get(adapter.devicePath()) == adapter) {
                made.put(adapter.devicePath(), new NetInterface(adapter.devicePath(), device.instanceId(),
                        device.driverName(), adapter.interfaceName(), adapter.config().networkNamespace()));
            }
            lock.notifyAll();
        }
    }

    private void failed(String path, String why) {
        synchronized (lock) {
            adapters.remove(path);
            made.remove(path);
            problems.put(path, why);
            lock.notifyAll();
        }
    }

    @Override
    public void disappeared(FxDeviceEndpoint device, String path) {
        TunNetAdapter adapter;
        synchronized (lock) {
            adapter = adapters.remove(path);
            made.remove(path);
            problems.remove(path);
        }
        if (adapter != null) {
            adapter.close(); // the interface goes when its pumps have ended
        }
    }

    /** Removes every interface, waiting up to 5 s for them to go. */
    @Override
    public void close() {
        namespace.removeWatcher(this);
        List<TunNetAdapter> open;
        synchronized (lock) {
            closed = true;
            open = List.copyOf(adapters.values());
            adapters.clear();
            made.clear();
        }
        open.forEach(TunNetAdapter::close);
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (TunNetAdapter adapter : open) {
            try {
                if (!adapter.awaitClosed(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    LOG.warn("{} still open {} after the host closed", adapter, CLOSE_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
