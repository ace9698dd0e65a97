package org.wdf4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.wdf4j.host.HostingModel;
import org.wdf4j.test.leaky.LeakyDriver;

/**
 * A driver that leaks fails its test, whatever the test asserted: the kit's test is run here through the JUnit
 * Platform launcher, and its failure must carry the unload report, in-process and isolated.
 */
class LeakyDriverTestTest {

    /** Run only from {@link KitLauncher#run}: a test that passes, of a driver that leaks. */
    @DriverTest(entry = LeakyDriver.class)
    static class InProcess {
        @Test
        void passes(DriverUnderTest driver) {
            assertThat(driver.driver().isRunning()).isTrue();
        }
    }

    @DriverTest(entry = LeakyDriver.class, hosting = HostingModel.ISOLATED)
    static class Isolated extends InProcess {
    }

    private static void assertFailsWithReport(Class<?> testClass, String ranIn) {
        TestExecutionSummary summary = KitLauncher.run(testClass);
        assertThat(summary.getTestsStartedCount()).isEqualTo(1);
        List<TestExecutionSummary.Failure> failures = summary.getFailures();
        assertThat(failures).hasSize(1);
        Throwable failure = failures.getFirst().getException();
        assertThat(failure).isInstanceOf(AssertionError.class);
        assertThat(failure.getMessage())
                .startsWith("the unload of driver leakydriver was not clean (" + ranIn)
                .contains("Unload report for driver leakydriver")
                .contains("never-released")
                .contains("Verdict:");
    }

    @Test
    void aLeakFailsThePassingTestWithTheReportInProcess() {
        assertFailsWithReport(InProcess.class, "in-process");
    }

    @Test
    void aLeakFailsThePassingTestWithTheReportIsolated() {
        assertFailsWithReport(Isolated.class, "driver host");
    }

}
