package org.wdf4j.host.fuse;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.NtStatus;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.net.MediaConnectState;
import org.wdf4j.net.NetAdapterConfig;
import org.wdf4j.net.NetAdapterIoctl;
import org.wdf4j.net.NetAdapterState;
import org.wdf4j.net.NetIpAddress;

/**
 * A network adapter as a TUN/TAP interface (the host's network door): the host opens the device through its
 * {@link IoClient}, so that it works alike for in-process and isolated drivers, asks the driver's adapter for its
 * configuration ({@code IOCTL_NET_ADAPTER_QUERY_CONFIGURATION}) and state, makes the interface ({@link TunInterface}:
 * name, MTU, MAC address, addresses, up, carrier) and tells the adapter the name the kernel gave it. Then two threads
 * pump:
 * <ul>
 *   <li><b>to the driver</b>: waits in {@code poll} on the interface and an eventfd that stops it; each packet the
 *       kernel sends becomes one write request (up to {@value #WRITES_IN_FLIGHT} in flight, in order);</li>
 *   <li><b>from the driver</b>: keeps {@value #READS_POSTED} read requests posted, whose packets it writes to the
 *       interface, and one {@code IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE}, whose answer it applies (carrier, MTU, MAC
 *       address).</li>
 * </ul>
 *
 * <p>{@link #close} (the interface disabled, the device removed, its driver stopped, the host closing) closes the
 * handle (cancelling the posted requests) and stops the pumps; the last to end closes the interface's descriptors, and
 * the kernel removes the interface. A host that dies removes it by dying.
 */
public final class TunNetAdapter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TunNetAdapter.class);

    static final int READS_POSTED = 16;
    static final int WRITES_IN_FLIGHT = 64;
    /** Big enough for any packet a TUN/TAP interface sends (MTU 65535 and a link header). */
    private static final int PACKET_BUFFER = 65536 + 64;
    private static final int CONFIGURATION_SIZE = 4096;

    /** What the from-driver pump is told: a read's or a state wait's result, or to stop. */
    private sealed interface Event {
    }

    private record ReadDone(IoResult result) implements Event {
    }

    private record StateDone(IoResult result) implements Event {
    }

    private record Stop() implements Event {
    }

    private final String devicePath;
    private final IoClient client;
    private final Consumer<String> failed;
    private final Consumer<TunNetAdapter> ready;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** The pumps still running; the one that brings it to 0 closes the interface. */
    private final AtomicInteger pumps = new AtomicInteger(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final StopEvent stop;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Semaphore writeWindow = new Semaphore(WRITES_IN_FLIGHT);
    /** Set once by the to-driver pump before the from-driver pump starts; read by {@link #close}. */
    private volatile DeviceHandle handle;
    private volatile TunInterface tun;
    private volatile NetAdapterConfig config;
    /** What the interface shows of the driver's state; confined to the from-driver pump after setup. */
    private NetAdapterState applied;

    private TunNetAdapter(String devicePath, IoClient client, StopEvent stop, Consumer<String> failed,
            Consumer<TunNetAdapter> ready) {
        this.devicePath = devicePath;
        this.client = client;
        this.stop = stop;
        this.failed = failed;
        this.ready = ready;
    }

    /**
     * Starts making the interface of the device at {@code devicePath}; returns at once (the pumps open the device).
     *
     * @param failed told, on a pump thread, why no interface could be made for it (the adapter is then closed)
     * @param ready told, on a pump thread, once the interface exists and is up
     */
    public static TunNetAdapter open(String devicePath, IoClient client, Consumer<String> failed,
            Consumer<TunNetAdapter> ready) throws ErrnoException {
        TunNetAdapter adapter = new TunNetAdapter(devicePath, client, new StopEvent(), failed, ready);
        Thread.ofPlatform().daemon().name("wdf4j-net " + devicePath + " to driver").start(adapter::toDriver);
        return adapter;
    }

    /** The interface's name, once made; else null. */
    public String interfaceName() {
        TunInterface t = tun;
        return t == null ? null : t.name();
    }

    /** The driver's configuration, once asked; else null. */
    public NetAdapterConfig config() {
        return config;
    }

    public String devicePath() {
        return devicePath;
    }

    /** Stops the pumps and closes the handle; the interface goes when the pumps have ended. Idempotent. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        stop.signal(this);
        events.add(new Stop());
        DeviceHandle h = handle;
        if (h != null) {
            h.close(); // cancels the posted reads and the state wait
        }
    }

    /** Waits until the interface is removed, up to {@code timeout}; true if it is. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    // ---- to the driver: setup, then packets from the kernel ----

    private void toDriver() {
        try {
            if (!setUp()) {
                return;
            }
            pumps.incrementAndGet();
            Thread.ofPlatform().daemon().name("wdf4j-net " + tun.name() + " from driver").start(this::fromDriver);
            MemorySegment buffer = Arena.ofAuto().allocate(PACKET_BUFFER);
            while (waitReadable()) {
                int n;
                while ((n = tun.read(buffer)) > 0) {
                    if (!transmit(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE))) {
                        return;
                    }
                }
            }
        } catch (ErrnoException | RuntimeException e) {
            if (!closing.get()) {
                LOG.warn("{} stopped passing packets to its driver", this, e);
            }
        } finally {
            pumpEnded();
        }
    }

    /** Opens the device, asks for its configuration and state, makes the interface; false after telling failed. */
    private boolean setUp() {
        var opened = client.open(devicePath);
        if (!opened.isSuccess()) {
            return fail("the host could not open " + devicePath + ": " + opened.status());
        }
        handle = opened.value();
        if (closing.get()) {
            handle.close();
            return false;
        }
        IoResult answer = handle.deviceIoControl(NetAdapterIoctl.IOCTL_NET_ADAPTER_QUERY_CONFIGURATION, new byte[0],
                CONFIGURATION_SIZE);
        if (!answer.isSuccess()) {
            return fail("its driver answered IOCTL_NET_ADAPTER_QUERY_CONFIGURATION with " + answer.status());
        }
        try {
            config = NetAdapterConfig.fromBytes(answer.data());
        } catch (IllegalArgumentException e) {
            return fail("its driver's configuration is not valid: " + e.getMessage());
        }
        IoResult state = handle.deviceIoControl(NetAdapterIoctl.IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE, new byte[0],
                NetAdapterState.SIZE);
        try {
            applied = NetAdapterState.fromBytes(state.orThrow("IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE").data());
        } catch (RuntimeException e) {
            return fail("its driver did not tell its state: " + e.getMessage());
        }
        try {
            tun = TunInterface.create(config);
        } catch (IOException e) {
            return fail(e.getMessage());
        }
        try {
            tun.setMtu(applied.mtu());
            if (applied.macAddress() != null) {
                tun.setMacAddress(applied.macAddress());
            }
            int n = 0;
            for (NetIpAddress address : config.addresses()) {
                tun.addAddress(address, n++);
            }
            tun.up();
            tun.setCarrier(applied.linkState() == MediaConnectState.CONNECTED);
        } catch (IOException e) {
            return fail(e.getMessage());
        }
        if (closing.get()) {
            return false;
        }
        handle.deviceIoControl(NetAdapterIoctl.IOCTL_NET_ADAPTER_SET_INTERFACE_NAME,
                tun.name().getBytes(StandardCharsets.UTF_8), 0);
        LOG.info("network adapter {} is {} {} for {}: MTU {}, link {}{}{}", tun.name(), config.type(),
                config.networkNamespace() == null ? "" : "in network namespace " + config.networkNamespace(),
                devicePath, applied.mtu(), applied.linkState(),
                applied.macAddress() == null ? "" : ", MAC " + applied.macAddress(),
                config.addresses().isEmpty() ? "" : ", addresses " + config.addresses());
        ready.accept(this);
        return true;
    }

    private boolean fail(String why) {
        if (closing.compareAndSet(false, true)) {
            LOG.error("no network interface for {}: {}", devicePath, why);
            failed.accept(why);
        }
        return false;
    }

    /** Sends one packet to the driver as a write; false when the adapter is stopping. */
    private boolean transmit(byte[] packet) {
        try {
            while (!writeWindow.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (closing.get()) {
                    return false;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        handle.writeAsync(packet).result().whenComplete((r, t) -> writeWindow.release());
        return !closing.get();
    }

    /** Waits until the interface has a packet; false when the adapter is stopping. */
    private boolean waitReadable() throws ErrnoException {
        return stop.waitFor(tun.fd(), LibC.POLL_IN, -1) && !closing.get();
    }

    // ---- from the driver: received packets and state changes ----

    private void fromDriver() {
        try {
            for (int i = 0; i < READS_POSTED; i++) {
                postRead();
            }
            postStateWait();
            MemorySegment out = Arena.ofAuto().allocate(PACKET_BUFFER);
            while (true) {
                Event event = events.take();
                if (closing.get() || event instanceof Stop) {
                    return;
                }
                if (event instanceof ReadDone(IoResult r)) {
                    if (!received(r, out)) {
                        return;
                    }
                } else if (event instanceof StateDone(IoResult r)) {
                    if (!stateChanged(r)) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!closing.get()) {
                LOG.warn("{} stopped passing packets from its driver", this, e);
            }
        } finally {
            pumpEnded();
        }
    }

    private void postRead() {
        int size = applied.mtu() + config.type().linkHeaderSize();
        handle.readAsync(size).result().thenAccept(r -> events.add(new ReadDone(r)));
    }

    private void postStateWait() {
        handle.deviceIoControlAsync(NetAdapterIoctl.IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE, applied.toBytes(),
                NetAdapterState.SIZE).result().thenAccept(r -> events.add(new StateDone(r)));
    }

    /** A packet the driver indicated goes to the kernel; false when the device is gone. */
    private boolean received(IoResult result, MemorySegment out) {
        if (!result.isSuccess()) {
            if (result.isDeviceGone()) {
                return false;
            }
            LOG.debug("{}: the driver failed a read with {}", this, result.status());
        } else if (result.data().length > 0) {
            byte[] packet = result.data();
            MemorySegment.copy(packet, 0, out, ValueLayout.JAVA_BYTE, 0, packet.length);
            try {
                tun.write(out, packet.length);
            } catch (ErrnoException e) {
                LOG.debug("{}: the kernel refused a packet of {} bytes: {}", this, packet.length, e.getMessage());
            }
        }
        postRead();
        return true;
    }

    /** Applies the driver's new state to the interface; false when the device is gone. */
    private boolean stateChanged(IoResult result) {
        if (!result.isSuccess()) {
            if (result.isDeviceGone() || result.status().equals(NtStatus.STATUS_CANCELLED)) {
                return false;
            }
            LOG.warn("{}: the driver failed IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE with {}; its state is no longer"
                    + " followed", this, result.status());
            return true;
        }
        NetAdapterState next;
        try {
            next = NetAdapterState.fromBytes(result.data());
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: the driver's state is not valid ({}); its state is no longer followed", this,
                    e.getMessage());
            return true;
        }
        try {
            if (next.mtu() != applied.mtu()) {
                tun.setMtu(next.mtu());
            }
            if (next.macAddress() != null && !next.macAddress().equals(applied.macAddress())) {
                tun.setMacAddress(next.macAddress());
            }
            if (next.linkState() != applied.linkState()) {
                tun.setCarrier(next.linkState() == MediaConnectState.CONNECTED);
            }
            LOG.debug("{}: link {}, MTU {}", this, next.linkState(), next.mtu());
        } catch (IOException e) {
            LOG.warn("{}: {}", this, e.getMessage());
        }
        applied = next;
        postStateWait();
        return true;
    }

    /** The last pump to end closes the handle and the interface (the kernel removes it) and the eventfd. */
    private void pumpEnded() {
        if (pumps.decrementAndGet() != 0) {
            close(); // the other pump goes too: an adapter with one direction dead is no adapter
            return;
        }
        closing.set(true);
        DeviceHandle h = handle;
        if (h != null) {
            h.close();
        }
        TunInterface t = tun;
        if (t != null) {
            t.close();
        }
        stop.close();
        closed.countDown();
        LOG.debug("{} closed", this);
    }

    @Override
    public String toString() {
        String name = interfaceName();
        return "network adapter " + (name != null ? name : "(not made yet)") + " of " + devicePath;
    }
}
