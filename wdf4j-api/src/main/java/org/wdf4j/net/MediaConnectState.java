package org.wdf4j.net;

/**
 * NetAdapterCx's {@code NET_IF_MEDIA_CONNECT_STATE}: whether the adapter's cable is plugged in. The host shows it as
 * the interface's carrier ({@code TUNSETCARRIER}): {@code ip link} says {@code LOWER_UP} and state {@code UP} when
 * connected, {@code NO-CARRIER} and state {@code DOWN} when not, and the kernel sends nothing while disconnected.
 */
public enum MediaConnectState {

    /** {@code MediaConnectStateDisconnected}. */
    DISCONNECTED,

    /** {@code MediaConnectStateConnected}. */
    CONNECTED
}
