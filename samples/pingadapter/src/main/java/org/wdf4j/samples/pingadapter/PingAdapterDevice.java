package org.wdf4j.samples.pingadapter;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.net.MacAddress;
import org.wdf4j.net.MediaConnectState;
import org.wdf4j.net.NetAdapter;
import org.wdf4j.net.NetAdapterConfig;
import org.wdf4j.net.NetIpAddress;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.registry.WdfKey;
import org.wdf4j.registry.WdfKeyAccess;

/**
 * The adapter's device: its configuration from the driver's Parameters, the adapter, and a sequential transmit queue
 * whose every packet goes to the virtual peer ({@link PingPeer}); the peer's answers are indicated back.
 */
final class PingAdapterDevice {

    /** Guarded by nothing: set once in EvtDriverDeviceAdd, before any request. */
    static final class DeviceContext {
        NetAdapter adapter;
        PingPeer peer;
    }

    static final ContextType<DeviceContext> DEVICE_CONTEXT = ContextType.declare(DeviceContext.class, DeviceContext::new);

    private PingAdapterDevice() {
    }

    static NtStatus create(WdfDriver driver, WdfDeviceInit deviceInit, boolean tun) {
        NetAdapterConfig config;
        Inet4Address peerAddress;
        try (WdfKey key = openParameters(driver)) {
            config = configuration(key, tun);
            peerAddress = NetIpAddress.parse(string(key, "PeerAddress", tun ? "10.214.0.2" : "10.213.0.2"))
                    .address();
        } catch (IllegalArgumentException e) {
            DbgPrint.print("PingAdapter: bad configuration: %s", e.getMessage());
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        NtResult<WdfDevice> created = WdfDevice.create(deviceInit, WdfObjectAttributes.of(DEVICE_CONTEXT));
        if (!created.isSuccess()) {
            DbgPrint.print("PingAdapter: WdfDeviceCreate failed %s", created.status());
            return created.status();
        }
        WdfDevice device = created.value();
        NtResult<WdfQueue> transmit = WdfQueue.create(device,
                WdfIoQueueConfig.init(WdfIoQueueDispatchType.SEQUENTIAL).withIoWrite(PingAdapterDevice::evtIoWrite),
                WdfObjectAttributes.NONE);
        if (!transmit.isSuccess()) {
            return transmit.status();
        }
        NtResult<NetAdapter> adapter = NetAdapter.create(device, config, transmit.value());
        if (!adapter.isSuccess()) {
            DbgPrint.print("PingAdapter: NetAdapterCreate failed %s", adapter.status());
            return adapter.status();
        }
        DeviceContext context = DEVICE_CONTEXT.get(device);
        context.adapter = adapter.value();
        context.peer = new PingPeer(tun, peerAddress);
        adapter.value().setLinkState(MediaConnectState.CONNECTED);
        DbgPrint.print("PingAdapter: %s adapter %s, peer %s", config.type(), config.interfaceName(),
                peerAddress.getHostAddress());
        return adapter.value().start();
    }

    /** The adapter's configuration from the Parameters; IllegalArgumentException names a bad value. */
    private static NetAdapterConfig configuration(WdfKey key, boolean tun) {
        NetAdapterConfig config = (tun ? NetAdapterConfig.tun(string(key, "InterfaceName", "wdftun%d"))
                : NetAdapterConfig.tap(string(key, "InterfaceName", "wdfping%d")))
                .withAddress(string(key, "Address", tun ? "10.214.0.1/24" : "10.213.0.1/24"));
        String mac = string(key, "MacAddress", null);
        if (mac != null) {
            config = config.withMacAddress(MacAddress.parse(mac));
        }
        NtResult<Long> mtu = key == null ? NtResult.failure(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND)
                : key.queryULong("Mtu");
        if (mtu.isSuccess()) {
            config = config.withMtu(mtu.value().intValue());
        }
        String ns = string(key, "NetworkNamespace", null);
        return ns == null ? config : config.withNetworkNamespace(ns);
    }

    static WdfKey openParameters(WdfDriver driver) {
        NtResult<WdfKey> key = driver.openParametersRegistryKey(WdfKeyAccess.KEY_READ, WdfObjectAttributes.NONE);
        return key.isSuccess() ? key.value() : null;
    }

    static String string(WdfKey key, String name, String otherwise) {
        if (key == null) {
            return otherwise;
        }
        NtResult<String> value = key.queryString(name);
        return value.isSuccess() ? value.value() : otherwise;
    }

    /** A packet the kernel sent: the peer answers it (or not), and the answer is indicated. */
    static void evtIoWrite(WdfQueue queue, WdfRequest request, long length) {
        DeviceContext context = DEVICE_CONTEXT.get(queue.device());
        NtResult<ByteBuffer> input = request.retrieveInputBuffer(length);
        if (!input.isSuccess()) {
            context.adapter.countTransmitError();
            request.complete(input.status());
            return;
        }
        byte[] packet = new byte[(int) length];
        input.value().get(0, packet);
        byte[] answer = context.peer.answer(packet);
        if (answer != null) {
            context.adapter.indicate(answer);
        }
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
    }
}
