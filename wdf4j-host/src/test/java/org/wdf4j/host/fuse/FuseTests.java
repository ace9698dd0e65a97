package org.wdf4j.host.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the FUSE tests share: mounting (or skipping, saying why), and running real programs against a mount: short
 * ones to completion ({@link #run}), long ones line by line ({@link Program}), among them the Python client
 * {@code src/test/resources/fuse/devclient.py}.
 */
public final class FuseTests {

    /** The tests' client program: ioctl, interrupted reads, poll, held opens (see the script's docstring). */
    public static final Path DEVCLIENT = Path.of("src/test/resources/fuse/devclient.py").toAbsolutePath();

    /** The system's Python 3 (a pyenv shim in front of it costs half a second per start), else the one on the PATH. */
    public static final String PYTHON = java.nio.file.Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3"
            : "python3";

    /** How a program ended. */
    public record Ran(int exit, String output) {
    }

    private FuseTests() {
    }

    /** Skips the test where {@code /dev/fuse} is missing. */
    public static void assumeFuse() {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")),
                "/dev/fuse is missing: FUSE tests need the fuse device (modprobe fuse)");
        Assumptions.assumeTrue(LibC.geteuid() == 0,
                "FUSE tests mount file systems, which needs root (CAP_SYS_ADMIN); running as uid " + LibC.geteuid());
    }

    /** Mounts {@code dir}, or skips the test where /dev/fuse is missing or this process may not mount. */
    static FuseSession mountOrSkip(Path dir, FuseSession.Options options) throws IOException {
        assumeFuse();
        try {
            return FuseSession.mount(dir, options);
        } catch (ErrnoException e) {
            Assumptions.assumeFalse(e.errno() == LibC.EPERM || e.errno() == LibC.EACCES,
                    "not allowed to use FUSE here: " + e.getMessage());
            throw e;
        }
    }

    /** Runs a program, fails unless it exits with 0 within ten seconds, returns its output. */
    public static String ok(String... command) throws IOException, InterruptedException {
        Ran ran = run(command);
        assertThat(ran.exit()).as("exit status of %s, output: %s", String.join(" ", command), ran.output()).isZero();
        return ran.output();
    }

    /** Runs the Python client with these arguments; answers its one line of output (trimmed). */
    public static String client(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, DEVCLIENT.toString()));
        command.addAll(List.of(arguments));
        return ok(command.toArray(String[]::new)).trim();
    }

    /** Runs a program, fails unless it ends within ten seconds, answers its exit status and output (stdout+stderr). */
    public static Ran run(String... command) throws IOException, InterruptedException {
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
            boolean exited = process.waitFor(10, TimeUnit.SECONDS);
            assertThat(exited).as("%s exited in time", String.join(" ", command)).isTrue();
            pump.join(Duration.ofSeconds(2));
            return new Ran(process.exitValue(), output.toString(StandardCharsets.UTF_8));
        } finally {
            process.destroyForcibly();
        }
    }

    /** A program that runs while the test goes on; its output lines are read as they come. */
    public static final class Program implements AutoCloseable {

        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        private Program(Process process) {
            this.process = process;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // killed
                }
            });
        }

        /** Starts the Python client with these arguments. */
        public static Program client(String... arguments) throws IOException {
            List<String> command = new ArrayList<>(List.of(PYTHON, DEVCLIENT.toString()));
            command.addAll(List.of(arguments));
            return new Program(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        /** Starts any program. */
        public static Program start(String... command) throws IOException {
            return new Program(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        /** The next line of output, waiting up to ten seconds for it (fails the test after that). */
        public String nextLine() throws InterruptedException {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("a line of output from %s", process.info().commandLine().orElse("the program"))
                    .isNotNull();
            return line;
        }

        /** Closes its standard input. */
        public void closeInput() throws IOException {
            process.getOutputStream().close();
        }

        public long pid() {
            return process.pid();
        }

        /** Sends SIGKILL. */
        public void kill() {
            process.destroyForcibly();
        }

        /** Waits up to ten seconds for it to end; answers its exit status. */
        public int awaitExit() throws InterruptedException {
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the program ended in time").isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
