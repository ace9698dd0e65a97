package org.wdf4j.host.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** What the FUSE tests share: mounting (or skipping, saying why) and running real programs against a mount. */
final class FuseTests {

    /** How a program ended. */
    record Ran(int exit, String output) {
    }

    private FuseTests() {
    }

    /** Mounts {@code file}, or skips the test where /dev/fuse is missing or this process may not mount. */
    static FuseSession mountOrSkip(Path file, FuseFileHandler handler) throws IOException {
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
    static String ok(String... command) throws IOException, InterruptedException {
        Ran ran = run(command);
        assertThat(ran.exit()).as("exit status of %s, output: %s", String.join(" ", command), ran.output()).isZero();
        return ran.output();
    }

    /** Runs a program, fails unless it ends within five seconds, answers its exit status and output (stdout+stderr). */
    static Ran run(String... command) throws IOException, InterruptedException {
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
            return new Ran(process.exitValue(), output.toString(StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }
}
