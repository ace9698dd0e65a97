package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import org.junit.jupiter.api.Test;
import org.wdf4j.framework.VerifierSettings;

/**
 * A long-running host stays flat: loading and unloading one driver five hundred times leaves metaspace
 * and the thread count where they were (U6 step 6, for every cycle: each cycle's report proves its class loader
 * collected). The bounds are generous on purpose; a leak of one class loader per cycle would exceed them several
 * times over. (A thousand cycles took 90 s of a 15-minute suite; LongLivedHostTest churns devices and threads too.)
 */
class RepeatedUnloadTest {

    private static final int WARM_UP = 100;
    private static final int CYCLES = 500;
    /** One leaked loader of the hello driver costs several classes (tens of KB); 400 of them would be over 8 MB. */
    private static final long METASPACE_BOUND = 4L << 20;
    private static final int THREAD_BOUND = 2;

    @Test
    void u6_fiveHundredLoadUnloadCyclesKeepMetaspaceAndThreadsFlat() throws Exception {
        DriverPackage hello = DriverPackage.open(TestDrivers.HELLO);
        try (DriverHost host = DriverHost.create()) {
            for (int i = 0; i < WARM_UP; i++) {
                cycle(host, hello, i);
            }
            long metaspaceBefore = metaspaceUsed();
            int threadsBefore = Thread.activeCount();
            for (int i = WARM_UP; i < CYCLES; i++) {
                cycle(host, hello, i);
            }
            long metaspaceAfter = metaspaceUsed();
            int threadsAfter = Thread.activeCount();
            assertThat(metaspaceAfter - metaspaceBefore)
                    .as("metaspace growth over %d cycles (before %d, after %d bytes)", CYCLES - WARM_UP, metaspaceBefore, metaspaceAfter)
                    .isLessThan(METASPACE_BOUND);
            assertThat(threadsAfter - threadsBefore).as("thread count growth").isLessThanOrEqualTo(THREAD_BOUND);
        }
    }

    private static void cycle(DriverHost host, DriverPackage hello, int i) throws Exception {
        UnloadReport report = host.stop(host.start(hello, VerifierSettings.OFF));
        assertThat(report.clean()).as("cycle %d:%n%s", i, report.render()).isTrue();
    }

    /** Metaspace in use after a collection (class unloading happens at full GCs). */
    private static long metaspaceUsed() {
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.NON_HEAP && pool.getName().equals("Metaspace")) {
                used += pool.getUsage().getUsed();
            }
        }
        return used;
    }
}
