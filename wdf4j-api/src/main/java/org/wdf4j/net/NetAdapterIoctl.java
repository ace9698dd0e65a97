package org.wdf4j.net;

import org.wdf4j.io.CtlCode;

/**
 * The control codes between the host and a {@link NetAdapter}, which the adapter answers itself (a driver never sees
 * them): {@code CTL_CODE(FILE_DEVICE_NETWORK, 0x800 + n, METHOD_BUFFERED, FILE_ANY_ACCESS)}. A client of the host's
 * client API may send {@link #IOCTL_NET_ADAPTER_QUERY_CONFIGURATION} and {@link #IOCTL_NET_ADAPTER_QUERY_STATISTICS}
 * too.
 */
public final class NetAdapterIoctl {

    /** {@code FILE_DEVICE_NETWORK}. */
    public static final int FILE_DEVICE_NETWORK = 0x12;

    /** Output: the {@link NetAdapterConfig} ({@link NetAdapterConfig#toBytes}); up to 4096 bytes. */
    public static final int IOCTL_NET_ADAPTER_QUERY_CONFIGURATION = code(0x800);

    /**
     * Input: the {@link NetAdapterState} the caller knows (or nothing); output: the adapter's state as soon as it
     * differs from that, so the request waits in the adapter until the driver changes the link state, MTU or MAC
     * address (the inverted call that {@code IOCTL_SERIAL_WAIT_ON_MASK} also is).
     */
    public static final int IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE = code(0x801);

    /** Output: the {@link NetAdapterStatistics}. */
    public static final int IOCTL_NET_ADAPTER_QUERY_STATISTICS = code(0x802);

    /**
     * Input: the UTF-8 name the kernel gave the interface (what a {@code %d} became), sent by the host once the
     * interface exists; {@link NetAdapter#interfaceName} answers it.
     */
    public static final int IOCTL_NET_ADAPTER_SET_INTERFACE_NAME = code(0x803);

    private NetAdapterIoctl() {
    }

    private static int code(int function) {
        return CtlCode.of(FILE_DEVICE_NETWORK, function, CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);
    }

    /** The name of one of these codes, or the code's {@link CtlCode#describe}. */
    public static String name(int code) {
        if (code == IOCTL_NET_ADAPTER_QUERY_CONFIGURATION) {
            return "IOCTL_NET_ADAPTER_QUERY_CONFIGURATION";
        } else if (code == IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE) {
            return "IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE";
        } else if (code == IOCTL_NET_ADAPTER_QUERY_STATISTICS) {
            return "IOCTL_NET_ADAPTER_QUERY_STATISTICS";
        } else if (code == IOCTL_NET_ADAPTER_SET_INTERFACE_NAME) {
            return "IOCTL_NET_ADAPTER_SET_INTERFACE_NAME";
        }
        return CtlCode.describe(code);
    }
}
