package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;

/**
 * The channel between the host and a driver host, on each transport (H1, H5, H11): the pipes; shared memory with no
 * spin (every wait sleeps on a futex); shared memory with a spin (waits spin, and synchronous callers read their own
 * answers while the reader thread gives way). Requests larger than the shared ring cross whole; many threads with
 * many requests in flight each get their own answers; a driver host killed in the middle of that fails every
 * outstanding request with STATUS_DRIVER_PROCESS_TERMINATED and leaves no caller waiting.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("transports")
class DriverHostChannelTest {

    static Stream<ChannelTransport> transports() {
        return Stream.of(new ChannelTransport(false, 0), new ChannelTransport(true, 0),
                new ChannelTransport(true, 50_000));
    }

    @Parameter
    ChannelTransport transport;

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long SEED = Long.getLong("wdf4j.test.seed", System.nanoTime());
    private final DriverHost host = DriverHost.create();
    private DeviceHandle nonpnp;

    @BeforeEach
    void startNonPnpIsolated() throws Exception {
        System.out.println("DriverHostChannelTest seed " + SEED + " (-Dwdf4j.test.seed=" + SEED + " repeats it)");
        host.channelTransport(transport);
        host.start(TestDrivers.sample(TestDrivers.NONPNP), VerifierSettings.on(), HostingModel.ISOLATED);
        nonpnp = host.client().open("\\\\.\\NONPNP").value();
    }

    @AfterEach
    void closeHost() {
        nonpnp.close();
        host.close();
    }

    private static byte[] random(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] reversed(byte[] bytes) {
        byte[] r = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            r[i] = bytes[bytes.length - 1 - i];
        }
        return r;
    }

    @Test
    void h1_requestsAndAnswersLargerThanTheSharedRingCrossWhole() {
        SplittableRandom random = new SplittableRandom(SEED);
        for (int length : new int[] {1, 4096, 65_536, 262_144, 262_145, 700_001}) {
            byte[] input = random(random, length);
            IoResult result = nonpnp.deviceIoControl(DriverHostProcessTest.IOCTL_NONPNP_METHOD_BUFFERED, input, length);
            assertThat(result.status()).as("%d bytes, seed %d", length, SEED).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(result.data()).as("%d bytes, seed %d", length, SEED).isEqualTo(reversed(input));
            IoResult written = nonpnp.write(input);
            assertThat(written.information()).isEqualTo(length);
            assertThat(nonpnp.read(length).data()).as("%d bytes read back, seed %d", length, SEED).isEqualTo(input);
        }
    }

    @Test
    void h1_manyThreadsWithRequestsInFlightEachGetTheirOwnAnswers() throws Exception {
        int threads = 4;
        int perThread = 300;
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = SEED + t;
            clients.add(CompletableFuture.runAsync(() -> {
                SplittableRandom random = new SplittableRandom(seed);
                List<byte[]> inputs = new ArrayList<>();
                List<PendingIo> inFlight = new ArrayList<>();
                for (int i = 0; i < perThread; i++) {
                    byte[] input = random(random, random.nextInt(1, 20_000));
                    if (random.nextBoolean()) { // synchronous: the caller may read its own answer
                        IoResult r = nonpnp.deviceIoControl(DriverHostProcessTest.IOCTL_NONPNP_METHOD_BUFFERED, input,
                                input.length);
                        assertThat(r.data()).as("seed %d", seed).isEqualTo(reversed(input));
                    } else {
                        inputs.add(input);
                        inFlight.add(nonpnp.deviceIoControlAsync(DriverHostProcessTest.IOCTL_NONPNP_METHOD_BUFFERED,
                                input, input.length));
                    }
                }
                for (int i = 0; i < inFlight.size(); i++) {
                    assertThat(inFlight.get(i).await(WAIT).data()).as("seed %d", seed)
                            .isEqualTo(reversed(inputs.get(i)));
                }
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
    }

    @Test
    void h5_aDriverHostKilledUnderLoadFailsEveryOutstandingRequestAndLeavesNoCallerWaiting() throws Exception {
        HostedDriver driver = host.drivers().stream().filter(d -> d.name().equals("nonpnp")).findFirst().orElseThrow();
        long pid = driver.pid();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch serving = new java.util.concurrent.CountDownLatch(2);
        List<CompletableFuture<List<NtStatus>>> clients = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            clients.add(CompletableFuture.supplyAsync(() -> {
                List<NtStatus> statuses = new ArrayList<>();
                byte[] input = new byte[3000];
                while (!stop.get()) {
                    statuses.add(nonpnp.deviceIoControl(DriverHostProcessTest.IOCTL_NONPNP_METHOD_BUFFERED, input,
                            input.length).status());
                    statuses.add(nonpnp.deviceIoControlAsync(DriverHostProcessTest.IOCTL_NONPNP_METHOD_BUFFERED, input,
                            input.length).await(WAIT).status());
                    if (statuses.size() == 20) {
                        serving.countDown();
                    }
                    if (!statuses.getLast().isSuccess() || !statuses.get(statuses.size() - 2).isSuccess()) {
                        break;
                    }
                }
                return statuses;
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
        }
        assertThat(serving.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        for (CompletableFuture<List<NtStatus>> client : clients) {
            List<NtStatus> statuses = client.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(statuses.stream().filter(s -> !s.isSuccess()).findFirst().orElseThrow())
                    .as("the request in flight when it died, or the next")
                    .isIn(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED, NtStatus.STATUS_NO_SUCH_DEVICE,
                            NtStatus.STATUS_FILE_CLOSED);
            assertThat(statuses).as("nothing but successes before the end").filteredOn(s -> !s.isSuccess()).hasSizeBetween(1, 2);
        }
        stop.set(true);
    }
}
