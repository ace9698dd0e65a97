package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.wdf4j.framework.VerifierSettings;

/**
 * Issue #11: a long-lived host stays flat. Over 8,000 load/unload cycles the live heap grew by about 3.5 KB a cycle,
 * JFR's {@code RecordedThread} objects kept by the thread-start recording; classes, metaspace and threads stayed flat,
 * which is why {@link RepeatedUnloadTest}'s 1,000 cycles did not see it. Here thousands of load/unload cycles and
 * device add/remove cycles, with the collection check off as a host that cycles this often runs, must leave the live
 * heap (after full collections), metaspace, threads and open file descriptors where they were, within bounds that are
 * generous but that the old leak (over 10 MB in these cycles) exceeds several times.
 */
class LongLivedHostTest {

    private static final int WARM_UP = 500;
    private static final int CYCLES = 3_000;
    private static final long HEAP_BOUND = 3L << 20;
    private static final long METASPACE_BOUND = 8L << 20;
    /** The recording's renewal runs a thread of its own and, for a moment, two streams. */
    private static final int THREAD_BOUND = 4;
    private static final int FD_BOUND = 8;
    /** A row of {@code GC.class_histogram}: "  12:   345   6789  java.lang.String (java.base@25)". */
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("(?m)^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)");

    /** What the host holds, after full collections, and the live heap by class (for a failure's message). */
    private record Footprint(long heap, long metaspace, int threads, long fds, Map<String, Long> histogram) {

        @Override
        public String toString() {
            return "Footprint[heap=" + heap + ", metaspace=" + metaspace + ", threads=" + threads + ", fds=" + fds + "]";
        }

        /** The classes whose live bytes grew most from {@code before} to this footprint. */
        String growthSince(Footprint before) {
            return histogram.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - before.histogram.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(15)
                    .map(e -> "  +" + e.getValue() + " B " + e.getKey())
                    .collect(Collectors.joining("\n", "live heap growth by class:\n", ""));
        }

        /** Live bytes per class, from the JVM's own class histogram (which collects first). */
        private static Map<String, Long> liveBytesByClass() throws Exception {
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {null}, new String[] {String[].class.getName()});
            Map<String, Long> bytes = new HashMap<>();
            Matcher row = HISTOGRAM_ROW.matcher(text);
            while (row.find()) {
                bytes.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
            }
            return bytes;
        }

        static Footprint now() throws Exception {
            long heap = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) { // the least of three full collections: no garbage in flight
                System.gc();
                heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            }
            long metaspace = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.NON_HEAP && pool.getName().equals("Metaspace")) {
                    metaspace += pool.getUsage().getUsed();
                }
            }
            long fds;
            try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
                fds = open.count();
            }
            return new Footprint(heap, metaspace, Thread.activeCount(), fds, liveBytesByClass());
        }
    }

    @Test
    void thousandsOfLoadUnloadAndDeviceCyclesKeepHeapMetaspaceThreadsAndFileDescriptorsFlat() throws Exception {
        DriverPackage churn = TestDrivers.pkg("ThreadChurnDriver", "churn");
        try (DriverHost host = DriverHost.create().checkCollection(false)) {
            host.start(TestDrivers.pnpTestDriver("pnp-flat"), VerifierSettings.OFF);
            for (int i = 0; i < WARM_UP; i++) {
                cycle(host, churn, i);
            }
            Footprint before = low(host, churn, WARM_UP);
            for (int i = WARM_UP; i < WARM_UP + CYCLES; i++) {
                cycle(host, churn, i);
            }
            Footprint after = low(host, churn, WARM_UP + CYCLES);
            String both = "over " + CYCLES + " cycles: before " + before + ", after " + after;
            System.out.println("LongLivedHostTest: " + both + "\n" + after.growthSince(before));
            assertThat(after.heap() - before.heap()).as("live heap growth %s%n%s", both, after.growthSince(before))
                    .isLessThan(HEAP_BOUND);
            assertThat(after.metaspace() - before.metaspace()).as("metaspace growth %s", both)
                    .isLessThan(METASPACE_BOUND);
            assertThat(after.threads() - before.threads()).as("thread count growth %s", both)
                    .isLessThanOrEqualTo(THREAD_BOUND);
            assertThat(after.fds() - before.fds()).as("open file descriptor growth %s", both)
                    .isLessThanOrEqualTo(FD_BOUND);
        }
    }

    /**
     * The footprint at its lowest over one renewal of the thread-start recording (it holds the starts since its last
     * renewal, up to {@code ThreadStarts.RENEW_AFTER}, a few MB at most): measured four times, 40 cycles apart (each
     * cycle starts 8 threads, so 160 cycles cover a renewal), so that before and after compare like with like.
     */
    private static Footprint low(DriverHost host, DriverPackage churn, int first) throws Exception {
        Footprint low = null;
        for (int k = 0; k < 4; k++) {
            Footprint now = Footprint.now();
            low = low == null || now.heap() < low.heap() ? now : low;
            for (int i = 0; i < 40; i++) {
                cycle(host, churn, first + k * 40 + i);
            }
        }
        return low;
    }

    /**
     * One driver loaded and unloaded (it starts and ends {@value org.wdf4j.testdrivers.ThreadChurnDriver#THREADS}
     * threads), and one device added to the PnP driver and removed.
     */
    private static void cycle(DriverHost host, DriverPackage driver, int i) throws Exception {
        UnloadReport report = host.stop(host.start(driver, VerifierSettings.OFF));
        assertThat(report.clean()).as("cycle %d:%n%s", i, report.render()).isTrue();
        PnpManager.DevNode node = host.pnp().addDevice("ROOT\\PNPTEST");
        assertThat(node.status()).as("cycle %d: %s", i, node).isEqualTo(PnpManager.Status.STARTED);
        host.pnp().removeDevice(node.instanceId());
    }
}
