package org.wdf4j.samples.hello;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings.AllocateFail;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.test.DriverUnderTest;

/**
 * The hello sample from its packaged JAR ({@code samples/hello/target/hello.jar}, made by the reactor's package phase
 * before these tests run): it loads, builds its object tree, and unloads clean, callbacks in order; failing each of its
 * framework allocations in turn fails DriverEntry cleanly. In the test's JVM ({@link HelloInProcessTest}); {@link HelloIsolatedTest} loads it in a driver host.
 */
abstract class HelloTests {

    /** What the driver prints, in order (its DbgPrint lines in the report's callbacks). */
    static List<String> printed(UnloadReport report) {
        return report.callbacks().stream().filter(line -> line.startsWith("DbgPrint: "))
                .map(line -> line.substring("DbgPrint: ".length())).toList();
    }

    @Test
    void itLoadsAndUnloadsCleanReleasingItsTreeChildrenFirst(DriverUnderTest driver) {
        assertThat(driver.driver().isRunning()).isTrue();
        assertThat(driver.driver().name()).isEqualTo("hello");
        UnloadReport report = driver.stop();
        assertThat(report.clean()).as("%s", report.render()).isTrue();
        assertThat(report.evtDriverUnloadCalled()).isTrue();
        assertThat(printed(report)).containsSubsequence(
                "DriverEntry: 2 buffers in pool 'rx'",
                "EvtDriverUnload: withdrawing statistics of 2 buffers",
                "pool 'rx' cleanup",
                "buffer of 4096 bytes destroyed",
                "buffer of 4096 bytes destroyed",
                "driver object destroyed");
    }

    @Test
    void v1_failingEachOfItsAllocationsInTurnFailsDriverEntryCleanly(DriverUnderTest driver) {
        // Its driver object, its pool and two buffers: four allocations. restart() fails the test with the report
        // when an unload is not clean, what was made before the failure included.
        for (int n = 1; n <= 4; n++) {
            driver.restart(AllocateFail.only(n));
            assertThat(driver.driver().isRunning()).as("failing allocation %d", n).isFalse();
            assertThat(driver.stop().driverEntryStatus()).contains(NtStatus.STATUS_INSUFFICIENT_RESOURCES.name());
        }
        driver.restart(AllocateFail.only(5));
        assertThat(driver.driver().isRunning()).isTrue();
    }
}
