package org.wdf4j.samples.pingadapter;

import java.net.Inet4Address;
import java.util.Arrays;

/**
 * The virtual peer at the far end of the adapter: a host with one IPv4 address that answers ARP requests for it (TAP)
 * and ICMP echo requests sent to it, and ignores everything else (IPv6 neighbour discovery, multicast, other
 * protocols). Pure packet code, no WDF: {@link #answer} takes what the kernel sent and returns what the peer sends
 * back, or null.
 */
final class PingPeer {

    /** The peer's MAC address on a TAP adapter (locally administered). */
    static final String PEER_MAC = "02:77:64:66:00:02";

    static final int ETHER_HEADER = 14;
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_ARP = 0x0806;
    static final int IP_PROTOCOL_ICMP = 1;
    static final int ICMP_ECHO_REPLY = 0;
    static final int ICMP_ECHO_REQUEST = 8;

    private static final byte[] PEER_MAC_BYTES = {0x02, 0x77, 0x64, 0x66, 0x00, 0x02};

    private final boolean tun;
    private final byte[] address;

    PingPeer(boolean tun, Inet4Address address) {
        this.tun = tun;
        this.address = address.getAddress();
    }

    /** The peer's answer to {@code packet} (an IP packet for TUN, an Ethernet frame for TAP), or null. */
    byte[] answer(byte[] packet) {
        if (tun) {
            return echoReply(packet, 0);
        }
        if (packet.length < ETHER_HEADER) {
            return null;
        }
        int type = u16(packet, 12);
        byte[] reply = type == ETHERTYPE_ARP ? arpReply(packet) : type == ETHERTYPE_IPV4
                ? echoReply(packet, ETHER_HEADER) : null;
        if (reply != null && type == ETHERTYPE_IPV4) {
            System.arraycopy(packet, 6, reply, 0, 6); // to the sender's MAC, from the peer's
            System.arraycopy(PEER_MAC_BYTES, 0, reply, 6, 6);
        }
        return reply;
    }

    /** An ARP reply to a request for the peer's address (RFC 826), or null. */
    private byte[] arpReply(byte[] frame) {
        int arp = ETHER_HEADER;
        if (frame.length < arp + 28 || u16(frame, arp) != 1 || u16(frame, arp + 2) != ETHERTYPE_IPV4
                || frame[arp + 4] != 6 || frame[arp + 5] != 4 || u16(frame, arp + 6) != 1
                || !Arrays.equals(frame, arp + 24, arp + 28, address, 0, 4)) {
            return null;
        }
        byte[] reply = new byte[ETHER_HEADER + 28];
        System.arraycopy(frame, arp + 8, reply, 0, 6);            // to: the sender's hardware address
        System.arraycopy(PEER_MAC_BYTES, 0, reply, 6, 6);          // from: the peer
        put16(reply, 12, ETHERTYPE_ARP);
        System.arraycopy(frame, arp, reply, arp, 6);               // htype, ptype, hlen, plen as asked
        put16(reply, arp + 6, 2);                                  // op: reply
        System.arraycopy(PEER_MAC_BYTES, 0, reply, arp + 8, 6);    // sender: the peer's MAC and address
        System.arraycopy(address, 0, reply, arp + 14, 4);
        System.arraycopy(frame, arp + 8, reply, arp + 18, 10);     // target: who asked
        return reply;
    }

    /**
     * An ICMP echo reply to an echo request for the peer's address in the IPv4 packet at {@code ip} (RFC 792): the
     * request with source and destination swapped, type 0, and both checksums computed again; or null.
     */
    private byte[] echoReply(byte[] packet, int ip) {
        if (packet.length < ip + 20 || (packet[ip] >> 4) != 4) {
            return null;
        }
        int headerLength = (packet[ip] & 0x0F) * 4;
        int totalLength = u16(packet, ip + 2);
        if (headerLength < 20 || totalLength < headerLength + 8 || packet.length < ip + totalLength
                || packet[ip + 9] != IP_PROTOCOL_ICMP || !Arrays.equals(packet, ip + 16, ip + 20, address, 0, 4)
                || (u16(packet, ip + 6) & 0x3FFF) != 0 // a fragment: not answered
                || (packet[ip + headerLength] & 0xFF) != ICMP_ECHO_REQUEST) {
            return null;
        }
        byte[] reply = Arrays.copyOf(packet, ip + totalLength);
        System.arraycopy(packet, ip + 16, reply, ip + 12, 4); // source: the peer
        System.arraycopy(packet, ip + 12, reply, ip + 16, 4); // destination: who asked
        reply[ip + 8] = 64;                                   // TTL
        put16(reply, ip + 10, 0);
        put16(reply, ip + 10, checksum(reply, ip, headerLength));
        int icmp = ip + headerLength;
        reply[icmp] = ICMP_ECHO_REPLY;
        put16(reply, icmp + 2, 0);
        put16(reply, icmp + 2, checksum(reply, icmp, totalLength - headerLength));
        return reply;
    }

    /** The Internet checksum (RFC 1071) of {@code length} bytes from {@code offset}. */
    static int checksum(byte[] b, int offset, int length) {
        long sum = 0;
        for (int i = 0; i + 1 < length; i += 2) {
            sum += u16(b, offset + i);
        }
        if ((length & 1) != 0) {
            sum += (b[offset + length - 1] & 0xFF) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    static void put16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }
}
