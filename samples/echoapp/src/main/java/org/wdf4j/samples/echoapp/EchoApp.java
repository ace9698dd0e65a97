package org.wdf4j.samples.echoapp;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.client.IoException;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;
import org.wdf4j.samples.echo.EchoDriver;

/**
 * The echo application, after Microsoft's {@code echoapp}: a client (not a driver) of the echo sample driver, written
 * against the host's client API, {@link IoClient}, the Java shape of Win32's device calls.
 *
 * <p>It shows how an application:
 * <ul>
 *   <li>finds a device by its interface class ({@link IoClient#interfaces}, the {@code CM_Get_Device_Interface_List}
 *       of Win32) with {@link EchoDriver#GUID_DEVINTERFACE_ECHO}, and opens it by the path it answers
 *       ({@code CreateFile});</li>
 *   <li>writes a buffer and reads it back, one request at a time ({@link #performWriteReadTest}: {@code WriteFile}
 *       then {@code ReadFile}), for {@link #SYNC_TEST_LENGTHS} bytes, and verifies the pattern
 *       ({@code byte i = (byte) i});</li>
 *   <li>keeps {@link #NUM_ASYNC_IO} reads and as many writes in flight at once ({@link #performAsyncIo}:
 *       {@code ReadFile}/{@code WriteFile} with an {@code OVERLAPPED}), waits for all, and counts how each
 *       completed.</li>
 * </ul>
 *
 * <p>{@link #runAll(IoClient)} does all of it and answers a {@link Report}; {@link Report#render()} prints like
 * Microsoft's tool. Nothing here throws for a failed test: failures are in the report. Every wait is bounded (by
 * {@link #DEFAULT_TIMEOUT} unless given), so a driver that never completes a request fails the test instead of hanging
 * it; requests still in flight then are cancelled ({@code CancelIoEx}).
 */
public final class EchoApp {

    /** The lengths the synchronous test writes and reads back: 512 bytes, then 30 KiB. */
    public static final List<Integer> SYNC_TEST_LENGTHS = List.of(512, 30 * 1024);

    /** How many reads, and how many writes, the asynchronous test keeps in flight at once. */
    public static final int NUM_ASYNC_IO = 100;

    /**
     * The length of each asynchronous read and write, 40 KiB: the longest write the echo driver accepts
     * ({@link EchoDriver#MAX_WRITE_LENGTH}).
     */
    public static final int ASYNC_BUFFER_SIZE = 40 * 1024;

    /** How long {@link #runAll(IoClient)} waits for one request (synchronous test) or for all (asynchronous test). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** Where {@link #main} finds the echo driver package when no path is given (from the source tree's root). */
    public static final String DEFAULT_ECHO_JAR = "samples/echo/target/echo.jar";

    /** How long requests cancelled after a timeout are given to complete. */
    private static final Duration CANCEL_GRACE = Duration.ofSeconds(5);

    private EchoApp() {
    }

    /**
     * Runs the application against a throw-away host: starts the echo driver ({@code args[0]}, default
     * {@link #DEFAULT_ECHO_JAR}) with the verifier on, adds a {@code ROOT\ECHO} device, runs {@link #runAll(IoClient)}
     * through the host's client, prints the report and stops the driver. Exits with 0 when every test passed and the
     * driver unloaded cleanly, 1 otherwise, 2 when the driver package cannot be loaded.
     */
    public static void main(String[] args) {
        System.exit(run(Path.of(args.length > 0 ? args[0] : DEFAULT_ECHO_JAR), System.out, System.err));
    }

    /** What {@link #main} does, answering the exit status instead of exiting. */
    public static int run(Path echoJar, PrintStream out, PrintStream err) {
        try (DriverHost host = DriverHost.create()) {
            HostedDriver echo = host.start(DriverPackage.open(echoJar), VerifierSettings.on());
            if (echo.report() != null) {
                err.println("echoapp: the echo driver failed to start");
                err.print(echo.report().render());
                return 1;
            }
            PnpManager.DevNode device = host.pnp().addDevice("ROOT\\ECHO");
            out.println("Device " + device.instanceId() + ": " + device.status()
                    + (device.problem() == null ? "" : " (" + device.problem() + ")"));
            Report report = runAll(host.client());
            out.print(report.render());
            UnloadReport unload = host.stop(echo);
            if (!unload.clean()) {
                err.println("echoapp: the echo driver did not unload cleanly");
                err.print(unload.render());
            }
            return report.passed() && unload.clean() ? 0 : 1;
        } catch (DriverPackageException e) {
            err.println("echoapp: " + e.getMessage());
            return 2;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Results

    /**
     * One write-and-read-back of the synchronous test.
     *
     * @param length the number of pattern bytes written and read back
     * @param write how the write completed (cancelled, if it did not complete in time), or null when it did not
     *     complete even then
     * @param read how the read completed (likewise), or null when it was not sent or did not complete
     * @param failure what went wrong, or null when the pattern came back intact
     */
    public record TransferResult(int length, IoResult write, IoResult read, String failure) {

        /** True when the write and the read succeeded with the full length and the pattern was verified. */
        public boolean passed() {
            return failure == null;
        }

        /** Lines in the manner of Microsoft's echoapp. */
        public String render() {
            StringBuilder out = new StringBuilder();
            if (write != null && write.isSuccess() && write.information() == length) {
                out.append(length).append(" Pattern Bytes Written successfully\n");
            }
            if (read != null && read.isSuccess() && read.information() == length) {
                out.append(length).append(" Pattern Bytes Read successfully\n");
            }
            out.append(passed() ? "Pattern Verified successfully" : "FAILED: " + failure).append('\n');
            return out.toString();
        }
    }

    /**
     * The asynchronous test: how the reads and writes that were in flight at once completed.
     *
     * @param reads the number of reads sent
     * @param writes the number of writes sent
     * @param bufferSize the length of each read and write
     * @param readStatuses how many reads completed with each status, in order of status code
     * @param writeStatuses how many writes completed with each status, in order of status code
     * @param bytesRead the information of all reads added up
     * @param bytesWritten the information of all writes added up
     * @param notCompleted requests that had not completed by the deadline even after being cancelled
     * @param badReads successful reads whose data was not a prefix of the pattern
     * @param shortWrites successful writes whose information was not {@code bufferSize}
     */
    public record AsyncResult(int reads, int writes, int bufferSize, Map<NtStatus, Integer> readStatuses,
                              Map<NtStatus, Integer> writeStatuses, long bytesRead, long bytesWritten,
                              int notCompleted, int badReads, int shortWrites) {

        public AsyncResult {
            readStatuses = Collections.unmodifiableMap(new LinkedHashMap<>(readStatuses));
            writeStatuses = Collections.unmodifiableMap(new LinkedHashMap<>(writeStatuses));
        }

        /** How many reads completed with {@code status}. */
        public int readsWith(NtStatus status) {
            return readStatuses.getOrDefault(status, 0);
        }

        /** How many writes completed with {@code status}. */
        public int writesWith(NtStatus status) {
            return writeStatuses.getOrDefault(status, 0);
        }

        /**
         * True when every read and write completed with STATUS_SUCCESS, every write took the whole buffer and every
         * read returned (a prefix of) the pattern.
         */
        public boolean passed() {
            return readsWith(NtStatus.STATUS_SUCCESS) == reads && writesWith(NtStatus.STATUS_SUCCESS) == writes
                    && notCompleted == 0 && badReads == 0 && shortWrites == 0;
        }

        /** A summary: counts per status, bytes moved, and what went wrong. */
        public String render() {
            StringBuilder out = new StringBuilder();
            out.append(String.format("Async I/O: %d reads and %d writes of %d bytes in flight at once%n", reads,
                    writes, bufferSize));
            readStatuses.forEach((status, n) -> out.append(String.format("  %d reads completed with %s%n", n, status)));
            writeStatuses.forEach((status, n) -> out.append(String.format("  %d writes completed with %s%n", n,
                    status)));
            out.append(String.format("  %d bytes read, %d bytes written%n", bytesRead, bytesWritten));
            if (notCompleted > 0) {
                out.append(String.format("  %d requests did not complete, even after being cancelled%n", notCompleted));
            }
            if (badReads > 0) {
                out.append(String.format("  %d reads returned data that is not the pattern%n", badReads));
            }
            if (shortWrites > 0) {
                out.append(String.format("  %d writes took less than %d bytes%n", shortWrites, bufferSize));
            }
            out.append(passed() ? "Async I/O completed successfully" : "FAILED: async I/O").append('\n');
            return out.toString();
        }
    }

    /**
     * What {@link #runAll} found.
     *
     * @param devicePath the path of the echo device's interface, or null when none was found
     * @param transfers the synchronous write-and-read-back tests run, in order (they stop at the first failure)
     * @param async the asynchronous test, or null when it was not run
     * @param failures what prevented the tests from running (no device, open failed), empty when nothing did
     */
    public record Report(String devicePath, List<TransferResult> transfers, AsyncResult async, List<String> failures) {

        public Report {
            transfers = List.copyOf(transfers);
            failures = List.copyOf(failures);
        }

        /** True when the device was found and opened and every test ran and passed. */
        public boolean passed() {
            return failures.isEmpty() && transfers.size() == SYNC_TEST_LENGTHS.size()
                    && transfers.stream().allMatch(TransferResult::passed) && async != null && async.passed();
        }

        /** The whole report, in the manner of Microsoft's echoapp, ending with PASSED or FAILED. */
        public String render() {
            StringBuilder out = new StringBuilder();
            if (devicePath != null) {
                out.append("DevicePath: ").append(devicePath).append('\n');
            }
            transfers.forEach(t -> out.append(t.render()));
            if (async != null) {
                out.append(async.render());
            }
            failures.forEach(f -> out.append("FAILED: ").append(f).append('\n'));
            out.append(passed() ? "PASSED" : "FAILED").append('\n');
            return out.toString();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // The application

    /** {@link #runAll(IoClient, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public static Report runAll(IoClient client) {
        return runAll(client, DEFAULT_TIMEOUT);
    }

    /**
     * Finds the echo device, runs the synchronous test on one handle (512 bytes, then 30 KiB; it stops at the first
     * failure) and the asynchronous test on another, as Microsoft's echoapp opens the device again for overlapped
     * I/O, and closes both handles.
     *
     * @param timeout how long to wait for one request of the synchronous test, and for all requests of the
     *     asynchronous test
     */
    public static Report runAll(IoClient client, Duration timeout) {
        Optional<String> found = findDevicePath(client);
        if (found.isEmpty()) {
            return new Report(null, List.of(), null,
                    List.of("No active device interfaces found. Is the sample driver loaded?"));
        }
        String path = found.get();
        List<String> failures = new ArrayList<>();

        List<TransferResult> transfers = new ArrayList<>();
        NtResult<DeviceHandle> opened = client.open(path);
        if (!opened.isSuccess()) {
            failures.add("Failed to open device: " + opened.status());
        } else {
            try (DeviceHandle device = opened.value()) {
                for (int length : SYNC_TEST_LENGTHS) {
                    TransferResult result = performWriteReadTest(device, length, timeout);
                    transfers.add(result);
                    if (!result.passed()) {
                        break;
                    }
                }
            }
        }

        AsyncResult async = null;
        opened = client.open(path);
        if (!opened.isSuccess()) {
            failures.add("Failed to open device for async I/O: " + opened.status());
        } else {
            try (DeviceHandle device = opened.value()) {
                async = performAsyncIo(device, NUM_ASYNC_IO, ASYNC_BUFFER_SIZE, timeout);
            }
        }
        return new Report(path, transfers, async, failures);
    }

    /**
     * The path of the first enabled echo interface (Microsoft's {@code GetDevicePath}), or empty when there is none;
     * when there are several, the first device added is taken, as Microsoft's tool does.
     */
    public static Optional<String> findDevicePath(IoClient client) {
        List<IoClient.DeviceInterface> interfaces = client.interfaces(EchoDriver.GUID_DEVINTERFACE_ECHO);
        return interfaces.isEmpty() ? Optional.empty() : Optional.of(interfaces.getFirst().path());
    }

    /**
     * Writes {@code length} pattern bytes, reads {@code length} bytes back and verifies the pattern (Microsoft's
     * {@code PerformWriteReadTest}). One request at a time, each waited for (at most {@code timeout}; a request that
     * takes longer is cancelled and the test fails). It sends each request with the {@code Async} form and waits for
     * it ({@code GetOverlappedResult}) rather than calling {@link DeviceHandle#write}/{@link DeviceHandle#read},
     * which would wait however long the driver keeps the request.
     *
     * <p>Passes when the write completes with success and information {@code length}, the read completes with success
     * and returns exactly {@code length} bytes, and byte {@code i} of them is {@code (byte) i}. Lengths above
     * {@link EchoDriver#MAX_WRITE_LENGTH} are refused by the driver, so such a test fails (STATUS_BUFFER_OVERFLOW).
     */
    public static TransferResult performWriteReadTest(DeviceHandle device, int length, Duration timeout) {
        byte[] pattern = createPatternBuffer(length);
        Waited write = await(device.writeAsync(pattern), timeout);
        if (write.timedOut()) {
            return new TransferResult(length, write.result(), null, "WriteFile " + write.describeTimeout(timeout));
        }
        if (!write.result().isSuccess()) {
            return new TransferResult(length, write.result(), null, "WriteFile failed: " + write.result().status());
        }
        if (write.result().information() != length) {
            return new TransferResult(length, write.result(), null,
                    "bytes written is not test length! Written " + write.result().information() + ", SB " + length);
        }
        Waited read = await(device.readAsync(length), timeout);
        if (read.timedOut()) {
            return new TransferResult(length, write.result(), read.result(), "ReadFile " + read.describeTimeout(timeout));
        }
        IoResult data = read.result();
        if (!data.isSuccess()) {
            return new TransferResult(length, write.result(), data, "ReadFile failed: " + data.status());
        }
        if (data.information() != length || data.data().length != length) {
            return new TransferResult(length, write.result(), data,
                    "bytes Read is not test length! Read " + data.information() + ", SB " + length);
        }
        int mismatch = verifyPatternBuffer(data.data());
        if (mismatch >= 0) {
            return new TransferResult(length, write.result(), data, String.format(
                    "Pattern changed at byte %d. SB 0x%x, Is 0x%x", mismatch, mismatch & 0xFF,
                    data.data()[mismatch] & 0xFF));
        }
        return new TransferResult(length, write.result(), data, null);
    }

    /**
     * Sends {@code count} reads and {@code count} writes of {@code bufferSize} bytes, all at once, without waiting
     * for any (Microsoft's {@code AsyncIo} with a limited number of loops), then waits up to {@code timeout} for all of
     * them; those still in flight then are cancelled and given a short grace to complete. Reads and writes alternate,
     * read first. Every write carries the pattern, so every successful read must return a prefix of it (the echo
     * device returns the last data written).
     */
    public static AsyncResult performAsyncIo(DeviceHandle device, int count, int bufferSize, Duration timeout) {
        byte[] pattern = createPatternBuffer(bufferSize);
        List<PendingIo> reads = new ArrayList<>(count);
        List<PendingIo> writes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            reads.add(device.readAsync(bufferSize));
            writes.add(device.writeAsync(pattern));
        }
        List<PendingIo> all = new ArrayList<>(reads);
        all.addAll(writes);
        if (!awaitAll(all, timeout)) {
            all.forEach(PendingIo::cancel);
            awaitAll(all, CANCEL_GRACE);
        }

        Map<NtStatus, Integer> readStatuses = new LinkedHashMap<>();
        Map<NtStatus, Integer> writeStatuses = new LinkedHashMap<>();
        long bytesRead = 0;
        long bytesWritten = 0;
        int notCompleted = 0;
        int badReads = 0;
        int shortWrites = 0;
        for (PendingIo pending : reads) {
            IoResult result = completed(pending);
            if (result == null) {
                notCompleted++;
                continue;
            }
            readStatuses.merge(result.status(), 1, Integer::sum);
            bytesRead += result.information();
            if (result.isSuccess() && verifyPatternBuffer(result.data()) >= 0) {
                badReads++;
            }
        }
        for (PendingIo pending : writes) {
            IoResult result = completed(pending);
            if (result == null) {
                notCompleted++;
                continue;
            }
            writeStatuses.merge(result.status(), 1, Integer::sum);
            bytesWritten += result.information();
            if (result.isSuccess() && result.information() != bufferSize) {
                shortWrites++;
            }
        }
        return new AsyncResult(count, count, bufferSize, byCode(readStatuses), byCode(writeStatuses), bytesRead,
                bytesWritten, notCompleted, badReads, shortWrites);
    }

    /** A buffer of {@code length} bytes where byte {@code i} is {@code (byte) i} (Microsoft's {@code CreatePatternBuffer}). */
    public static byte[] createPatternBuffer(int length) {
        byte[] buffer = new byte[length];
        for (int i = 0; i < length; i++) {
            buffer[i] = (byte) i;
        }
        return buffer;
    }

    /**
     * Checks that byte {@code i} of {@code buffer} is {@code (byte) i} (Microsoft's {@code VerifyPatternBuffer}).
     *
     * @return -1 when the whole buffer is the pattern, else the index of the first byte that is not
     */
    public static int verifyPatternBuffer(byte[] buffer) {
        for (int i = 0; i < buffer.length; i++) {
            if (buffer[i] != (byte) i) {
                return i;
            }
        }
        return -1;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /**
     * How a request waited for ended: its result, or, when it did not complete in time, whether it completed once
     * cancelled.
     */
    private record Waited(IoResult result, boolean timedOut) {

        String describeTimeout(Duration timeout) {
            return "did not complete within " + timeout.toMillis() + " ms; cancelled, it "
                    + (result == null ? "did not complete either" : "completed with " + result.status());
        }
    }

    /** Waits for {@code pending} for at most {@code timeout}; a request that takes longer is cancelled. */
    private static Waited await(PendingIo pending, Duration timeout) {
        try {
            return new Waited(pending.await(timeout), false);
        } catch (IoException e) {
            if (!NtStatus.STATUS_TIMEOUT.equals(e.status())) {
                throw e;
            }
            pending.cancel();
            return new Waited(awaitAll(List.of(pending), CANCEL_GRACE) ? completed(pending) : null, true);
        }
    }

    /** Waits until every request completed or {@code timeout} passed; true when all completed. */
    private static boolean awaitAll(List<PendingIo> pending, Duration timeout) {
        CompletableFuture<?>[] results = pending.stream().map(PendingIo::result).toArray(CompletableFuture<?>[]::new);
        try {
            CompletableFuture.allOf(results).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a PendingIo completed exceptionally", e.getCause());
        }
    }

    /** The result of {@code pending} if it has completed, else null. */
    private static IoResult completed(PendingIo pending) {
        CompletableFuture<IoResult> result = pending.result();
        return result.isDone() ? result.join() : null;
    }

    /** The counts ordered by status code, successes first. */
    private static Map<NtStatus, Integer> byCode(Map<NtStatus, Integer> counts) {
        Map<NtStatus, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparingLong(s -> Integer.toUnsignedLong(s.code()))))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
