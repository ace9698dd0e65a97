package org.wdf4j.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 address with its prefix length, as {@code ip addr add 10.0.0.1/24} takes it: what the host assigns to the
 * interface ({@code SIOCSIFADDR}, {@code SIOCSIFNETMASK}), which also routes the prefix to it.
 *
 * @param address the interface's address
 * @param prefixLength 1 to 32
 */
public record NetIpAddress(Inet4Address address, int prefixLength) {

    /** @throws IllegalArgumentException when the address is missing or the prefix length is not 1 to 32 */
    public NetIpAddress {
        if (address == null) {
            throw new IllegalArgumentException("an interface address needs an IPv4 address");
        }
        if (prefixLength < 1 || prefixLength > 32) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " of " + address.getHostAddress()
                    + " is not 1 to 32");
        }
    }

    /**
     * Parses {@code A.B.C.D/N} (dotted IPv4, no host names; {@code /32} when there is no prefix).
     *
     * @throws IllegalArgumentException naming the text and the form expected (IPv6 is refused: not supported yet)
     */
    public static NetIpAddress parse(String text) {
        String s = text == null ? "" : text.trim();
        int slash = s.indexOf('/');
        String host = slash < 0 ? s : s.substring(0, slash);
        int prefix = 32;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("address '" + text + "': the prefix length after '/' is not a"
                        + " number; write it like 10.0.0.1/24");
            }
        }
        if (host.contains(":")) {
            throw new IllegalArgumentException("address '" + text + "' is IPv6; network adapters take IPv4"
                    + " addresses only (assign IPv6 ones with ip addr add)");
        }
        String[] parts = host.split("\\.", -1);
        byte[] octets = new byte[4];
        boolean valid = parts.length == 4;
        for (int i = 0; valid && i < 4; i++) {
            valid = parts[i].matches("\\d{1,3}") && Integer.parseInt(parts[i]) <= 255;
            octets[i] = valid ? (byte) Integer.parseInt(parts[i]) : 0;
        }
        if (!valid) {
            throw new IllegalArgumentException("address '" + text + "' is not a dotted IPv4 address with a prefix"
                    + " length, e.g. 10.0.0.1/24");
        }
        try {
            return new NetIpAddress((Inet4Address) InetAddress.getByAddress(octets), prefix);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four octets are always an IPv4 address", e);
        }
    }

    /** The netmask of the prefix ({@code /24}: {@code 255.255.255.0}) as four octets. */
    public byte[] netmask() {
        int mask = (int) (0xFFFFFFFFL << (32 - prefixLength));
        return new byte[] {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength;
    }
}
