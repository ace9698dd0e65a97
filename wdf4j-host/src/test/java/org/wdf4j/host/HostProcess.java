package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.wdf4j.host.cli.Wdf4jCommand;

/**
 * A {@code wdf4j host} (or another {@code wdf4j} command: {@link #command}) running in a process of its own, started as the {@code wdf4j} launcher starts it (its JVM
 * flags, the host's code as modules: {@link LauncherRun}), as a user meets it: its output is read line by line while
 * the test goes on, and it can be killed with SIGKILL.
 */
final class HostProcess implements AutoCloseable {

    private final Process process;
    /** Every line the host printed so far (standard output and error), in order; guarded by itself. */
    private final List<String> output = new ArrayList<>();
    /** The lines not yet consumed by {@link #awaitLine}. */
    private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();

    private HostProcess(Process process) {
        this.process = process;
        // A platform thread: a virtual one reading a pipe pins its carrier, and a test that runs a few processes
        // (TraceTest) would take every carrier of a 2-CPU machine from the host's own virtual threads.
        Thread.ofPlatform().daemon().name("wdf4j-test-process-output").start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    unread.add(line);
                }
            } catch (IOException ignored) {
                // killed
            }
        });
    }

    /** Starts {@code wdf4j host --state-dir STATE --no-device-files ARGS} and waits until it listens. */
    static HostProcess start(Path state, String... args) throws IOException, InterruptedException {
        HostProcess host = launch(state, args);
        host.awaitLine(l -> l.startsWith("wdf4j host: pid "));
        return host;
    }

    /** As {@link #start(Path, String...)}, the host's JVM given {@code jvmOptions} too (test hooks). */
    static HostProcess startWith(Path state, List<String> jvmOptions, String... args)
            throws IOException, InterruptedException {
        HostProcess host = launch(state, jvmOptions, args);
        host.awaitLine(l -> l.startsWith("wdf4j host: pid "));
        return host;
    }

    /** Starts {@code wdf4j host --state-dir STATE --no-device-files ARGS} without waiting for it. */
    static HostProcess launch(Path state, String... args) throws IOException {
        return launch(state, List.of(), args);
    }

    private static HostProcess launch(Path state, List<String> jvmOptions, String... args) throws IOException {
        List<String> host = new ArrayList<>(List.of("host", "--state-dir", state.toString(), "--no-device-files"));
        host.addAll(List.of(args));
        return wdf4j(jvmOptions, host);
    }

    /** Starts {@code wdf4j ARGS} (any command, e.g. {@code trace}) in a process of its own, as the launcher does. */
    static HostProcess command(String... args) throws IOException {
        return wdf4j(List.of(), List.of(args));
    }

    private static HostProcess wdf4j(List<String> jvmOptions, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(LauncherRun.launcherJvmFlags());
        command.addAll(jvmOptions);
        command.addAll(LauncherRun.launcherClassData());
        command.add("-Dwdf4j.home=" + Path.of(System.getProperty("wdf4j.home", "..")).toAbsolutePath().normalize());
        command.addAll(HostCode.launch(Wdf4jCommand.class));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        return new HostProcess(process);
    }

    /** Waits up to 60 s for a line of output that matches; fails the test with the output so far otherwise. */
    String awaitLine(Predicate<String> matching) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            String line = unread.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("the host printed no such line within 60 s (alive: " + process.isAlive()
                        + "); its output:\n" + output());
            }
            if (matching.test(line)) {
                return line;
            }
        }
    }

    /** All it printed so far. */
    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGTERM (as Ctrl-C ends a command), and waits for it to end. */
    void terminate() throws InterruptedException {
        process.destroy();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the terminated process ended").isTrue();
    }

    /** SIGKILL, and waits for it to end. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the killed host ended").isTrue();
    }

    /** Asks the host to shut down ({@code wdf4j host shutdown}) and waits for it to end; answers its exit status. */
    int shutdown(Path state) throws InterruptedException {
        CliRun run = CliRun.of("host", "shutdown", "--state-dir", state.toString());
        if (run.exit() != 0) {
            throw new AssertionError("wdf4j host shutdown: " + run);
        }
        return awaitExit();
    }

    /** Waits up to 60 s for it to end; answers its exit status. */
    int awaitExit() throws InterruptedException {
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the host ended in time; its output:\n%s", output())
                .isTrue();
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
