package org.wdf4j.samples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.wdf4j.test.DriverTest;
import org.wdf4j.test.DriverUnderTest;

/**
 * The echo device as a program on Linux sees it: a file under the mount root, written and read with plain file I/O.
 * Skipped, saying why, where FUSE cannot be used.
 */
@DriverTest(entry = EchoDriver.class, name = "echo", hardwareIds = "ROOT\\ECHO", devices = "ROOT\\ECHO",
        deviceFiles = true)
class EchoDeviceFileTest {

    @Test
    void theDeviceFileEchoesWhatIsWrittenToIt(DriverUnderTest driver) throws IOException {
        Path file = driver.deviceFile(EchoDriver.GUID_DEVINTERFACE_ECHO);
        assertThat(file).isEqualTo(driver.mountRoot().resolve("echo0"));
        try (FileChannel echo = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            assertThat(echo.write(ByteBuffer.wrap("through a file".getBytes(StandardCharsets.UTF_8)))).isEqualTo(14);
            ByteBuffer read = ByteBuffer.allocate(64);
            assertThat(echo.read(read)).isEqualTo(14);
            assertThat(new String(read.array(), 0, 14, StandardCharsets.UTF_8)).isEqualTo("through a file");
        }
    }
}
