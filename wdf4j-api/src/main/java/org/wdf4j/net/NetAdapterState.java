package org.wdf4j.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What of an adapter the driver may change while it runs, as the host follows it with
 * {@link NetAdapterIoctl#IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE}: the link state ({@code NetAdapterSetLinkState}), the
 * MTU ({@code NetAdapterSetLinkLayerMtuSize}) and, for TAP, the current MAC address
 * ({@code NetAdapterSetCurrentLinkLayerAddress}).
 *
 * @param linkState connected or not
 * @param mtu the MTU
 * @param macAddress the current MAC address; null for TUN, or for TAP while the kernel's own stays
 */
public record NetAdapterState(MediaConnectState linkState, int mtu, MacAddress macAddress) {

    /** The bytes of the buffer: ULONG link state (0 disconnected, 1 connected), ULONG MTU, UCHAR has-MAC, 6 octets, pad. */
    public static final int SIZE = 16;

    public NetAdapterState {
        if (linkState == null) {
            throw new IllegalArgumentException("a network adapter's state needs a link state");
        }
        if (mtu < NetAdapterConfig.MIN_MTU || mtu > NetAdapterConfig.MAX_MTU) {
            throw new IllegalArgumentException("MTU " + mtu + " is not " + NetAdapterConfig.MIN_MTU + " to "
                    + NetAdapterConfig.MAX_MTU);
        }
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(linkState.ordinal()).putInt(mtu).put((byte) (macAddress == null ? 0 : 1))
                .put(macAddress == null ? new byte[MacAddress.LENGTH] : macAddress.bytes());
        return b.array();
    }

    /** @throws IllegalArgumentException when there are fewer than {@link #SIZE} bytes or a value is not allowed */
    public static NetAdapterState fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < SIZE) {
            throw new IllegalArgumentException("a network adapter's state needs " + SIZE + " bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int link = b.getInt();
        int mtu = b.getInt();
        boolean hasMac = b.get() != 0;
        byte[] mac = new byte[MacAddress.LENGTH];
        b.get(mac);
        return new NetAdapterState(link == 1 ? MediaConnectState.CONNECTED : MediaConnectState.DISCONNECTED, mtu,
                hasMac ? MacAddress.of(mac) : null);
    }
}
