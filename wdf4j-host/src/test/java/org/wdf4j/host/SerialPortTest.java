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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.fuse.FuseTests;
import org.wdf4j.serial.SerialBaudRate;
import org.wdf4j.serial.SerialHandflow;
import org.wdf4j.serial.SerialIoctl;
import org.wdf4j.serial.SerialLineControl;
import org.wdf4j.serial.SerialModemStatus;
import org.wdf4j.serial.SerialPort;

/**
 * Serial ports on pseudo-terminals (issue #15), proven with real programs: {@code stty} and Python's {@code serial}
 * module (Debian's python3-serial, {@code src/test/resources/serial/serialclient.py}) use the {@code virtualserial}
 * sample's COM port (it echoes) and modem (it answers AT commands) through the links {@code ttyWDF0}, ... in the mount
 * root, and the test checks through the client API what the driver was told ({@code IOCTL_SERIAL_GET_BAUD_RATE}
 * answers what {@code IOCTL_SERIAL_SET_BAUD_RATE} set). Removal with a program holding the port, and add/remove cycles
 * that leave no pseudo-terminal or link behind.
 *
 * <p>H1, H3: the whole class runs once per hosting model, the driver in the host's process and isolated in a driver
 * host process, with the same assertions. Skipped, saying why, without FUSE (the links live in the mount root) and,
 * for the Python tests, without python3-serial ({@code ./wdf4j test} installs it where it runs as root).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SerialPortTest {

    static final Path VIRTUALSERIAL = TestDrivers.DIR.resolve("wdf4j-sample-virtualserial.jar");
    static final Path CLIENT = Path.of("src/test/resources/serial/serialclient.py").toAbsolutePath();
    static final Duration WAIT = Duration.ofSeconds(20);

    @Parameter
    HostingModel hosting;

    @TempDir
    Path dir;

    private final DriverHost host = DriverHost.create();
    private Path root;
    private HostedDriver driver;

    @BeforeEach
    void start() throws Exception {
        FuseTests.assumeFuse();
        root = host.mountDevices(dir.resolve("dev")).root();
        driver = host.start(TestDrivers.sample(VIRTUALSERIAL), VerifierSettings.on(), hosting);
        assertThat(driver.isRunning()).as("%s", driver.report()).isTrue();
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    /** Adds a device and waits for its port's link; answers the link. */
    private Path addPort(String hardwareId) {
        PnpManager.DevNode node = host.pnp().addDevice(hardwareId);
        assertThat(node.status()).isEqualTo(PnpManager.Status.STARTED);
        DeviceFiles.DeviceFile file = await().atMost(WAIT).until(() -> host.deviceFiles().orElseThrow().files()
                .stream().filter(f -> node.instanceId().equals(f.instanceId())).findFirst().orElse(null),
                f -> f != null);
        assertThat(file.name()).startsWith(DeviceFiles.SERIAL_PREFIX);
        assertThat(file.terminal()).isNotNull();
        return file.file();
    }

    private DeviceHandle openThroughClient(java.util.UUID guid) {
        List<IoClient.DeviceInterface> interfaces = host.client().interfaces(guid);
        assertThat(interfaces).hasSize(1);
        var opened = host.client().open(interfaces.getFirst().path());
        assertThat(opened.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return opened.value();
    }

    private static void assumePySerial() throws Exception {
        FuseTests.Ran ran = FuseTests.run(FuseTests.PYTHON, "-c", "import serial");
        Assumptions.assumeTrue(ran.exit() == 0, "Python's serial module is missing (Debian: apt-get install"
                + " python3-serial; ./wdf4j test installs it when run as root)");
    }

    private static String client(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(FuseTests.PYTHON, CLIENT.toString()));
        command.addAll(List.of(arguments));
        return FuseTests.ok(command.toArray(String[]::new)).trim();
    }

    /**
     * The pseudo-terminal files this JVM (the host) holds open: masters ({@code /dev/ptmx}) and slaves
     * ({@code /dev/pts/N}). Other processes on the machine may make and close pseudo-terminals meanwhile; these are
     * the host's own.
     */
    private static Set<String> hostPtyFds() throws IOException {
        Set<String> open = new TreeSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.equals("/dev/ptmx") || target.startsWith("/dev/pts/")) {
                        open.add(fd.getFileName() + " -> " + target);
                    }
                } catch (IOException gone) {
                    // closed while listed
                }
            }
        }
        return open;
    }

    @Test
    void h1_h3_sttySetsTheSpeedTheDriverSeesIoctlSerialSetBaudRateAndSttyReadsItBack() throws Exception {
        Path port = addPort("ROOT\\VIRTUALSERIAL");
        assertThat(Files.isSymbolicLink(port)).isTrue();
        assertThat(Files.readSymbolicLink(port).toString()).startsWith("/dev/pts/");
        // The port starts with the driver's settings: 9600 baud, raw.
        assertThat(FuseTests.ok("stty", "-F", port.toString(), "speed").trim()).isEqualTo("9600");

        FuseTests.ok("stty", "-F", port.toString(), "115200");
        assertThat(FuseTests.ok("stty", "-F", port.toString(), "speed").trim()).isEqualTo("115200");
        try (DeviceHandle handle = openThroughClient(SerialPort.GUID_DEVINTERFACE_COMPORT)) {
            await().atMost(WAIT).until(() -> SerialBaudRate.fromBytes(handle.deviceIoControl(
                    SerialIoctl.IOCTL_SERIAL_GET_BAUD_RATE, new byte[0], SerialBaudRate.SIZE).data()).baudRate() == 115200);

            // Two stop bits and RTS/CTS: IOCTL_SERIAL_SET_LINE_CONTROL and SET_HANDFLOW.
            FuseTests.ok("stty", "-F", port.toString(), "cstopb", "crtscts");
            await().atMost(WAIT).until(() -> SerialLineControl.fromBytes(handle.deviceIoControl(
                    SerialIoctl.IOCTL_SERIAL_GET_LINE_CONTROL, new byte[0], SerialLineControl.SIZE).data()).stopBits()
                    == SerialLineControl.STOP_BITS_2);
            await().atMost(WAIT).until(() -> SerialHandflow.fromBytes(handle.deviceIoControl(
                    SerialIoctl.IOCTL_SERIAL_GET_HANDFLOW, new byte[0], SerialHandflow.SIZE).data()).rtsCts());

            // Speed 0 hangs up: DTR drops (the echo port's DSR follows its DTR, like a loopback plug). stty sets it,
            // but reads back an input speed of 0 ("same as output") and says it could not do everything: not checked.
            FuseTests.run("stty", "-F", port.toString(), "0");
            await().atMost(WAIT).until(() -> !SerialModemStatus.fromBytes(handle.deviceIoControl(
                    SerialIoctl.IOCTL_SERIAL_GET_MODEMSTATUS, new byte[0], 4).data())
                    .has(SerialModemStatus.SERIAL_MSR_DSR));
        }
    }

    @Test
    void h1_h3_pythonSerialTalksToTheEchoPortAndTheModem() throws Exception {
        assumePySerial();
        Path comPort = addPort("ROOT\\VIRTUALSERIAL");
        Path modem = addPort("ROOT\\FAKEMODEM");
        assertThat(comPort.getFileName().toString()).isEqualTo("ttyWDF0");
        assertThat(modem.getFileName().toString()).isEqualTo("ttyWDF1");

        assertThat(client("echo", comPort.toString(), "57600", "hello", "serial world"))
                .isEqualTo("echo hello\necho serial world");
        try (DeviceHandle handle = openThroughClient(SerialPort.GUID_DEVINTERFACE_COMPORT)) {
            IoResult baud = handle.deviceIoControl(SerialIoctl.IOCTL_SERIAL_GET_BAUD_RATE, new byte[0], 4);
            assertThat(SerialBaudRate.fromBytes(baud.data()).baudRate()).as("pyserial's speed reached the driver")
                    .isEqualTo(57600);
        }
        long seed = new Random().nextLong();
        System.out.println("SerialPortTest random echo seed: " + seed);
        assertThat(client("random", comPort.toString(), Long.toString(seed), "40")).startsWith("ok ");

        // Echo on (E1, as a modem starts), so each answer repeats the command first.
        assertThat(client("modem", modem.toString(), "AT", "ATI", "AT+WHAT", "ATE0", "AT")).isEqualTo(String.join("\n",
                "answer 'AT\\r\\r\\nOK\\r\\n'",
                "answer 'ATI\\r\\r\\nwdf4j FakeModem 1.0\\r\\n\\r\\nOK\\r\\n'",
                "answer 'AT+WHAT\\r\\r\\nERROR\\r\\n'",
                "answer 'ATE0\\r\\r\\nOK\\r\\n'",
                "answer '\\r\\nOK\\r\\n'"));
    }

    @Test
    void h1_h3_removingTheDeviceHangsUpAProgramHoldingThePortAndLeavesNoPtyOrLink() throws Exception {
        assumePySerial();
        Set<String> before = hostPtyFds();
        PnpManager.DevNode node = host.pnp().addDevice("ROOT\\VIRTUALSERIAL");
        Path port = await().atMost(WAIT).until(() -> host.deviceFiles().orElseThrow().files(), f -> !f.isEmpty())
                .getFirst().file();
        Path pts = Files.readSymbolicLink(port);
        try (FuseTests.Program holder = FuseTests.Program.start(FuseTests.PYTHON, CLIENT.toString(), "hold",
                port.toString())) {
            assertThat(holder.nextLine()).isEqualTo("open");
            host.pnp().removeDevice(node.instanceId());
            assertThat(Files.exists(port, LinkOption.NOFOLLOW_LINKS)).as("the link goes with the device").isFalse();
            await().atMost(WAIT).until(() -> !Files.exists(pts));
            holder.closeInput();
            assertThat(holder.nextLine()).as("a hung-up port").isIn("after error EIO", "after eof",
                    "after error SerialException: write failed: [Errno 5] Input/output error");
            assertThat(holder.awaitExit()).isZero();
        }
        await().atMost(WAIT).until(() -> hostPtyFds().equals(before));
    }

    @Test
    void h1_h3_manyAddRemoveCyclesLeaveNoPseudoTerminalOrLinkBehind() throws Exception {
        Set<String> before = hostPtyFds();
        long seed = new Random().nextLong();
        System.out.println("SerialPortTest cycles seed: " + seed);
        Random random = new Random(seed);
        for (int cycle = 0; cycle < 30; cycle++) {
            String hardwareId = random.nextBoolean() ? "ROOT\\VIRTUALSERIAL" : "ROOT\\FAKEMODEM";
            PnpManager.DevNode node = host.pnp().addDevice(hardwareId);
            Path port = await().atMost(WAIT).until(() -> host.deviceFiles().orElseThrow().files(), f -> !f.isEmpty())
                    .getFirst().file();
            if (random.nextInt(3) == 0) { // now and then a program uses it before it goes
                assertThat(FuseTests.ok("stty", "-F", port.toString(), "speed").trim()).isEqualTo("9600");
            }
            host.pnp().removeDevice(node.instanceId());
            assertThat(host.deviceFiles().orElseThrow().files()).isEmpty();
        }
        try (Stream<Path> left = Files.list(root)) {
            assertThat(left.toList()).as("links left in the mount root").isEmpty();
        }
        await().atMost(WAIT).until(() -> hostPtyFds().equals(before));
        UnloadReport report = host.stop(driver);
        assertThat(report.clean()).as(report.render()).isTrue();
    }
}
