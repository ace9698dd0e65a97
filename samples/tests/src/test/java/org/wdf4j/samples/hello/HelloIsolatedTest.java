package org.wdf4j.samples.hello;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.test.DriverTest;
import org.wdf4j.test.DriverUnderTest;

/** The hello sample's load and unload in a driver host process of its own. */
@DriverTest(jar = "../hello/target/hello.jar", hosting = HostingModel.ISOLATED)
class HelloIsolatedTest {

    @Test
    void itLoadsAndUnloadsCleanInADriverHost(DriverUnderTest driver) {
        assertThat(driver.driver().hosting()).isEqualTo(HostingModel.ISOLATED);
        UnloadReport report = driver.stop();
        assertThat(report.clean()).as("%s", report.render()).isTrue();
        assertThat(report.ranIn()).startsWith("driver host");
        assertThat(HelloTests.printed(report)).containsSubsequence("DriverEntry: 2 buffers in pool 'rx'",
                "EvtDriverUnload: withdrawing statistics of 2 buffers", "driver object destroyed");
    }
}
