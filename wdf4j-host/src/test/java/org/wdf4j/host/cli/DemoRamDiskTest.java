package org.wdf4j.host.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.wdf4j.host.fuse.LoopDevice;

/**
 * The end of {@code wdf4j demo}: the RAM disk sample as a new user sees it (issue #15). Where it can run (root,
 * e2fsprogs, loop devices, FUSE) it formats, mounts, writes and lists a file, unmounts and removes the device, and the
 * driver unloads clean; elsewhere it says in one line why it is skipped and the demo still succeeds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DemoRamDiskTest {

    static final Path RAMDISK = Path.of(System.getProperty("wdf4j.test.drivers", "target/drivers"))
            .resolve("wdf4j-sample-ramdisk.jar");

    private record Shown(int exit, String out) {
    }

    private static Shown ramDisk(Path jar) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = DemoCommand.ramDisk(jar);
            return new Shown(exit, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void theDemoEndsWithTheRamDiskFormattedMountedUsedAndRemoved() throws Exception {
        Shown shown = ramDisk(RAMDISK);
        assertThat(shown.exit()).as(shown.out()).isZero();
        boolean canRun = "root".equals(System.getProperty("user.name")) && LoopDevice.unavailableReason() == null
                && (java.nio.file.Files.isExecutable(Path.of("/usr/sbin/mkfs.ext4"))
                        || java.nio.file.Files.isExecutable(Path.of("/sbin/mkfs.ext4")));
        if (!canRun) {
            assertThat(shown.out().strip()).startsWith("== (the RAM disk part is skipped: ").doesNotContain("\n");
            return;
        }
        assertThat(shown.out()).contains("== Driver 'ramdisk' started",
                "ROOT\\RAMDISK\\0000  ROOT\\RAMDISK  ramdisk  STARTED",
                "diskWDF0 -> /dev/loop", "-rw------- 1 root root 16777216 ", "mkfs.ext4 -q ", "$ mount ",
                "hello.txt", "lost+found", "\nHello from a disk driver written in Java\n", "$ umount ",
                "== Device removed", "== ramdisk: clean").doesNotContain("exit status");
        assertThat(shown.out().indexOf("$ umount ")).isGreaterThan(shown.out().indexOf("Hello from a disk driver"));
    }

    @Test
    void withoutTheSampleItSaysWhyItIsSkipped() throws Exception {
        Shown shown = ramDisk(null);
        assertThat(shown.exit()).isZero();
        assertThat(shown.out().strip())
                .isEqualTo("== (the RAM disk part is skipped: samples/ramdisk/target/ramdisk.jar is not built)");
    }
}
