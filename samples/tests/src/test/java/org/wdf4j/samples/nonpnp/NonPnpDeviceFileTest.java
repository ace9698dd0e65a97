package org.wdf4j.samples.nonpnp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.wdf4j.samples.FileIo;
import org.wdf4j.test.DriverTest;
import org.wdf4j.test.DriverUnderTest;

/**
 * The nonpnp control device as a program on Linux sees it: {@code nonpnp} under the mount root, written and read with
 * plain file I/O, each open counted by the driver. Skipped, saying why, where FUSE cannot be used.
 */
@DriverTest(entry = NonPnpDriver.class, name = "nonpnp", deviceFiles = true)
class NonPnpDeviceFileTest {

    @Test
    void theControlDeviceIsAFileWhoseWritesAreReadBack(DriverUnderTest driver) throws IOException {
        Path file = driver.deviceFile(NonPnpTests.PATH);
        assertThat(file).isEqualTo(driver.mountRoot().resolve("nonpnp"));
        assertThat(FileIo.writeThenRead(file, "by file")).isEqualTo("by file");
        try (var device = driver.open(NonPnpTests.PATH)) {
            long[] stats = NonPnpTests.longs(device.deviceIoControl(NonPnpDriver.IOCTL_NONPNP_GET_STATS, null,
                    NonPnpDriver.STATS_LENGTH));
            // The file's close reaches the driver later (the kernel sends FUSE's RELEASE after close(2) returns): not
            // counted here.
            assertThat(stats).as("reads, writes, opens, closes").startsWith(1, 1, 2);
        }
    }
}
