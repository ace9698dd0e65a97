package org.wdf4j.net;

/** What an adapter carries: the two kinds of Linux's TUN/TAP driver. */
public enum NetAdapterType {

    /** IP packets, no link-layer header ({@code IFF_TUN}): no MAC address, no ARP. */
    TUN,

    /** Ethernet frames, with their 14-byte header ({@code IFF_TAP}): a MAC address, ARP, broadcast. */
    TAP;

    /** The bytes a packet has beyond the MTU: the Ethernet header and a VLAN tag for TAP, none for TUN. */
    public int linkHeaderSize() {
        return this == TAP ? 18 : 0;
    }
}
