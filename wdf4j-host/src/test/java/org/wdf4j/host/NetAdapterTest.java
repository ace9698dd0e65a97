package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.fuse.FuseTests;
import org.wdf4j.net.NetAdapter;
import org.wdf4j.net.NetAdapterIoctl;
import org.wdf4j.net.NetAdapterStatistics;

/**
 * Network adapters on TUN/TAP (issue #15), proven with real programs: {@code ping} through the {@code pingadapter}
 * sample's TAP adapter (its virtual peer answers ARP and ICMP echo) and TUN adapter, {@code ip -s link} showing the
 * driver's MTU, link state and packet counts, {@code ping} and {@code iperf3} between two network namespaces through
 * the {@code netcable} sample's two TAP ends, the interfaces gone when their devices are removed and when their
 * driver stops, and bad configurations refused with errors that say what is wrong.
 *
 * <p>H1, H3: the whole class runs once per hosting model, the drivers in the host's process and isolated in a driver
 * host process, with the same assertions. Each test makes its own network namespaces (deleted afterwards) and names
 * its interfaces after this JVM's pid, so that runs on the same machine do not meet. Skipped, saying why, without
 * root, {@code /dev/net/tun}, {@code ip} or {@code ping} ({@code ./wdf4j test} installs iproute2 and iputils-ping
 * where it runs as root); the {@code iperf3} run is skipped where it is missing.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NetAdapterTest {

    static final Path PINGADAPTER = TestDrivers.DIR.resolve("wdf4j-sample-pingadapter.jar");
    static final Path NETCABLE = TestDrivers.DIR.resolve("wdf4j-sample-netcable.jar");
    static final Duration WAIT = Duration.ofSeconds(20);
    /** Tells this JVM's names apart from other runs' on the machine. */
    static final long PID = ProcessHandle.current().pid() % 100_000;
    private static final AtomicInteger NAMES = new AtomicInteger();

    @Parameter
    HostingModel hosting;

    private final DriverHost host = DriverHost.create();
    private final List<String> namespaces = new ArrayList<>();

    @BeforeEach
    void assumeNetworking() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "network adapter tests make interfaces and namespaces, which needs root (CAP_NET_ADMIN)");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")),
                "/dev/net/tun is missing: network adapter tests need the tun module (modprobe tun)");
        for (String tool : List.of("ip", "ping")) {
            Assumptions.assumeTrue(FuseTests.run("sh", "-c", "command -v " + tool).exit() == 0, tool + " is missing"
                    + " (Debian: iproute2, iputils-ping; ./wdf4j test installs them when run as root)");
        }
    }

    @AfterEach
    void closeHost() throws Exception {
        host.close();
        for (String ns : namespaces) {
            FuseTests.run("ip", "netns", "del", ns);
        }
    }

    /** A new network namespace, deleted after the test. */
    private String namespace() throws Exception {
        String ns = "wdf4j-" + PID + "-" + NAMES.incrementAndGet();
        FuseTests.ok("ip", "netns", "add", ns);
        namespaces.add(ns);
        return ns;
    }

    /** An interface name of this JVM: {@code prefix}, the pid, a number (15 bytes at most). */
    private static String interfaceName(String prefix) {
        return prefix + PID + "n" + NAMES.incrementAndGet() % 100;
    }

    private void parameter(String driver, String name, String value) {
        try {
            host.parametersFor(driver).put(name, FxParameters.Value.ofString(value));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private HostedDriver start(Path jar) throws Exception {
        HostedDriver driver = host.start(TestDrivers.sample(jar), VerifierSettings.on(), hosting);
        assertThat(driver.isRunning()).as("%s", driver.report()).isTrue();
        return driver;
    }

    /** Adds a device and waits for its interface. */
    private NetAdapters.NetInterface addAdapter(String hardwareId) {
        PnpManager.DevNode node = host.pnp().addDevice(hardwareId);
        assertThat(node.status()).as("%s; adapters' problems %s", node, host.netAdapters().problems())
                .isEqualTo(PnpManager.Status.STARTED);
        return await().atMost(WAIT).until(() -> host.netAdapters().interfaces().stream()
                .filter(i -> node.instanceId().equals(i.instanceId())).findFirst().orElse(null), i -> i != null);
    }

    /** {@code ip [-n NS] ARGS...}. */
    private static FuseTests.Ran ip(String ns, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        if (ns != null) {
            command.addAll(List.of("-n", ns));
        }
        command.addAll(List.of(args));
        return FuseTests.run(command.toArray(String[]::new));
    }

    private static boolean exists(String ns, String name) throws Exception {
        return ip(ns, "link", "show", "dev", name).exit() == 0;
    }

    private static String ping(String ns, String address) throws Exception {
        return FuseTests.ok("ip", "netns", "exec", ns, "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", address);
    }

    private static long counter(String json, String direction, String what) {
        Matcher m = Pattern.compile("\"" + direction + "\":\\{[^}]*\"" + what + "\":(\\d+)").matcher(json);
        assertThat(m.find()).as("%s %s in %s", direction, what, json).isTrue();
        return Long.parseLong(m.group(1));
    }

    private NetAdapterStatistics statistics(NetAdapters.NetInterface adapter) {
        try (DeviceHandle handle = host.client().open(adapter.devicePath()).value()) {
            return NetAdapterStatistics.fromBytes(handle.deviceIoControl(
                    NetAdapterIoctl.IOCTL_NET_ADAPTER_QUERY_STATISTICS, new byte[0], NetAdapterStatistics.SIZE)
                    .orThrow("IOCTL_NET_ADAPTER_QUERY_STATISTICS").data());
        }
    }

    @Test
    void h1_h3_pingThroughTheTapAdapterGetsArpAndEchoAnswersFromTheDriversPeer() throws Exception {
        String ns = namespace();
        parameter("pingadapter", "NetworkNamespace", ns);
        parameter("pingadapter", "MacAddress", "02:00:00:aa:bb:01");
        start(PINGADAPTER);
        NetAdapters.NetInterface adapter = addAdapter("ROOT\\PINGADAPTER");
        assertThat(adapter.interfaceName()).as("wdfping%d numbered by the kernel").isEqualTo("wdfping0");
        assertThat(adapter.networkNamespace()).isEqualTo(ns);

        assertThat(ping(ns, "10.213.0.2")).contains("3 packets transmitted, 3 received");
        String neighbours = ip(ns, "neigh", "show", "dev", "wdfping0").output();
        assertThat(neighbours).as("the peer's MAC, learnt by ARP").contains("10.213.0.2 lladdr 02:77:64:66:00:02");
        String link = ip(ns, "link", "show", "dev", "wdfping0").output();
        assertThat(link).contains("link/ether 02:00:00:aa:bb:01", "LOWER_UP");
        assertThat(host.pathsToTargets()).containsValue("network interface wdfping0 (netns " + ns + ")");
    }

    @Test
    void h1_h3_ipShowsTheTunAdaptersMtuLinkAndTheDriversPacketCounts() throws Exception {
        String name = interfaceName("wdft");
        int net = (int) (PID % 200) + 20;
        parameter("pingadapter", "InterfaceName", name);
        parameter("pingadapter", "Address", "10.214." + net + ".1/24");
        parameter("pingadapter", "PeerAddress", "10.214." + net + ".2");
        host.parametersFor("pingadapter").put("Mtu", FxParameters.Value.ofULong(1400));
        String ns = namespace();
        parameter("pingadapter", "NetworkNamespace", ns);
        start(PINGADAPTER);
        NetAdapters.NetInterface adapter = addAdapter("ROOT\\PINGTUN");
        assertThat(adapter.interfaceName()).isEqualTo(name);

        assertThat(ping(ns, "10.214." + net + ".2")).contains("3 packets transmitted, 3 received");
        String link = ip(ns, "link", "show", "dev", name).output();
        assertThat(link).contains("mtu 1400", "UP,LOWER_UP");
        // The kernel counts what crossed the interface; the adapter what reached the driver and what it indicated.
        await().atMost(WAIT).untilAsserted(() -> {
            String json = ip(ns, "-s", "-j", "link", "show", "dev", name).output();
            NetAdapterStatistics stats = statistics(adapter);
            assertThat(counter(json, "tx", "packets")).as("sent by the kernel").isGreaterThanOrEqualTo(3)
                    .isEqualTo(stats.transmittedPackets());
            assertThat(counter(json, "tx", "bytes")).isEqualTo(stats.transmittedBytes());
            assertThat(counter(json, "rx", "packets")).as("echo replies").isEqualTo(3)
                    .isEqualTo(stats.receivedPackets());
            assertThat(counter(json, "rx", "bytes")).isEqualTo(stats.receivedBytes()).isEqualTo(3 * 84);
        });
        assertThat(ip(ns, "-s", "link", "show", "dev", name).output()).as("ip -s link, as a user reads it")
                .containsPattern("RX:.*\\n\\s+252\\s+3\\s+0\\s+0");
    }

    @Test
    void h1_h3_theVirtualCableJoinsTwoNamespacesForPingAndIperf3() throws Exception {
        String a = namespace();
        String b = namespace();
        parameter("netcable", "End0Namespace", a);
        parameter("netcable", "End1Namespace", b);
        start(NETCABLE);
        NetAdapters.NetInterface end0 = addAdapter("ROOT\\NETCABLE");
        assertThat(end0.interfaceName()).isEqualTo("wdfcable0");
        await().atMost(WAIT).until(() -> ip(a, "link", "show", "dev", "wdfcable0").output().contains("NO-CARRIER"));
        NetAdapters.NetInterface end1 = addAdapter("ROOT\\NETCABLE");
        assertThat(end1.networkNamespace()).isEqualTo(b);
        await().atMost(WAIT).until(() -> ip(a, "link", "show", "dev", "wdfcable0").output().contains("LOWER_UP"));

        assertThat(ping(a, "10.215.0.2")).contains("3 packets transmitted, 3 received");
        assertThat(ping(b, "10.215.0.1")).contains("3 packets transmitted, 3 received");
        if (FuseTests.run("sh", "-c", "command -v iperf3").exit() == 0) {
            try (FuseTests.Program server = FuseTests.Program.start("ip", "netns", "exec", b, "iperf3", "-s", "-1",
                    "-B", "10.215.0.2")) {
                await().atMost(WAIT).until(() -> FuseTests.run("ip", "netns", "exec", b, "ss", "-Hltn",
                        "sport = :5201").output().contains("5201"));
                String client = FuseTests.ok("ip", "netns", "exec", a, "iperf3", "-c", "10.215.0.2", "-t", "1",
                        "-f", "m");
                Matcher m = Pattern.compile("([\\d.]+) Mbits/sec.*receiver").matcher(client);
                assertThat(m.find()).as(client).isTrue();
                System.out.println("NetAdapterTest " + hosting + ": iperf3 through the cable " + m.group(1)
                        + " Mbit/s");
                assertThat(Double.parseDouble(m.group(1))).isPositive();
            }
        } else {
            System.out.println("NetAdapterTest: iperf3 is missing (Debian: iperf3), its run through the cable skipped");
        }

        // Unplugging one end: its interface goes, and the other end loses its carrier.
        host.pnp().removeDevice(end1.instanceId());
        await().atMost(WAIT).until(() -> !exists(b, "wdfcable1"));
        await().atMost(WAIT).until(() -> ip(a, "link", "show", "dev", "wdfcable0").output().contains("NO-CARRIER"));
    }

    @Test
    void h1_h3_theInterfaceGoesWhenItsDeviceIsRemovedAndWhenItsDriverStops() throws Exception {
        String ns = namespace();
        parameter("pingadapter", "NetworkNamespace", ns);
        HostedDriver driver = start(PINGADAPTER);
        for (int cycle = 0; cycle < 3; cycle++) {
            NetAdapters.NetInterface adapter = addAdapter("ROOT\\PINGADAPTER");
            assertThat(exists(ns, adapter.interfaceName())).isTrue();
            host.pnp().removeDevice(adapter.instanceId());
            await().atMost(WAIT).until(() -> !exists(ns, adapter.interfaceName()));
            assertThat(host.netAdapters().interfaces()).isEmpty();
        }
        NetAdapters.NetInterface tap = addAdapter("ROOT\\PINGADAPTER");
        NetAdapters.NetInterface tun = addAdapter("ROOT\\PINGTUN");
        UnloadReport report = host.stop(driver);
        assertThat(report.clean()).as(report.render()).isTrue();
        await().atMost(WAIT).until(() -> !exists(ns, tap.interfaceName()) && !exists(ns, tun.interfaceName()));
        assertThat(host.netAdapters().interfaces()).isEmpty();
    }

    @Test
    void h1_h3_badConfigurationsAreRefusedWithErrorsThatSayWhatIsWrong() throws Exception {
        parameter("pingadapter", "InterfaceName", "wdf-far-too-long-a-name");
        HostedDriver driver = start(PINGADAPTER);
        PnpManager.DevNode node = host.pnp().addDevice("ROOT\\PINGADAPTER");
        assertThat(node.status()).isEqualTo(PnpManager.Status.FAILED);
        assertThat(node.problem()).isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
        host.pnp().removeDevice(node.instanceId());

        parameter("pingadapter", "InterfaceName", "wdfping%d");
        parameter("pingadapter", "MacAddress", "01:00:5e:00:00:01");
        node = host.pnp().addDevice("ROOT\\PINGADAPTER");
        assertThat(node.problem()).isEqualTo(NtStatus.STATUS_INVALID_PARAMETER);
        host.pnp().removeDevice(node.instanceId());
        assertThat(TestDrivers.printed(driver.journal())).contains(
                "PingAdapter: bad configuration: interface name 'wdf-far-too-long-a-name' is 23 bytes long; Linux"
                        + " allows at most 15 (IFNAMSIZ 16 with its terminating zero)",
                "PingAdapter: bad configuration: MAC address 01:00:5e:00:00:01 is a multicast address (the low bit"
                        + " of its first octet is set); an adapter needs a unicast one, e.g. 02:00:00:00:00:01");

        // What only the host can find out: a namespace that does not exist.
        parameter("pingadapter", "MacAddress", "02:00:5e:00:00:01");
        parameter("pingadapter", "NetworkNamespace", "wdf4j-no-such-namespace");
        node = host.pnp().addDevice("ROOT\\PINGADAPTER");
        assertThat(node.status()).isEqualTo(PnpManager.Status.STARTED);
        String path = host.client().interfaces(NetAdapter.GUID_DEVINTERFACE_NET).getFirst().path();
        await().atMost(WAIT).until(() -> host.netAdapters().problems().get(path), p -> p != null);
        assertThat(host.netAdapters().problems().get(path)).isEqualTo("network namespace wdf4j-no-such-namespace does"
                + " not exist (no /run/netns/wdf4j-no-such-namespace): make it first with ip netns add"
                + " wdf4j-no-such-namespace");
        assertThat(host.netAdapters().interfaces()).isEmpty();
    }
}
