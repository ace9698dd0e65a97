package org.wdf4j.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.fuse.ErrnoException;
import org.wdf4j.host.fuse.FuseSession;
import org.wdf4j.host.fuse.LibC;

/**
 * Mounts a test host's devices as files ({@link DriverTest#deviceFiles()}), or skips the test, saying why in one line,
 * where FUSE cannot be used: no {@code /dev/fuse}, not root, or mounting refused.
 */
final class DeviceFileMount {

    private DeviceFileMount() {
    }

    static void mount(DriverHost host, Path root) throws IOException {
        Path fuse = Path.of("/dev/fuse");
        Assumptions.assumeTrue(Files.exists(fuse), "@DriverTest(deviceFiles = true) needs /dev/fuse, which is missing "
                + "(modprobe fuse; in a container, --device /dev/fuse)");
        Assumptions.assumeTrue(FuseSession.effectiveUid() == 0, "@DriverTest(deviceFiles = true) mounts a FUSE file "
                + "system, which needs root (CAP_SYS_ADMIN); running as uid " + FuseSession.effectiveUid());
        try {
            host.mountDevices(root);
        } catch (ErrnoException e) {
            Assumptions.assumeFalse(e.errno() == LibC.EPERM || e.errno() == LibC.EACCES,
                    "@DriverTest(deviceFiles = true): not allowed to mount a FUSE file system here: " + e.getMessage());
            throw e;
        }
    }
}
