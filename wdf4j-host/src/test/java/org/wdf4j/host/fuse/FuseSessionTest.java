package org.wdf4j.host.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mounts one file through {@link FuseSession} and lets real programs ({@code sh}, {@code cat})
 * write to and read from it. Skipped, saying why, where {@code /dev/fuse} is missing or the
 * process may not mount.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FuseSessionTest {

    @TempDir
    Path dir;

    private FuseSession session;

    @AfterEach
    void unmount() {
        if (session != null) {
            session.close();
        }
    }

    @Test
    void realProgramsWriteAndReadThroughTheMountedFile() throws Exception {
        Path file = dir.resolve("echo0");
        session = FuseTests.mountOrSkip(file, new EchoHandler());
        assertThat(session.protocolMinor()).isGreaterThanOrEqualTo(FuseProtocol.MIN_MINOR_VERSION);
        assertThat(Files.getAttribute(file, "unix:mode")).isEqualTo(FuseProtocol.S_IFREG | 0666);

        assertThat(FuseTests.ok("sh", "-c", "printf hello > \"$1\"", "sh", file.toString())).isEmpty();
        assertThat(FuseTests.ok("cat", file.toString())).isEqualTo("hello");

        Thread reader = session.readerThread();
        session.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !reader.isAlive());
        assertThat(session.isRunning()).isFalse();
        assertThat(Files.isRegularFile(file)).isTrue();
        assertThat(Files.size(file)).isZero(); // the original, empty mount point is back
    }

    /** Keeps what programs write and hands it back to the next reads, like the echo sample. */
    private static final class EchoHandler implements FuseFileHandler {
        private final ByteArrayOutputStream stored = new ByteArrayOutputStream();
        private long nextHandle = 1;

        @Override
        public long open(int uid, int gid, int pid, int flags) {
            return nextHandle++;
        }

        @Override
        public int read(long fh, ByteBuffer dst, long offset) {
            byte[] data = stored.toByteArray();
            int n = Math.min(data.length, dst.remaining());
            dst.put(data, 0, n);
            stored.reset();
            stored.write(data, n, data.length - n);
            return n;
        }

        @Override
        public int write(long fh, ByteBuffer src, long offset) {
            int n = src.remaining();
            byte[] bytes = new byte[n];
            src.get(bytes);
            stored.writeBytes(bytes);
            return n;
        }

        @Override
        public void release(long fh) {
        }
    }
}
