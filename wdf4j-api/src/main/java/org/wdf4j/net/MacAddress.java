package org.wdf4j.net;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An Ethernet (IEEE 802) MAC address: NetAdapterCx's {@code NET_ADAPTER_LINK_LAYER_ADDRESS} with a length of 6. It must
 * be a unicast address (the low bit of the first octet clear) and not all zeros; {@code 02:...} (the locally
 * administered bit) is the right choice for a virtual adapter.
 */
public final class MacAddress {

    /** The length of an Ethernet address. */
    public static final int LENGTH = 6;

    private final byte[] bytes;

    private MacAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * The address of six octets.
     *
     * @throws IllegalArgumentException when it has another length, is a multicast or broadcast address, or all zeros
     */
    public static MacAddress of(byte... octets) {
        if (octets == null || octets.length != LENGTH) {
            throw new IllegalArgumentException("a MAC address has 6 octets, not "
                    + (octets == null ? "none" : octets.length));
        }
        byte[] copy = octets.clone();
        String text = format(copy);
        if ((copy[0] & 1) != 0) {
            throw new IllegalArgumentException("MAC address " + text + " is a multicast address (the low bit of its"
                    + " first octet is set); an adapter needs a unicast one, e.g. 02:00:00:00:00:01");
        }
        if (Arrays.equals(copy, new byte[LENGTH])) {
            throw new IllegalArgumentException("MAC address " + text + " is all zeros; give a unicast one, e.g."
                    + " 02:00:00:00:00:01");
        }
        return new MacAddress(copy);
    }

    /**
     * Parses six two-digit hex octets separated by colons or dashes ({@code 02:00:5e:10:00:01}).
     *
     * @throws IllegalArgumentException naming the text and the form expected
     */
    public static MacAddress parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("[:-]", -1);
        if (parts.length != LENGTH) {
            throw new IllegalArgumentException("MAC address '" + text + "' is not six hex octets separated by colons,"
                    + " e.g. 02:00:00:00:00:01");
        }
        byte[] octets = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            if (parts[i].length() != 2 || !parts[i].chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("MAC address '" + text + "': octet " + (i + 1) + " ('" + parts[i]
                        + "') is not two hex digits; write it like 02:00:00:00:00:01");
            }
            octets[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return of(octets);
    }

    /** The six octets (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress m && Arrays.equals(m.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** {@code 02:00:5e:10:00:01}, as {@code ip link} shows it. */
    @Override
    public String toString() {
        return format(bytes);
    }

    private static String format(byte[] octets) {
        return HexFormat.ofDelimiter(":").formatHex(octets);
    }
}
