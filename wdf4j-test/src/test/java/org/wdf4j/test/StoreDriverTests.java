package org.wdf4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.test.sample.StoreDriver;

/**
 * The test kit on its sample driver, one subclass per hosting model: the driver starts from the test class path,
 * the device is added, the test writes and reads it through the client API, and the unload is clean.
 */
abstract class StoreDriverTests {

    abstract HostingModel expectedHosting();

    @Test
    void aWriteIsReadBackThroughTheClientApi(DriverUnderTest driver) {
        assertThat(driver.driver().hosting()).isEqualTo(expectedHosting());
        try (DeviceHandle device = driver.open(StoreDriver.GUID_DEVINTERFACE_STORE)) {
            IoResult written = device.write("hello, driver".getBytes(StandardCharsets.UTF_8));
            assertThat(written.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(written.information()).isEqualTo(13);
            IoResult read = device.read(64);
            assertThat(read.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            assertThat(new String(read.data(), StandardCharsets.UTF_8)).isEqualTo("hello, driver");
        }
    }

    @Test
    void aTestMayStopTheDriverAndAssertOnItsReport(DriverUnderTest driver) {
        driver.open(StoreDriver.GUID_DEVINTERFACE_STORE); // left open: the kit closes it before the stop
        UnloadReport report = driver.stop();
        assertThat(report.clean()).as("%s", report.render()).isTrue();
        assertThat(report.devicesRemoved()).containsExactly("ROOT\\WDF4JSTORE\\0000");
        assertThat(report.isolated()).isEqualTo(expectedHosting() != HostingModel.IN_PROCESS);
    }
}
