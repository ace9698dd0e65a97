package org.wdf4j.host;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.wdf4j.host.cli.Wdf4jCommand;

/**
 * A {@code wdf4j host} process on a state directory, started as the {@code wdf4j} launcher starts it
 * ({@link LauncherRun}), with its output (standard output and error) in a file. The test's own {@code wdf4j} commands
 * ({@link CliRun}) reach it through its control socket.
 */
final class HostProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private HostProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code wdf4j host --no-device-files --state-dir STATE} with these JVM options; waits until it listens. */
    static HostProcess start(Path state, Path log, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LauncherRun.launcherJvmFlags());
        command.addAll(List.of(jvmOptions));
        command.add("-Dwdf4j.home=" + Path.of(System.getProperty("wdf4j.home", "..")).toAbsolutePath().normalize());
        command.addAll(HostCode.launch(Wdf4jCommand.class));
        command.addAll(List.of("host", "--no-device-files", "--state-dir", state.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        HostProcess host = new HostProcess(process, log);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                    .failFast("the host ended", () -> !process.isAlive())
                    .until(() -> host.output().contains(", listening on "));
        } catch (RuntimeException e) {
            host.close();
            throw new AssertionError("wdf4j host did not start; its output:\n" + host.output(), e);
        }
        return host;
    }

    /** What the host printed so far. */
    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGKILL and waits for the process to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("wdf4j host " + process.pid() + " did not end after SIGKILL");
        }
    }

    /** Asks the host to shut down ({@code wdf4j host shutdown}) and waits for it to end; answers its exit status. */
    int shutdown(Path state) throws InterruptedException {
        CliRun run = CliRun.of("host", "shutdown", "--state-dir", state.toString());
        if (run.exit() != 0) {
            throw new AssertionError("wdf4j host shutdown: " + run);
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("wdf4j host " + process.pid() + " did not end after wdf4j host shutdown");
        }
        return process.exitValue();
    }

    /** Kills the process if it still runs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
