package org.wdf4j.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a network adapter is, declared by its driver when it creates the adapter ({@link NetAdapter#create}): the
 * {@code NET_ADAPTER_LINK_LAYER_CAPABILITIES}, MTU ({@code NetAdapterSetLinkLayerMtuSize}) and current address
 * ({@code NetAdapterSetCurrentLinkLayerAddress}) of NetAdapterCx, with what Linux needs besides: the interface's name,
 * TUN or TAP, its IPv4 addresses, and the network namespace to make it in. Immutable; build it with
 * {@link #tun}/{@link #tap} and the {@code with...} methods. Every value is checked when it is set, and a bad one
 * throws an {@link IllegalArgumentException} that names it and says what is allowed.
 *
 * @param interfaceName the Linux interface name: 1 to 15 bytes, no {@code /}, {@code :} or white space; one
 *     {@code %d} lets the kernel number it ({@code wdf%d}: {@code wdf0}, {@code wdf1}, ...)
 * @param type TUN (IP packets) or TAP (Ethernet frames)
 * @param mtu the largest packet without its link-layer header, 68 to 65535 (1500 unless set)
 * @param macAddress for TAP, the adapter's MAC address, or null to let the kernel pick a random one; null for TUN
 * @param addresses the IPv4 addresses the host assigns (none: the interface comes up without one)
 * @param networkNamespace the name of the network namespace ({@code ip netns}) to make the interface in, or null for
 *     the host's own
 */
public record NetAdapterConfig(String interfaceName, NetAdapterType type, int mtu, MacAddress macAddress,
        List<NetIpAddress> addresses, String networkNamespace) {

    /** Linux's {@code IFNAMSIZ} less the terminating zero. */
    public static final int MAX_INTERFACE_NAME_BYTES = 15;
    /** The smallest MTU the kernel takes for IPv4 ({@code ETH_MIN_MTU}). */
    public static final int MIN_MTU = 68;
    /** The largest MTU of a TUN/TAP interface. */
    public static final int MAX_MTU = 65535;
    /** The MTU unless set. */
    public static final int DEFAULT_MTU = 1500;

    /** @throws IllegalArgumentException naming the value that is not allowed and why */
    public NetAdapterConfig {
        checkInterfaceName(interfaceName);
        if (type == null) {
            throw new IllegalArgumentException("network adapter " + interfaceName + ": the type (TUN or TAP) is missing");
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("network adapter " + interfaceName + ": MTU " + mtu + " is not "
                    + MIN_MTU + " to " + MAX_MTU);
        }
        if (macAddress != null && type == NetAdapterType.TUN) {
            throw new IllegalArgumentException("network adapter " + interfaceName + " is TUN (IP packets), which has"
                    + " no MAC address; make it TAP or leave the MAC address out");
        }
        addresses = List.copyOf(addresses == null ? List.of() : addresses);
        if (networkNamespace != null) {
            checkNamespace(interfaceName, networkNamespace);
        }
    }

    /** A TUN adapter (IP packets) named {@code interfaceName}, MTU 1500, no addresses. */
    public static NetAdapterConfig tun(String interfaceName) {
        return new NetAdapterConfig(interfaceName, NetAdapterType.TUN, DEFAULT_MTU, null, List.of(), null);
    }

    /** A TAP adapter (Ethernet frames) named {@code interfaceName}, MTU 1500, a MAC address the kernel picks. */
    public static NetAdapterConfig tap(String interfaceName) {
        return new NetAdapterConfig(interfaceName, NetAdapterType.TAP, DEFAULT_MTU, null, List.of(), null);
    }

    public NetAdapterConfig withMtu(int newMtu) {
        return new NetAdapterConfig(interfaceName, type, newMtu, macAddress, addresses, networkNamespace);
    }

    public NetAdapterConfig withMacAddress(MacAddress address) {
        return new NetAdapterConfig(interfaceName, type, mtu, address, addresses, networkNamespace);
    }

    /** Adds an address ({@link NetIpAddress#parse}: {@code 10.0.0.1/24}). */
    public NetAdapterConfig withAddress(String address) {
        List<NetIpAddress> more = new ArrayList<>(addresses);
        more.add(NetIpAddress.parse(address));
        return new NetAdapterConfig(interfaceName, type, mtu, macAddress, more, networkNamespace);
    }

    public NetAdapterConfig withNetworkNamespace(String name) {
        return new NetAdapterConfig(interfaceName, type, mtu, macAddress, addresses, name);
    }

    /** Whether the name has {@code %d}, for the kernel to number. */
    public boolean isNamePattern() {
        return interfaceName.contains("%d");
    }

    private static void checkInterfaceName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a network adapter needs an interface name, e.g. wdf0 or wdf%d");
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_INTERFACE_NAME_BYTES) {
            throw new IllegalArgumentException("interface name '" + name + "' is " + bytes + " bytes long; Linux"
                    + " allows at most " + MAX_INTERFACE_NAME_BYTES + " (IFNAMSIZ 16 with its terminating zero)");
        }
        if (name.equals(".") || name.equals("..") || name.chars().anyMatch(c -> c == '/' || c == ':'
                || Character.isWhitespace(c) || c < 0x20)) {
            throw new IllegalArgumentException("interface name '" + name + "' is not allowed: Linux refuses '.',"
                    + " '..', and names with '/', ':' or white space");
        }
        int percent = name.indexOf('%');
        if (percent >= 0 && (!name.startsWith("%d", percent) || name.indexOf('%', percent + 1) >= 0)) {
            throw new IllegalArgumentException("interface name '" + name + "': a '%' is allowed only once, as %d"
                    + " (the number the kernel picks)");
        }
    }

    private static void checkNamespace(String interfaceName, String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("network adapter " + interfaceName + ": network namespace '" + name
                    + "' is not a name ip netns can make (no '/', not '.' or '..')");
        }
    }

    // ---- the bytes of IOCTL_NET_ADAPTER_QUERY_CONFIGURATION (little-endian) ----

    /**
     * The configuration as the output of {@link NetAdapterIoctl#IOCTL_NET_ADAPTER_QUERY_CONFIGURATION}: ULONG type
     * (0 TUN, 1 TAP), ULONG MTU, UCHAR has-MAC, 6 octets, UCHAR pad, the name and the namespace as a USHORT length and
     * UTF-8 bytes (length 0: no namespace), ULONG address count, then per address 4 octets and a ULONG prefix length.
     */
    public byte[] toBytes() {
        byte[] name = interfaceName.getBytes(StandardCharsets.UTF_8);
        byte[] ns = networkNamespace == null ? new byte[0] : networkNamespace.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 8 + 2 + name.length + 2 + ns.length + 4 + 8 * addresses.size())
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type.ordinal()).putInt(mtu);
        b.put((byte) (macAddress == null ? 0 : 1)).put(macAddress == null ? new byte[MacAddress.LENGTH]
                : macAddress.bytes()).put((byte) 0);
        b.putShort((short) name.length).put(name);
        b.putShort((short) ns.length).put(ns);
        b.putInt(addresses.size());
        for (NetIpAddress a : addresses) {
            b.put(a.address().getAddress()).putInt(a.prefixLength());
        }
        return b.array();
    }

    /**
     * Decodes {@link #toBytes}.
     *
     * @throws IllegalArgumentException when the bytes are cut short or a value is not allowed (the message names it)
     */
    public static NetAdapterConfig fromBytes(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int typeCode = b.getInt();
            if (typeCode < 0 || typeCode >= NetAdapterType.values().length) {
                throw new IllegalArgumentException("network adapter type " + typeCode + " is neither 0 (TUN) nor 1"
                        + " (TAP)");
            }
            int mtu = b.getInt();
            boolean hasMac = b.get() != 0;
            byte[] mac = new byte[MacAddress.LENGTH];
            b.get(mac).get();
            String name = string(b);
            String ns = string(b);
            int count = b.getInt();
            if (count < 0 || count > 256) {
                throw new IllegalArgumentException("a network adapter with " + count + " addresses");
            }
            List<NetIpAddress> addresses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] octets = new byte[4];
                b.get(octets);
                int prefix = b.getInt();
                addresses.add(NetIpAddress.parse((octets[0] & 0xFF) + "." + (octets[1] & 0xFF) + "."
                        + (octets[2] & 0xFF) + "." + (octets[3] & 0xFF) + "/" + prefix));
            }
            return new NetAdapterConfig(name, NetAdapterType.values()[typeCode], mtu,
                    hasMac ? MacAddress.of(mac) : null, addresses, ns.isEmpty() ? null : ns);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("a network adapter's configuration of " + bytes.length
                    + " bytes is cut short");
        }
    }

    private static String string(ByteBuffer b) {
        byte[] s = new byte[Short.toUnsignedInt(b.getShort())];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
