package org.wdf4j.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A network adapter: NetAdapterCx's {@code NETADAPTER}, reduced to WDF queues. A driver creates one for its device
 * in {@code EvtDriverDeviceAdd} ({@link #create}, {@code NetAdapterCreate}) with its {@link NetAdapterConfig} and its
 * <b>transmit queue</b>, sets its link state, and {@link #start}s it ({@code NetAdapterStart}); the host then makes
 * the Linux interface.
 * <ul>
 *   <li><b>Transmit</b>: every packet the kernel sends through the interface (an IP packet for TUN, an Ethernet frame
 *       for TAP) reaches the driver's transmit queue as a <b>write request</b> carrying that one packet (its input
 *       buffer). The driver completes it when it has sent the packet (any status: the kernel has let the packet go
 *       either way; {@link #countTransmitError}/{@link #countTransmitDrop} count what went wrong). The queue is the
 *       driver's: any dispatch type, its own synchronization.</li>
 *   <li><b>Receive</b>: the driver gives a packet to the kernel with {@link #indicate} (NDIS's
 *       {@code NdisMIndicateReceiveNetBufferLists}), from any thread, its transmit callback included. Underneath it is
 *       the inverted call of WDF drivers: the host keeps read requests posted, which wait in the adapter's manual
 *       queue, and an indicated packet completes the oldest; when none waits, up to {@value #RECEIVE_BACKLOG}
 *       packets wait for the next reads, and more are dropped (counted in {@code receiveDrops}).</li>
 *   <li><b>State</b>: {@link #setLinkState} ({@code NetAdapterSetLinkState}), {@link #setMtu}
 *       ({@code NetAdapterSetLinkLayerMtuSize}) and {@link #setCurrentMacAddress}
 *       ({@code NetAdapterSetCurrentLinkLayerAddress}) reach the interface at once: the host waits for them with
 *       {@link NetAdapterIoctl#IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE}.</li>
 *   <li><b>Statistics</b>: the adapter counts the packets and bytes it handed to the driver and the driver indicated,
 *       and the errors and drops it and the driver saw ({@link #statistics}).</li>
 * </ul>
 *
 * <p>The adapter owns the device's reads, writes and control codes ({@code WdfDeviceConfigureRequestDispatching} to a
 * parallel queue of its own): control codes other than {@link NetAdapterIoctl}'s go on to the driver's default queue,
 * if it has one. Its device interface is of class {@link #GUID_DEVINTERFACE_NET}. Thread-safe.
 */
public final class NetAdapter {

    /** {@code GUID_DEVINTERFACE_NET}: the interface class of network adapters, which makes the host give a TUN/TAP. */
    public static final UUID GUID_DEVINTERFACE_NET = UUID.fromString("cac88484-7515-4c03-82e6-71a87abac361");

    /** Packets indicated while no read waits that are kept for the next reads. */
    public static final int RECEIVE_BACKLOG = 256;

    /** The adapter of the adapter's own queue, so that its callbacks find it. */
    private static final class Holder {
        volatile NetAdapter adapter;
    }

    private static final ContextType<Holder> ADAPTER = ContextType.declare("NetAdapter", Holder.class, Holder::new);

    private final WdfDevice device;
    private final NetAdapterConfig config;
    private final WdfQueue transmitQueue;
    private final WdfQueue receiveWaits;
    private final WdfQueue stateWaits;
    private final WdfQueue own;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    private NetAdapterState state;
    /** Packets indicated while no read waited; guarded by {@link #lock}. */
    private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();
    /** What the host said the kernel named the interface; null until it has. */
    private volatile String interfaceName;
    private final AtomicLong transmittedPackets = new AtomicLong();
    private final AtomicLong transmittedBytes = new AtomicLong();
    private final AtomicLong receivedPackets = new AtomicLong();
    private final AtomicLong receivedBytes = new AtomicLong();
    private final AtomicLong transmitErrors = new AtomicLong();
    private final AtomicLong receiveErrors = new AtomicLong();
    private final AtomicLong transmitDrops = new AtomicLong();
    private final AtomicLong receiveDrops = new AtomicLong();

    private NetAdapter(WdfDevice device, NetAdapterConfig config, WdfQueue transmitQueue, WdfQueue own,
            WdfQueue receiveWaits, WdfQueue stateWaits) {
        this.device = device;
        this.config = config;
        this.transmitQueue = transmitQueue;
        this.own = own;
        this.receiveWaits = receiveWaits;
        this.stateWaits = stateWaits;
        this.state = new NetAdapterState(MediaConnectState.DISCONNECTED, config.mtu(), config.macAddress());
    }

    /**
     * {@code NetAdapterCreate}: the adapter of {@code device}, disconnected until {@link #setLinkState}. Call it from
     * {@code EvtDriverDeviceAdd}, after {@code WdfDeviceCreate}; then {@link #start}.
     *
     * @param transmitQueue the driver's queue for packets to transmit (write requests), a queue of {@code device}
     * @return the adapter; STATUS_INVALID_PARAMETER when an argument is missing or the queue is another device's; a
     *     failure of the queues it creates, or of configuring the device's dispatching (a driver that already sent
     *     reads, writes or control codes to a queue of its own)
     */
    public static NtResult<NetAdapter> create(WdfDevice device, NetAdapterConfig config, WdfQueue transmitQueue) {
        if (device == null || config == null || transmitQueue == null || transmitQueue.device() != device) {
            return NtResult.failure(NtStatus.STATUS_INVALID_PARAMETER);
        }
        NtResult<WdfQueue> own = WdfQueue.create(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead(NetAdapter::evtIoRead)
                .withIoWrite(NetAdapter::evtIoWrite)
                .withIoDeviceControl(NetAdapter::evtIoDeviceControl), WdfObjectAttributes.of(ADAPTER));
        if (!own.isSuccess()) {
            return NtResult.failure(own.status());
        }
        NtResult<WdfQueue> reads = WdfQueue.create(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL),
                WdfObjectAttributes.NONE);
        if (!reads.isSuccess()) {
            return NtResult.failure(reads.status());
        }
        NtResult<WdfQueue> waits = WdfQueue.create(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL),
                WdfObjectAttributes.NONE);
        if (!waits.isSuccess()) {
            return NtResult.failure(waits.status());
        }
        for (WdfRequestType type : List.of(WdfRequestType.READ, WdfRequestType.WRITE, WdfRequestType.DEVICE_CONTROL)) {
            NtStatus status = device.configureRequestDispatching(own.value(), type);
            if (!status.isSuccess()) {
                return NtResult.failure(status);
            }
        }
        NetAdapter adapter = new NetAdapter(device, config, transmitQueue, own.value(), reads.value(), waits.value());
        ADAPTER.get(own.value()).adapter = adapter;
        return NtResult.success(adapter);
    }

    /**
     * {@code NetAdapterStart}: registers the adapter's interface ({@link #GUID_DEVINTERFACE_NET}), so that the host
     * makes the Linux interface when the device starts (and removes it when the device stops or goes).
     */
    public NtStatus start() {
        return device.createDeviceInterface(GUID_DEVINTERFACE_NET, null);
    }

    /** Whether {@code guid} is {@link #GUID_DEVINTERFACE_NET}. */
    public static boolean isNetInterface(UUID guid) {
        return GUID_DEVINTERFACE_NET.equals(guid);
    }

    public WdfDevice device() {
        return device;
    }

    /** The configuration it was created with. */
    public NetAdapterConfig config() {
        return config;
    }

    /** The driver's transmit queue. */
    public WdfQueue transmitQueue() {
        return transmitQueue;
    }

    /** The name the kernel gave the interface (a {@code %d} filled in), once the host has made it; else null. */
    public String interfaceName() {
        return interfaceName;
    }

    /** The link state, MTU and current MAC address now. */
    public NetAdapterState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** {@code NetAdapterSetLinkState}: the interface's carrier follows. */
    public void setLinkState(MediaConnectState linkState) {
        changeState(new NetAdapterState(linkState, state().mtu(), state().macAddress()));
    }

    /**
     * {@code NetAdapterSetLinkLayerMtuSize}: the interface's MTU follows.
     *
     * @throws IllegalArgumentException when it is not 68 to 65535
     */
    public void setMtu(int mtu) {
        changeState(new NetAdapterState(state().linkState(), mtu, state().macAddress()));
    }

    /**
     * {@code NetAdapterSetCurrentLinkLayerAddress}: the interface's MAC address follows.
     *
     * @throws IllegalArgumentException for a TUN adapter, which has none
     */
    public void setCurrentMacAddress(MacAddress address) {
        if (config.type() == NetAdapterType.TUN) {
            throw new IllegalArgumentException("network adapter " + config.interfaceName() + " is TUN, which has no"
                    + " MAC address");
        }
        changeState(new NetAdapterState(state().linkState(), state().mtu(), address));
    }

    private void changeState(NetAdapterState next) {
        List<WdfRequest> waiting = new ArrayList<>();
        synchronized (lock) {
            if (next.equals(state)) {
                return;
            }
            state = next;
            for (NtResult<WdfRequest> r = stateWaits.retrieveNextRequest(); r.isSuccess();
                    r = stateWaits.retrieveNextRequest()) {
                waiting.add(r.value());
            }
        }
        byte[] answer = next.toBytes();
        waiting.forEach(w -> w.complete(toOutput(w, answer)));
    }

    /**
     * Gives a received packet to the kernel (an IP packet for TUN, an Ethernet frame with its header for TAP).
     *
     * @return false when it was dropped: longer than the MTU and link header, or empty ({@code receiveErrors}), or
     *     no read waited and the backlog was full ({@code receiveDrops})
     */
    public boolean indicate(byte[] packet) {
        return indicate(packet, 0, packet.length);
    }

    /** {@link #indicate(byte[])} of {@code length} bytes of {@code packet} from {@code offset}. */
    public boolean indicate(byte[] packet, int offset, int length) {
        if (length <= 0 || length > state().mtu() + config.type().linkHeaderSize()) {
            receiveErrors.incrementAndGet();
            return false;
        }
        byte[] copy = java.util.Arrays.copyOfRange(packet, offset, offset + length);
        WdfRequest read;
        synchronized (lock) {
            NtResult<WdfRequest> waiting = receiveWaits.retrieveNextRequest();
            if (!waiting.isSuccess()) {
                if (backlog.size() >= RECEIVE_BACKLOG) {
                    receiveDrops.incrementAndGet();
                    return false;
                }
                backlog.add(copy);
                return true;
            }
            read = waiting.value();
        }
        completeRead(read, copy);
        return true;
    }

    /** Counts a packet the driver could not transmit. */
    public void countTransmitError() {
        transmitErrors.incrementAndGet();
    }

    /** Counts a packet the driver dropped instead of transmitting (no room, no peer). */
    public void countTransmitDrop() {
        transmitDrops.incrementAndGet();
    }

    /** Counts a packet the driver received in error and did not indicate. */
    public void countReceiveError() {
        receiveErrors.incrementAndGet();
    }

    /** The counters now. */
    public NetAdapterStatistics statistics() {
        return new NetAdapterStatistics(transmittedPackets.get(), transmittedBytes.get(), receivedPackets.get(),
                receivedBytes.get(), transmitErrors.get(), receiveErrors.get(), transmitDrops.get(),
                receiveDrops.get());
    }

    // ---- the adapter's queue ----

    private static NetAdapter of(WdfQueue queue) {
        return ADAPTER.get(queue).adapter;
    }

    /** A packet to transmit: counted, then on to the driver's transmit queue. */
    static void evtIoWrite(WdfQueue queue, WdfRequest request, long length) {
        NetAdapter adapter = of(queue);
        adapter.transmittedPackets.incrementAndGet();
        adapter.transmittedBytes.addAndGet(length);
        NtStatus status = request.forwardToIoQueue(adapter.transmitQueue);
        if (!status.isSuccess()) {
            adapter.transmitDrops.incrementAndGet();
            request.complete(status);
        }
    }

    /** A read the host posted: the oldest packet of the backlog, or it waits for {@link #indicate}. */
    static void evtIoRead(WdfQueue queue, WdfRequest request, long length) {
        NetAdapter adapter = of(queue);
        byte[] packet;
        synchronized (adapter.lock) {
            packet = adapter.backlog.poll();
            if (packet == null) {
                NtStatus status = request.forwardToIoQueue(adapter.receiveWaits);
                if (!status.isSuccess()) {
                    request.complete(status);
                }
                return;
            }
        }
        adapter.completeRead(request, packet);
    }

    private void completeRead(WdfRequest read, byte[] packet) {
        NtResult<ByteBuffer> output = read.retrieveOutputBuffer(packet.length);
        if (!output.isSuccess()) {
            receiveErrors.incrementAndGet();
            read.complete(output.status());
            return;
        }
        output.value().put(0, packet);
        receivedPackets.incrementAndGet();
        receivedBytes.addAndGet(packet.length);
        read.completeWithInformation(NtStatus.STATUS_SUCCESS, packet.length);
    }

    static void evtIoDeviceControl(WdfQueue queue, WdfRequest request, long outputBufferLength,
            long inputBufferLength, int ioControlCode) {
        NetAdapter adapter = of(queue);
        if (ioControlCode == NetAdapterIoctl.IOCTL_NET_ADAPTER_QUERY_CONFIGURATION) {
            request.complete(toOutput(request, adapter.config.toBytes()));
        } else if (ioControlCode == NetAdapterIoctl.IOCTL_NET_ADAPTER_QUERY_STATISTICS) {
            request.complete(toOutput(request, adapter.statistics().toBytes()));
        } else if (ioControlCode == NetAdapterIoctl.IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE) {
            adapter.waitStateChange(request, inputBufferLength);
        } else if (ioControlCode == NetAdapterIoctl.IOCTL_NET_ADAPTER_SET_INTERFACE_NAME) {
            NtResult<ByteBuffer> input = request.retrieveInputBuffer(1);
            if (!input.isSuccess()) {
                request.complete(input.status());
                return;
            }
            byte[] name = new byte[input.value().remaining()];
            input.value().duplicate().get(name);
            adapter.interfaceName = new String(name, StandardCharsets.UTF_8);
            request.complete(NtStatus.STATUS_SUCCESS);
        } else {
            WdfQueue driverQueue = adapter.device.defaultQueue();
            NtStatus status = driverQueue == null || driverQueue == adapter.own
                    ? NtStatus.STATUS_INVALID_DEVICE_REQUEST : request.forwardToIoQueue(driverQueue);
            if (!status.isSuccess()) {
                request.complete(status);
            }
        }
    }

    /** Answers at once when the state differs from what the caller knows; else the request waits for a change. */
    private void waitStateChange(WdfRequest request, long inputBufferLength) {
        NetAdapterState known = null;
        if (inputBufferLength >= NetAdapterState.SIZE) {
            NtResult<ByteBuffer> input = request.retrieveInputBuffer(NetAdapterState.SIZE);
            if (input.isSuccess()) {
                byte[] bytes = new byte[NetAdapterState.SIZE];
                input.value().duplicate().get(bytes);
                try {
                    known = NetAdapterState.fromBytes(bytes);
                } catch (IllegalArgumentException e) {
                    known = null; // not a state: answer with ours
                }
            }
        }
        NetAdapterState now;
        synchronized (lock) {
            now = state;
            if (now.equals(known)) {
                NtStatus status = request.forwardToIoQueue(stateWaits);
                if (!status.isSuccess()) {
                    request.complete(status);
                }
                return;
            }
        }
        request.complete(toOutput(request, now.toBytes()));
    }

    /** Copies {@code bytes} to the output buffer and sets the information; STATUS_BUFFER_TOO_SMALL when short. */
    private static NtStatus toOutput(WdfRequest request, byte[] bytes) {
        NtResult<ByteBuffer> output = request.retrieveOutputBuffer(bytes.length);
        if (!output.isSuccess()) {
            return output.status();
        }
        output.value().put(0, bytes);
        request.setInformation(bytes.length);
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public String toString() {
        return "network adapter " + (interfaceName != null ? interfaceName : config.interfaceName());
    }
}
