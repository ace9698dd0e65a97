package org.wdf4j.samples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.wdf4j.samples.FileIo;
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
        assertThat(FileIo.writeThenRead(file, "through a file")).isEqualTo("through a file");
    }
}
