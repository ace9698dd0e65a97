package org.wdf4j.samples.echo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.test.DriverTest;
import org.wdf4j.test.DriverUnderTest;

/** {@link EchoTests} with the driver in the test's JVM, and its device disabled, enabled and removed. */
@DriverTest(entry = EchoDriver.class, name = "echo", hardwareIds = "ROOT\\ECHO", devices = "ROOT\\ECHO")
class EchoInProcessTest extends EchoTests {

    @Test
    void aDisabledDeviceHasNoInterfaceAndComesBackWhenEnabled(DriverUnderTest driver) {
        String instanceId = driver.pnp().devices().getFirst().instanceId();
        assertThat(driver.pnp().disable(instanceId).status()).isEqualTo(PnpManager.Status.DISABLED);
        assertThat(driver.client().interfaces(EchoDriver.GUID_DEVINTERFACE_ECHO)).isEmpty();
        assertThat(driver.pnp().enable(instanceId).status()).isEqualTo(PnpManager.Status.STARTED);
        driver.open(EchoDriver.GUID_DEVINTERFACE_ECHO).write(bytes("again"));
        UnloadReport report = driver.stop();
        assertThat(report.devicesRemoved()).containsExactly(instanceId);
        // A disabled device has no device object: enabling it adds a new one (EvtDriverDeviceAdd again).
        assertThat(report.callbacks()).anyMatch(line -> line.contains("EvtDriverUnload after 2 device(s) added"));
    }
}
