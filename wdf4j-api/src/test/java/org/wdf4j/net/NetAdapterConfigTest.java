package org.wdf4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wdf4j.io.CtlCode;

/**
 * A network adapter's configuration refuses what Linux would (names, MTU, MAC addresses, addresses) with messages that
 * say what is wrong and what is allowed, and its buffers travel to the host and back unchanged.
 */
class NetAdapterConfigTest {

    @Test
    void interfaceNamesAreCheckedAsLinuxChecksThem() {
        assertThat(NetAdapterConfig.tap("wdf%d").isNamePattern()).isTrue();
        assertThat(NetAdapterConfig.tun("a23456789012345").interfaceName()).hasSize(15);
        assertThatThrownBy(() -> NetAdapterConfig.tap("a234567890123456"))
                .hasMessage("interface name 'a234567890123456' is 16 bytes long; Linux allows at most 15 (IFNAMSIZ 16"
                        + " with its terminating zero)");
        assertThatThrownBy(() -> NetAdapterConfig.tap("")).hasMessageContaining("needs an interface name");
        for (String bad : List.of("a/b", "a:b", "a b", ".", "..")) {
            assertThatThrownBy(() -> NetAdapterConfig.tap(bad)).as(bad).hasMessageContaining("is not allowed");
        }
        assertThatThrownBy(() -> NetAdapterConfig.tap("wdf%s")).hasMessageContaining("only once, as %d");
        assertThatThrownBy(() -> NetAdapterConfig.tap("w%d%d")).hasMessageContaining("only once, as %d");
    }

    @Test
    void mtuMacAndAddressesAreChecked() {
        assertThatThrownBy(() -> NetAdapterConfig.tap("wdf0").withMtu(67)).hasMessage("network adapter wdf0: MTU 67"
                + " is not 68 to 65535");
        assertThatThrownBy(() -> NetAdapterConfig.tun("wdf0").withMacAddress(MacAddress.parse("02:00:00:00:00:01")))
                .hasMessageContaining("is TUN (IP packets), which has no MAC address");
        assertThatThrownBy(() -> MacAddress.parse("ff:ff:ff:ff:ff:ff")).hasMessageContaining("multicast");
        assertThatThrownBy(() -> MacAddress.parse("00:00:00:00:00:00")).hasMessageContaining("all zeros");
        assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:01")).hasMessageContaining("is not six hex octets");
        assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:0g:01")).hasMessageContaining("octet 5 ('0g')");
        assertThat(MacAddress.parse("02-AB-00-00-00-01")).hasToString("02:ab:00:00:00:01");

        assertThat(NetIpAddress.parse("10.1.2.3/24").netmask()).containsExactly(255, 255, 255, 0);
        assertThat(NetIpAddress.parse("10.1.2.3")).hasToString("10.1.2.3/32");
        assertThatThrownBy(() -> NetIpAddress.parse("10.1.2.300/24")).hasMessageContaining("not a dotted IPv4");
        assertThatThrownBy(() -> NetIpAddress.parse("example.com/24")).hasMessageContaining("not a dotted IPv4");
        assertThatThrownBy(() -> NetIpAddress.parse("10.1.2.3/33")).hasMessageContaining("is not 1 to 32");
        assertThatThrownBy(() -> NetIpAddress.parse("fe80::1/64")).hasMessageContaining("IPv4 addresses only");
        assertThatThrownBy(() -> NetAdapterConfig.tap("wdf0").withNetworkNamespace("a/b"))
                .hasMessageContaining("network namespace 'a/b'");
    }

    @Test
    void buffersTravelUnchanged() {
        NetAdapterConfig config = NetAdapterConfig.tap("wdf%d").withMtu(9000)
                .withMacAddress(MacAddress.parse("02:00:00:00:00:07")).withAddress("10.0.0.1/24")
                .withAddress("192.168.7.1/16").withNetworkNamespace("blue");
        assertThat(NetAdapterConfig.fromBytes(config.toBytes())).isEqualTo(config);
        NetAdapterConfig plain = NetAdapterConfig.tun("t0");
        assertThat(NetAdapterConfig.fromBytes(plain.toBytes())).isEqualTo(plain);
        assertThatThrownBy(() -> NetAdapterConfig.fromBytes(new byte[5])).hasMessageContaining("is cut short");

        NetAdapterState state = new NetAdapterState(MediaConnectState.CONNECTED, 1400,
                MacAddress.parse("02:00:00:00:00:08"));
        assertThat(state.toBytes()).hasSize(NetAdapterState.SIZE);
        assertThat(NetAdapterState.fromBytes(state.toBytes())).isEqualTo(state);
        NetAdapterStatistics stats = new NetAdapterStatistics(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(NetAdapterStatistics.fromBytes(stats.toBytes())).isEqualTo(stats);
    }

    @Test
    void controlCodesAreNetworkDeviceCodesOfTheirOwn() {
        for (int code : List.of(NetAdapterIoctl.IOCTL_NET_ADAPTER_QUERY_CONFIGURATION,
                NetAdapterIoctl.IOCTL_NET_ADAPTER_WAIT_STATE_CHANGE, NetAdapterIoctl.IOCTL_NET_ADAPTER_QUERY_STATISTICS,
                NetAdapterIoctl.IOCTL_NET_ADAPTER_SET_INTERFACE_NAME)) {
            assertThat(CtlCode.deviceType(code)).isEqualTo(NetAdapterIoctl.FILE_DEVICE_NETWORK);
            assertThat(CtlCode.method(code)).isEqualTo(CtlCode.METHOD_BUFFERED);
            assertThat(NetAdapterIoctl.name(code)).startsWith("IOCTL_NET_ADAPTER_");
        }
        assertThat(NetAdapterIoctl.IOCTL_NET_ADAPTER_QUERY_CONFIGURATION).isEqualTo(0x00122000);
    }
}
