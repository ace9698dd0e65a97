package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
import org.wdf4j.disk.Disk;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.fuse.FuseTests;
import org.wdf4j.host.fuse.LoopDevice;
import org.wdf4j.io.CtlCode;

/**
 * Disks behind loop devices (issue #15), proven with real programs on the {@code ramdisk} sample: {@code mkfs.ext4},
 * {@code mount}, a file written and read back, {@code umount} and {@code e2fsck -f}; {@code blockdev --getsize64};
 * data written at seeded random offsets through the disk's seekable file and read back through the loop device with
 * {@code dd}, and the other way; the end of the disk; the loop device detached when the device is removed and when
 * the driver stops; a bad DiskSize refused; a seeded {@code fio} random read/write job with crc32c verification through
 * the loop device.
 *
 * <p>H1, H3: the whole class runs once per hosting model. Skipped, saying why, without FUSE, loop devices or the
 * e2fsprogs/util-linux tools or fio ({@code ./wdf4j test} installs e2fsprogs and fio where it runs as root).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiskTest {

    static final Path RAMDISK = TestDrivers.DIR.resolve("wdf4j-sample-ramdisk.jar");
    static final String HARDWARE_ID = "ROOT\\RAMDISK";
    static final long SIZE = 8L * 1024 * 1024;
    static final Duration WAIT = Duration.ofSeconds(20);
    /** The sample's IOCTL_RAMDISK_QUERY_STATISTICS: reads, writes, flushes. */
    static final int QUERY_STATISTICS = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x900, CtlCode.METHOD_BUFFERED,
            CtlCode.FILE_ANY_ACCESS);

    @Parameter
    HostingModel hosting;

    @TempDir
    Path dir;

    private DriverHost host;
    private HostedDriver driver;

    @BeforeEach
    void start() throws Exception {
        FuseTests.assumeFuse();
        String loops = LoopDevice.unavailableReason();
        Assumptions.assumeTrue(loops == null, loops);
        host = DriverHost.create(dir.resolve("state"));
        host.mountDevices(dir.resolve("dev"));
    }

    @AfterEach
    void closeHost() {
        if (host != null) {
            host.close();
        }
    }

    private void startDriver(long diskSize) throws Exception {
        host.install(TestDrivers.sample(RAMDISK), false);
        host.store().parameters("ramdisk").put("DiskSize", FxParameters.Value.ofULong(diskSize));
        driver = host.start("ramdisk", VerifierSettings.on(), hosting);
        assertThat(driver.isRunning()).as("%s", driver.report()).isTrue();
    }

    /** Adds a RAM disk and waits for its loop device; answers its file. */
    private DeviceFiles.DeviceFile addDisk() {
        PnpManager.DevNode node = host.pnp().addDevice(HARDWARE_ID);
        assertThat(node.status()).isEqualTo(PnpManager.Status.STARTED);
        return await().atMost(WAIT).until(() -> host.deviceFiles().orElseThrow().files().stream()
                .filter(f -> node.instanceId().equals(f.instanceId()) && f.disk() != null
                        && f.disk().blockDevice() != null).findFirst().orElse(null), f -> f != null);
    }

    private static void assumeTools(String... tools) {
        for (String tool : tools) {
            boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(":"))
                    .anyMatch(d -> Files.isExecutable(Path.of(d, tool)))
                    || Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
            Assumptions.assumeTrue(found, tool + " is missing (Debian: e2fsprogs, util-linux, coreutils; ./wdf4j test"
                    + " installs them when run as root)");
        }
    }

    private long[] statistics() {
        String path = host.client().interfaces(Disk.GUID_DEVINTERFACE_DISK).getFirst().path();
        try (DeviceHandle handle = host.client().open(path).value()) {
            IoResult result = handle.deviceIoControl(QUERY_STATISTICS, new byte[0], 24);
            assertThat(result.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            ByteBuffer b = ByteBuffer.wrap(result.data()).order(ByteOrder.LITTLE_ENDIAN);
            return new long[] {b.getLong(0), b.getLong(8), b.getLong(16)};
        }
    }

    @Test
    void h1_h3_mkfsMountWriteReadBackUmountFsck() throws Exception {
        assumeTools("mkfs.ext4", "e2fsck", "blockdev", "mount", "umount");
        startDriver(SIZE);
        DeviceFiles.DeviceFile disk = addDisk();
        Path link = disk.disk().link();
        assertThat(link.getFileName().toString()).startsWith(DeviceFiles.DISK_PREFIX);
        assertThat(Files.readSymbolicLink(link)).isEqualTo(disk.disk().blockDevice());
        assertThat(Files.size(disk.file())).isEqualTo(SIZE);
        assertThat(FuseTests.ok("blockdev", "--getsize64", link.toString()).trim()).isEqualTo(Long.toString(SIZE));

        FuseTests.ok("mkfs.ext4", "-q", "-F", link.toString());
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        long seed = System.nanoTime();
        byte[] data = new byte[300_000];
        new Random(seed).nextBytes(data);
        FuseTests.ok("mount", link.toString(), mnt.toString());
        try {
            Files.write(mnt.resolve("file.bin"), data);
            FuseTests.ok("sync", "-f", mnt.resolve("file.bin").toString());
            FuseTests.ok("sh", "-c", "echo 3 > /proc/sys/vm/drop_caches");
            assertThat(Files.readAllBytes(mnt.resolve("file.bin"))).as("seed %d", seed).isEqualTo(data);
        } finally {
            FuseTests.ok("umount", mnt.toString());
        }
        FuseTests.ok("e2fsck", "-f", "-n", link.toString());
        assertThat(statistics()[2]).as("flushes the driver saw (fsync of the loop's file)").isPositive();
    }

    @Test
    void h1_h3_offsetsThroughTheFileAndTheLoopDevice() throws Exception {
        assumeTools("dd");
        startDriver(SIZE);
        DeviceFiles.DeviceFile disk = addDisk();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (RandomAccessFile file = new RandomAccessFile(disk.file().toFile(), "rw")) {
            for (int i = 0; i < 8; i++) {
                long sector = random.nextLong(SIZE / 512 - 8);
                byte[] block = new byte[512 * (1 + random.nextInt(8))];
                random.nextBytes(block);
                file.seek(sector * 512);
                file.write(block);
                String read = dir.resolve("read" + i).toString();
                FuseTests.ok("dd", "if=" + disk.disk().blockDevice(), "of=" + read, "bs=512", "skip=" + sector,
                        "count=" + block.length / 512, "iflag=direct", "status=none");
                assertThat(Files.readAllBytes(Path.of(read))).as("seed %d, sector %d", seed, sector).isEqualTo(block);

                long other = random.nextLong(SIZE / 512 - 8);
                byte[] written = new byte[4096];
                random.nextBytes(written);
                Path source = Files.write(dir.resolve("write" + i), written);
                FuseTests.ok("dd", "if=" + source, "of=" + disk.disk().blockDevice(), "bs=512", "seek=" + other,
                        "oflag=direct", "conv=notrunc", "status=none");
                byte[] back = new byte[written.length];
                file.seek(other * 512);
                file.readFully(back);
                assertThat(back).as("seed %d, sector %d", seed, other).isEqualTo(written);
            }
            // The end of the disk: a read there is end of file, a write there fails.
            file.seek(SIZE - 100);
            byte[] tail = new byte[4096];
            assertThat(file.read(tail)).isEqualTo(100);
            assertThat(file.read(tail)).isEqualTo(-1);
            file.seek(SIZE);
            assertThatThrownBy(() -> file.write(new byte[512])).isInstanceOf(IOException.class);
        }
    }

    @Test
    void h1_h3_fioRandomReadWriteWithVerificationThroughTheLoopDevice() throws Exception {
        assumeTools("fio");
        startDriver(SIZE);
        DeviceFiles.DeviceFile disk = addDisk();
        long[] before = statistics();
        // A seeded random 4 KiB read/write mix over 4 MiB, direct I/O, every written block read back and checked
        // (crc32c in each block's header); fio exits non-zero on a verification failure or an I/O error.
        int seed = new Random().nextInt(1, Integer.MAX_VALUE);
        FuseTests.Ran fio = FuseTests.run("fio", "--name=verify", "--filename=" + disk.disk().link(), "--rw=randrw",
                "--bs=4k", "--size=4m", "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--direct=1",
                "--verify_state_save=0", "--ioengine=psync", "--randrepeat=1", "--randseed=" + seed,
                "--output-format=terse");
        assertThat(fio.exit()).as("fio --randseed=%d:%n%s", seed, fio.output()).isZero();
        // Terse version 3: field 5 is the job's error, 6 the KiB read, 47 the KiB written.
        String[] terse = fio.output().lines().filter(l -> l.startsWith("3;")).findFirst().orElseThrow().split(";");
        assertThat(terse[4]).as("fio's error, seed %d", seed).isEqualTo("0");
        assertThat(Long.parseLong(terse[46])).as("KiB written, seed %d", seed).isPositive();
        long[] after = statistics();
        assertThat(after[0] - before[0]).as("reads the driver saw").isPositive();
        assertThat(after[1] - before[1]).as("writes the driver saw").isPositive();
    }

    @Test
    void h1_h3_removalAndDriverStopDetachTheLoopDevice() throws Exception {
        startDriver(SIZE);
        DeviceFiles.DeviceFile disk = addDisk();
        Path backing = Path.of("/sys/block").resolve(disk.disk().blockDevice().getFileName()).resolve("loop");
        assertThat(backing).exists();
        host.pnp().removeDevice(disk.instanceId());
        await().atMost(WAIT).until(() -> !Files.exists(backing));
        assertThat(Files.exists(disk.disk().link(), LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(disk.file()).doesNotExist();

        DeviceFiles.DeviceFile again = addDisk();
        Path backingAgain = Path.of("/sys/block").resolve(again.disk().blockDevice().getFileName()).resolve("loop");
        host.stop(driver);
        await().atMost(WAIT).until(() -> !Files.exists(backingAgain));
        assertThat(LoopDevice.attachedUnder(host.deviceFiles().orElseThrow().root())).isEmpty();
    }

    @Test
    void h1_h3_aSizeThatIsNotWholeSectorsIsRefused() throws Exception {
        startDriver(1000);
        PnpManager.DevNode node = host.pnp().addDevice(HARDWARE_ID);
        assertThat(node.status()).isNotEqualTo(PnpManager.Status.STARTED);
        assertThat(host.deviceFiles().orElseThrow().files()).isEmpty();
        assertThat(TestDrivers.printed(host.stop(driver))).anySatisfy(line -> assertThat(line)
                .contains("1000 bytes is not a multiple of the sector size 512"));
    }
}
