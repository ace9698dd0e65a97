package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.fuse.FuseTests;
import org.wdf4j.host.fuse.LoopDevice;

/**
 * Nothing leaks across add/remove cycles (issue #15), for each device class: a serial port (a pseudo-terminal), a
 * network adapter (a TAP interface in a namespace of the test's) and a RAM disk (a loop device) are added and removed
 * as many times as fit in {@link #BUDGET} (at most {@link #MAX_CYCLES}), after a few warm-up cycles; afterwards the
 * host's Java threads and open file descriptors ({@code /proc/self/fd}), and for an isolated driver also its driver
 * host's descriptors and threads ({@code /proc/PID/fd}, {@code /proc/PID/task}), are back where they were, and so
 * are the class's OS objects: no pseudo-terminal, TUN or loop descriptor held, no link in the mount root, no interface
 * in the namespace ({@code ip link}), no loop device backed by a file under the mount root
 * ({@code /sys/block/loop*}/loop/backing_file).
 *
 * <p>The counts may settle a little after the last removal (a detach thread ending, a pool shrinking), so the test
 * waits for them, and allows {@link #SLACK} for the JVM's own threads and files that come and go (JIT compiler
 * threads in the driver host, a pool's idle worker): a leak of one per cycle is hundreds. The OS objects have no
 * slack. H1, H3: once per hosting model. Skipped, saying why, without FUSE, loop devices, /dev/net/tun or ip.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DeviceClassCyclesTest {

    /** Time for the measured cycles of one class in one hosting model (so about ten seconds a class). */
    static final Duration BUDGET = Duration.ofSeconds(2); // the suite must stay under 15 minutes on 2 CPUs
    static final int MAX_CYCLES = 1000;
    /** Fewer cycles than this would prove little: the test fails rather than passing on a handful. */
    static final int MIN_CYCLES = 25;
    static final int WARM_UP = 5;
    static final int SLACK = 3;
    static final Duration WAIT = Duration.ofSeconds(20);

    @Parameter
    HostingModel hosting;

    @TempDir
    Path dir;

    private DriverHost host;
    private String namespace;

    @AfterEach
    void close() throws Exception {
        if (host != null) {
            host.close();
        }
        if (namespace != null) {
            FuseTests.run("ip", "netns", "del", namespace);
        }
    }

    /** What a process holds: its Java threads (this JVM only), its descriptors' targets, its kernel tasks. */
    record Held(List<String> threads, List<String> fds, int tasks) {

        static Held of(long pid) {
            boolean self = pid == ProcessHandle.current().pid();
            List<String> threads = self ? Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                    .map(Thread::getName).sorted().toList() : List.of();
            return new Held(threads, fds(pid), count(Path.of("/proc/" + pid + "/task")));
        }

        private static List<String> fds(long pid) {
            List<String> targets = new ArrayList<>();
            try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                for (Path fd : fds.toList()) {
                    try {
                        targets.add(Files.readSymbolicLink(fd).toString());
                    } catch (IOException closed) {
                        // closed while listed
                    }
                }
            } catch (IOException e) {
                throw new AssertionError("cannot list /proc/" + pid + "/fd", e);
            }
            return targets.stream().sorted().toList();
        }

        private static int count(Path directory) {
            try (Stream<Path> entries = Files.list(directory)) {
                return (int) entries.count();
            } catch (IOException e) {
                throw new AssertionError("cannot list " + directory, e);
            }
        }

        /** The descriptors to devices of the classes: pseudo-terminals, TUN, loop devices. */
        List<String> deviceFds() {
            return fds.stream().filter(t -> t.equals("/dev/ptmx") || t.startsWith("/dev/pts/")
                    || t.equals("/dev/net/tun") || t.startsWith("/dev/loop")).toList();
        }

        /** Whether nothing grew beyond the slack, and no device descriptor was added at all. */
        boolean within(Held before) {
            return threads.size() <= before.threads.size() + SLACK && fds.size() <= before.fds.size() + SLACK
                    && tasks <= before.tasks + SLACK && deviceFds().size() <= before.deviceFds().size();
        }

        String diff(Held before) {
            return "threads " + before.threads.size() + " -> " + threads.size() + " " + added(before.threads, threads)
                    + "; fds " + before.fds.size() + " -> " + fds.size() + " " + added(before.fds, fds)
                    + "; tasks " + before.tasks + " -> " + tasks;
        }

        /** What {@code after} has more of than {@code before}, by name without digits (thread, pipe numbers). */
        private static TreeMap<String, Integer> added(List<String> before, List<String> after) {
            TreeMap<String, Integer> counts = new TreeMap<>();
            after.forEach(n -> counts.merge(n.replaceAll("\\d+", "#"), 1, Integer::sum));
            before.forEach(n -> counts.merge(n.replaceAll("\\d+", "#"), -1, Integer::sum));
            counts.values().removeIf(c -> c <= 0);
            return counts;
        }
    }

    /**
     * Starts {@code jar}, runs warm-up cycles, measures, runs cycles for the budget, and checks that the host (and an
     * isolated driver's driver host) holds what it held before and that {@code leftovers} is empty.
     */
    private void cycles(String what, Path jar, Callable<Object> cycle, Callable<List<String>> leftovers)
            throws Exception {
        HostedDriver driver = host.start(TestDrivers.sample(jar), VerifierSettings.on(), hosting);
        assertThat(driver.isRunning()).as("%s", driver.report()).isTrue();
        for (int i = 0; i < WARM_UP; i++) {
            cycle.call();
        }
        long self = ProcessHandle.current().pid();
        long driverHost = hosting == HostingModel.ISOLATED ? driver.pid() : -1;
        await().atMost(WAIT).until(() -> leftovers.call().isEmpty());
        Held hostBefore = Held.of(self);
        Held driverHostBefore = driverHost > 0 ? Held.of(driverHost) : null;

        long started = System.nanoTime();
        long end = started + BUDGET.toNanos();
        int done = 0;
        while (done < MAX_CYCLES && System.nanoTime() < end) {
            cycle.call();
            done++;
        }
        int cycles = done;
        System.out.printf("DeviceClassCyclesTest %s %s: %d add/remove cycles in %d ms%n", what, hosting, cycles,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        assertThat(cycles).as("cycles in %s", BUDGET).isGreaterThanOrEqualTo(MIN_CYCLES);

        await().atMost(WAIT).untilAsserted(() -> assertThat(leftovers.call()).as("%s left behind", what).isEmpty());
        await().atMost(WAIT).untilAsserted(() -> {
            Held now = Held.of(self);
            assertThat(now.within(hostBefore)).as("the host after %d cycles: %s", cycles, now.diff(hostBefore))
                    .isTrue();
        });
        if (driverHostBefore != null) {
            assertThat(driver.pid()).as("the driver host did not restart").isEqualTo(driverHost);
            await().atMost(WAIT).untilAsserted(() -> {
                Held now = Held.of(driverHost);
                assertThat(now.within(driverHostBefore)).as("driver host %d after %d cycles: %s", driverHost, cycles,
                        now.diff(driverHostBefore)).isTrue();
            });
        }
        UnloadReport report = host.stop(driver);
        assertThat(report.clean()).as(report.render()).isTrue();
    }

    /** Awaitility polling at once and every millisecond: with its 100 ms default the polls would be most of a cycle. */
    private static org.awaitility.core.ConditionFactory soon() {
        return await().atMost(WAIT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1));
    }

    private Path mount() throws Exception {
        FuseTests.assumeFuse();
        host = DriverHost.create(dir.resolve("state"));
        return host.mountDevices(dir.resolve("dev")).root();
    }

    private static List<String> entries(Path root) throws IOException {
        try (Stream<Path> files = Files.list(root)) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void h1_h3_serialPortsLeaveNoPseudoTerminalLinkThreadOrDescriptorBehind() throws Exception {
        Path root = mount();
        long seed = new Random().nextLong();
        System.out.println("DeviceClassCyclesTest serial seed: " + seed);
        Random random = new Random(seed);
        cycles("serial port", SerialPortTest.VIRTUALSERIAL, () -> {
            String hardwareId = random.nextBoolean() ? "ROOT\\VIRTUALSERIAL" : "ROOT\\FAKEMODEM";
            PnpManager.DevNode node = host.pnp().addDevice(hardwareId);
            assertThat(node.status()).as("seed %d", seed).isEqualTo(PnpManager.Status.STARTED);
            Path port = soon().until(() -> host.deviceFiles().orElseThrow().files(), f -> !f.isEmpty())
                    .getFirst().file();
            assertThat(Files.readSymbolicLink(port).toString()).startsWith("/dev/pts/");
            host.pnp().removeDevice(node.instanceId());
            return null;
        }, () -> entries(root)); // the ttyWDFn links; the ptys' descriptors are among the host's, without slack
    }

    @Test
    void h1_h3_networkAdaptersLeaveNoInterfaceThreadOrDescriptorBehind() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "network adapters need root (CAP_NET_ADMIN)");
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun is missing (modprobe tun)");
        Assumptions.assumeTrue(FuseTests.run("sh", "-c", "command -v ip").exit() == 0,
                "ip is missing (Debian: iproute2; ./wdf4j test installs it when run as root)");
        host = DriverHost.create(dir.resolve("state"));
        namespace = "wdf4j-cyc-" + ProcessHandle.current().pid() % 100_000;
        FuseTests.ok("ip", "netns", "add", namespace);
        host.parametersFor("pingadapter").put("NetworkNamespace", FxParameters.Value.ofString(namespace));
        cycles("network adapter", NetAdapterTest.PINGADAPTER, () -> {
            PnpManager.DevNode node = host.pnp().addDevice("ROOT\\PINGADAPTER");
            assertThat(node.status()).as("%s", host.netAdapters().problems()).isEqualTo(PnpManager.Status.STARTED);
            soon().until(() -> host.netAdapters().interfaces().stream()
                    .anyMatch(i -> node.instanceId().equals(i.instanceId())));
            host.pnp().removeDevice(node.instanceId());
            return null;
        }, () -> {
            List<String> left = new ArrayList<>(FuseTests.ok("ip", "-n", namespace, "-o", "link", "show").lines()
                    .filter(l -> !l.contains(": lo:")).toList());
            host.netAdapters().interfaces().forEach(i -> left.add("host still lists " + i.interfaceName()));
            return left;
        });
    }

    @Test
    void h1_h3_disksLeaveNoLoopDeviceThreadOrDescriptorBehind() throws Exception {
        String loops = LoopDevice.unavailableReason();
        Assumptions.assumeTrue(loops == null, loops);
        Path root = mount();
        host.parametersFor("ramdisk").put("DiskSize", FxParameters.Value.ofULong(1024L * 1024));
        cycles("disk", DiskTest.RAMDISK, () -> {
            PnpManager.DevNode node = host.pnp().addDevice(DiskTest.HARDWARE_ID);
            assertThat(node.status()).isEqualTo(PnpManager.Status.STARTED);
            DeviceFiles.DeviceFile disk = soon().until(() -> host.deviceFiles().orElseThrow().files()
                    .stream().filter(f -> node.instanceId().equals(f.instanceId()) && f.disk() != null
                            && f.disk().blockDevice() != null).findFirst().orElse(null), f -> f != null);
            Path backing = Path.of("/sys/block").resolve(disk.disk().blockDevice().getFileName()).resolve("loop");
            host.pnp().removeDevice(node.instanceId());
            assertThat(Files.exists(disk.disk().link(), LinkOption.NOFOLLOW_LINKS)).isFalse();
            // one detach at a time, as a user removing disks would see them go
            soon().until(() -> !Files.exists(backing));
            return null;
        }, () -> {
            List<String> left = new ArrayList<>(entries(root));
            LoopDevice.attachedUnder(root).forEach(d -> left.add(d + " still attached"));
            return left;
        });
    }
}
