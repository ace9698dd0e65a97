package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.host.PnpManager.DevNode;
import org.wdf4j.host.PnpManager.Status;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;

/**
 * ST7 and ST10 in the host, in-process and isolated: a small cancellation storm on a toaster plugged into the bus sample,
 * whose stack is the child's PDO, the toaster, and three upper filters: {@code PendingFilterDriver} (keeps every write
 * cancelable until a cancel reaches it) below two of the sample's counting filters, which forward with completion
 * routines. Client threads send reads (the toaster answers them) and writes (pended) and cancel writes, a handle's
 * requests ({@code cancelAll}) or close their handle; a bus thread unplugs the toaster through the bus's control and
 * plugs it in again meanwhile. Every choice is seeded; the seed is printed and named on failure
 * ({@code -Dwdf4j.stress.seed=<seed>} replays the choices).
 *
 * <p>Each request is answered once (its future) with a status it may have: a read STATUS_SUCCESS with its length or a
 * refusal of a device that is going, a write STATUS_CANCELLED or such a refusal, never success. What happens at each
 * level is checked by the verifier of each driver, which would find a second completion, a completion of a request
 * the driver no longer owns, or a request left behind: every filter and the toaster unload clean, and the bus driver
 * has no finding. The per-level counters of {@code stress/StackCancellationStormTest} (the framework's) are not
 * repeated here: across processes, the drivers' own verifiers are the witnesses.
 *
 * <p>Not pooled yet: in one of about a dozen pooled runs (seed 1054012181531059535, not reproduced with it) an unplug
 * or the re-plug after it did not finish within 20 s, and the clients waited for the toaster in vain; until that is
 * understood the pooled model would make this test flaky.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
class StackStormHostTest {

    private static final int CLIENTS = 2;
    private static final int REQUESTS_PER_CLIENT = 150;
    private static final int UNPLUGS = 4;
    private static final int SERIAL = 9;
    /** Statuses that a request may get from a toaster that is being unplugged (or a handle closed meanwhile). */
    private static final List<NtStatus> REFUSALS = List.of(NtStatus.STATUS_NO_SUCH_DEVICE, NtStatus.STATUS_FILE_CLOSED,
            NtStatus.STATUS_DELETE_PENDING, NtStatus.STATUS_INVALID_DEVICE_STATE, NtStatus.STATUS_CANCELLED);

    @Parameter
    HostingModel hosting;

    @TempDir
    Path dir;

    private DriverHost host;

    @BeforeEach
    void installBusToasterAndFilters() throws Exception {
        host = DriverHost.create(dir.resolve("state"));
        host.install(TestDrivers.sample(TestDrivers.TOASTER_BUS).withHosting(hosting), false);
        BusDriverTest.installToasterWithPendingFilters(host, hosting);
    }

    @AfterEach
    void closeHost() {
        host.close();
    }

    @Test
    void st7_st10_aToasterStackUnderACancellationStormWithTheToasterUnpluggedAndPluggedInAgain() throws Exception {
        String fixed = System.getProperty("wdf4j.stress.seed");
        long seed = fixed == null || fixed.isBlank() ? new SplittableRandom().nextLong() : Long.decode(fixed.trim());
        try {
            storm(seed);
        } catch (Throwable t) {
            String message = "StackStormHostTest (" + hosting + ") failed with seed " + seed
                    + "; replay its choices with -Dwdf4j.stress.seed=" + seed;
            System.err.println(message);
            throw new AssertionError(message + "\n" + t.getMessage(), t);
        }
    }

    /** One request of a client: a read or a write, and its answer. */
    private record Sent(boolean write, int length, PendingIo io) {
    }

    private void storm(long seed) throws Exception {
        DevNode bus = host.pnp().addDevice("ROOT\\BUSENUM");
        assertThat(bus.status()).as("%s", bus).isEqualTo(Status.STARTED);
        Queue<Sent> sent = new ConcurrentLinkedQueue<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean clientsDone = new AtomicBoolean();
        AtomicInteger unplugs = new AtomicInteger();
        AtomicInteger begun = new AtomicInteger();
        AtomicBoolean busDone = new AtomicBoolean();
        try (DeviceHandle enumerator = openBus()) {
            plugIn(enumerator, bus);
            Thread busThread = Thread.ofPlatform().name("storm-bus").start(() -> {
                try {
                    for (int i = 0; i < UNPLUGS && !clientsDone.get(); i++) {
                        int waitFor = boundary(i);
                        while (sent.size() < waitFor && !clientsDone.get()) {
                            Thread.onSpinWait();
                            Thread.yield();
                        }
                        begun.incrementAndGet();
                        assertThat(BusDriverTest.control(enumerator, BusDriverTest.UNPLUG, SERIAL, "")).isEqualTo(NtStatus.STATUS_SUCCESS);
                        await("the unplugged toaster gone").atMost(Duration.ofSeconds(20))
                                .until(() -> children(bus).isEmpty());
                        unplugs.incrementAndGet();
                        plugIn(enumerator, bus);
                    }
                } catch (Throwable t) {
                    failures.add(new AssertionError("the bus thread, after " + unplugs.get() + " unplugs: " + t
                            + "; the tree:\n" + PnpManager.render(host.pnp().devices()), t));
                } finally {
                    busDone.set(true);
                }
            });
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                SplittableRandom random = new SplittableRandom(seed + 1 + c);
                clients.add(Thread.ofPlatform().name("storm-client-" + c).start(() -> {
                    try {
                        client(random, sent, () -> {
                            // at an unplug's boundary, wait until the bus has begun it, then send on during it
                            while (!busDone.get() && sent.size() >= boundary(begun.get())) {
                                Thread.onSpinWait();
                                Thread.yield();
                            }
                        });
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : clients) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                assertThat(t.isAlive()).as("client %s still sending", t.getName()).isFalse();
            }
            clientsDone.set(true);
            busThread.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(busThread.isAlive()).as("the bus thread still unplugging").isFalse();
            assertThat(failures).as("client or bus threads failed").isEmpty();

            // the toaster goes for good: what is still pending below the filters is cancelled
            assertThat(BusDriverTest.control(enumerator, BusDriverTest.UNPLUG, SERIAL, "")).isEqualTo(NtStatus.STATUS_SUCCESS);
            await().atMost(Duration.ofSeconds(20)).until(() -> children(bus).isEmpty());
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (Sent s : sent) {
            IoResult r = s.io().await(Duration.ofSeconds(30));
            String what = (s.write() ? "write " : "read ") + r.status().name();
            outcomes.merge(what, 1, Integer::sum);
            boolean ok = s.write() ? REFUSALS.contains(r.status()) && r.information() == 0
                    : r.status().equals(NtStatus.STATUS_SUCCESS) || REFUSALS.contains(r.status());
            if (!ok && problems.size() < 20) {
                problems.add(s + ": " + r);
            }
        }
        System.out.printf("StackStormHostTest (%s) seed %d: %d requests, %d unplugs: %s%n", hosting, seed, sent.size(),
                unplugs.get(), outcomes);
        assertThat(problems).as("requests with a status they may not have (%s)", outcomes).isEmpty();
        assertThat(outcomes).as("writes cancelled while pending below the filters").containsKey("write STATUS_CANCELLED");
        assertThat(outcomes).as("reads the toaster answered").containsKey("read STATUS_SUCCESS");
        assertThat(unplugs).as("unplugs during the storm").hasValueGreaterThan(0);

        BusDriverTest.stopToasterFiltersAndBus(host);
    }

    /** A client: reads and writes on the toaster, cancels, closes and reopens, and follows it across unplugs. */
    private void client(SplittableRandom random, Queue<Sent> sent, Runnable awaitBus) throws Exception {
        DeviceHandle handle = openToaster();
        List<Sent> mine = new ArrayList<>();
        for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
            awaitBus.run();
            boolean write = random.nextInt(3) != 0;
            int length = 1 + random.nextInt(64);
            PendingIo io = write ? handle.writeAsync(new byte[length]) : handle.readAsync(length);
            Sent s = new Sent(write, length, io);
            sent.add(s);
            mine.add(s);
            int action = random.nextInt(100);
            if (action < 30) {
                io.cancel();
            } else if (action < 45) {
                mine.get(random.nextInt(mine.size())).io().cancel(); // an older one, maybe pending below
            } else if (action < 48) {
                handle.cancelAll();
            } else if (action < 50) {
                handle.close();
                handle = openToaster();
            }
            IoResult now = io.result().getNow(null);
            if (now != null && REFUSALS.contains(now.status()) && !now.status().equals(NtStatus.STATUS_CANCELLED)) {
                handle.close(); // the toaster is going: follow it to the next one
                handle = openToaster();
            }
        }
        handle.close();
    }

    /** Where unplug {@code k} begins: after that many requests were sent. */
    private static int boundary(int k) {
        return (k + 1) * CLIENTS * REQUESTS_PER_CLIENT / (UNPLUGS + 1);
    }

    /** Opens the toaster now plugged in, waiting while there is none (it is being unplugged and plugged in again). */
    private DeviceHandle openToaster() {
        while (true) {
            var interfaces = host.client().interfaces(BusDriverTest.GUID_DEVINTERFACE_TOASTER);
            if (!interfaces.isEmpty()) {
                NtResult<DeviceHandle> opened = host.client().open(interfaces.getFirst().path());
                if (opened.isSuccess()) {
                    return opened.value();
                }
            }
            await().pollDelay(Duration.ofMillis(5)).atMost(Duration.ofSeconds(20))
                    .until(() -> !host.client().interfaces(BusDriverTest.GUID_DEVINTERFACE_TOASTER).isEmpty());
        }
    }

    private void plugIn(DeviceHandle enumerator, DevNode bus) {
        assertThat(BusDriverTest.control(enumerator, BusDriverTest.PLUGIN, SERIAL, "")).isEqualTo(NtStatus.STATUS_SUCCESS);
        await("the plugged-in toaster started").atMost(Duration.ofSeconds(20)).until(() -> children(bus).size() == 1
                && children(bus).getFirst().status() == Status.STARTED);
    }

    private DeviceHandle openBus() {
        String path = host.client().interfaces(BusDriverTest.GUID_DEVINTERFACE_BUSENUM_TOASTER).getFirst().path();
        return host.client().open(path).value();
    }

    private List<DevNode> children(DevNode parent) {
        return host.pnp().devices().stream().filter(n -> parent.instanceId().equals(n.parent())).toList();
    }
}
