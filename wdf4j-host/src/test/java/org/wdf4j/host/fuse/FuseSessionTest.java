package org.wdf4j.host.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
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
        session = mountOrSkip(file, new EchoHandler());
        assertThat(session.protocolMinor()).isGreaterThanOrEqualTo(FuseProtocol.MIN_MINOR_VERSION);
        assertThat(Files.getAttribute(file, "unix:mode")).isEqualTo(FuseProtocol.S_IFREG | 0666);

        assertThat(run("sh", "-c", "printf hello > \"$1\"", "sh", file.toString())).isEmpty();
        assertThat(run("cat", file.toString())).isEqualTo("hello");

        Thread reader = session.readerThread();
        session.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> !reader.isAlive());
        assertThat(session.isRunning()).isFalse();
        assertThat(Files.isRegularFile(file)).isTrue();
        assertThat(Files.size(file)).isZero(); // the original, empty mount point is back
    }

    private static FuseSession mountOrSkip(Path file, FuseFileHandler handler) throws IOException {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")),
                "/dev/fuse is missing: FUSE tests need the fuse device");
        try {
            return FuseSession.mount(file, 0666, handler);
        } catch (ErrnoException e) {
            Assumptions.assumeFalse(e.errno() == LibC.EPERM || e.errno() == LibC.EACCES,
                    "not allowed to use FUSE here: " + e.getMessage());
            throw e;
        }
    }

    /** Runs a program, fails unless it exits with 0 within five seconds, returns its output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getOutputStream().close();
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            Thread pump = Thread.ofVirtual().start(() -> {
                try {
                    process.getInputStream().transferTo(output);
                } catch (IOException ignored) {
                    // the process ended or was killed
                }
            });
            boolean exited = process.waitFor(5, TimeUnit.SECONDS);
            assertThat(exited).as("%s exited in time", String.join(" ", command)).isTrue();
            pump.join(Duration.ofSeconds(2));
            String text = output.toString(StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("exit status of %s, output: %s", String.join(" ", command), text)
                    .isZero();
            return text;
        } finally {
            process.destroyForcibly();
        }
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
