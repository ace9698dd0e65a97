package org.wdf4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.wdf4j.host.HostingModel;
import org.wdf4j.test.sample.StoreDriver;

/**
 * {@code @DriverTest(deviceFiles = true)}: the device's interface is a file under the mount root, which the test
 * writes and reads with plain java.nio file I/O as a program would (a device file is a stream: no positional I/O), in-process and isolated; the file goes with the
 * device. Skipped, saying why, where FUSE cannot be used.
 */
class DeviceFilesDriverTestTest {

    abstract static class Tests {
        @Test
        void theDeviceIsAFileWrittenAndReadWithPlainFileIo(DriverUnderTest driver) throws IOException {
            Path file = driver.deviceFile(StoreDriver.GUID_DEVINTERFACE_STORE);
            assertThat(file.getParent()).isEqualTo(driver.mountRoot());
            assertThat(file.getFileName().toString()).isEqualTo("wdf4jstore0");
            assertThat(driver.deviceFiles()).containsExactly(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                assertThat(channel.write(ByteBuffer.wrap("through the file".getBytes(StandardCharsets.UTF_8))))
                        .isEqualTo(16);
                ByteBuffer read = ByteBuffer.allocate(64);
                assertThat(channel.read(read)).isEqualTo(16);
                assertThat(new String(read.array(), 0, 16, StandardCharsets.UTF_8)).isEqualTo("through the file");
            }
            driver.pnp().removeDevice(driver.pnp().devices().getFirst().instanceId());
            assertThat(driver.deviceFiles()).isEmpty();
        }
    }

    @Nested
    @DriverTest(entry = StoreDriver.class, hardwareIds = StoreDriver.HARDWARE_ID, devices = StoreDriver.HARDWARE_ID,
            deviceFiles = true)
    class InProcess extends Tests {
    }

    @Nested
    @DriverTest(entry = StoreDriver.class, hardwareIds = StoreDriver.HARDWARE_ID, devices = StoreDriver.HARDWARE_ID,
            deviceFiles = true, hosting = HostingModel.ISOLATED)
    class Isolated extends Tests {
    }
}
