package org.wdf4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings.AllocateFail;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.test.sample.StoreDriver;

/**
 * Fault injection from the annotation ({@code failOnlyAllocation}, {@code failAllocationsAfter}) and per test
 * ({@link DriverUnderTest#restart}): failing the store driver's framework allocations one at a time, from the driver
 * object's on, fails DriverEntry, then the device's add, with STATUS_INSUFFICIENT_RESOURCES and a clean unload each
 * time, until one past the last makes a device that works; in-process and isolated.
 */
class FaultInjectionDriverTestTest {

    @Nested
    @DriverTest(entry = StoreDriver.class, hardwareIds = StoreDriver.HARDWARE_ID, devices = StoreDriver.HARDWARE_ID)
    class InProcess {
        @Test
        void v1_failingEachAllocationInTurnFailsTheStartOrTheAddCleanly(DriverUnderTest driver) {
            assertThat(driver.allocateFail()).isEqualTo(AllocateFail.NONE);
            UnloadReport first = driver.restart(AllocateFail.only(1));
            assertThat(first.clean()).isTrue();
            assertThat(driver.driver().isRunning()).isFalse();
            assertThat(driver.stop().driverEntryStatus()).contains("STATUS_INSUFFICIENT_RESOURCES");
            int failedAdds = 0;
            int n = 2;
            for (; n <= 20; n++) { // each restart fails the test unless the previous unload was clean
                driver.restart(AllocateFail.only(n));
                assertThat(driver.driver().isRunning()).as("failing allocation %d", n).isTrue();
                PnpManager.DevNode node = onlyDevice(driver);
                if (node.status() == PnpManager.Status.STARTED) {
                    break;
                }
                assertThat(node.status()).as("failing allocation %d", n).isEqualTo(PnpManager.Status.FAILED);
                assertThat(node.problem()).isEqualTo(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
                failedAdds++;
            }
            assertThat(failedAdds).as("device adds failed by allocations 2 to %d", n).isPositive();
            assertThat(onlyDevice(driver).status()).as("failing allocation %d", n).isEqualTo(PnpManager.Status.STARTED);
            try (DeviceHandle device = driver.open(StoreDriver.GUID_DEVINTERFACE_STORE)) {
                device.write("still works".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(device.read(64).data(), StandardCharsets.UTF_8)).isEqualTo("still works");
            }
        }
    }

    /** The one device: it stays while the driver is stopped and gets the driver again when it starts. */
    static PnpManager.DevNode onlyDevice(DriverUnderTest driver) {
        assertThat(driver.pnp().devices()).hasSize(1);
        return driver.pnp().devices().getFirst();
    }

    /** Isolated, one restart each way (a restart there is a driver host process's start, about a second). */
    @Nested
    @DriverTest(entry = StoreDriver.class, hardwareIds = StoreDriver.HARDWARE_ID, devices = StoreDriver.HARDWARE_ID,
            hosting = HostingModel.ISOLATED)
    class Isolated {
        @Test
        void v1_failingTheDevicesAllocationFailsItsAddThenARestartWithoutFaultsMendsIt(DriverUnderTest driver) {
            driver.restart(AllocateFail.only(2));
            assertThat(driver.allocateFail()).isEqualTo(AllocateFail.only(2));
            assertThat(onlyDevice(driver).problem()).isEqualTo(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
            driver.restart(AllocateFail.NONE);
            assertThat(onlyDevice(driver).status()).isEqualTo(PnpManager.Status.STARTED);
            try (DeviceHandle device = driver.open(StoreDriver.GUID_DEVINTERFACE_STORE)) {
                assertThat(device.write(new byte[3]).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
            }
        }
    }

    @Nested
    @DriverTest(entry = StoreDriver.class, hardwareIds = StoreDriver.HARDWARE_ID, devices = StoreDriver.HARDWARE_ID,
            failOnlyAllocation = 1)
    class FailingTheDriverObject {
        @Test
        void v1_driverEntryFailsAndTheTestGetsTheStoppedDriver(DriverUnderTest driver) {
            assertThat(driver.allocateFail()).isEqualTo(AllocateFail.only(1));
            assertThat(driver.driver().isRunning()).isFalse();
            assertThat(driver.stop().driverEntrySucceeded()).isFalse();
        }
    }

    @Nested
    @DriverTest(entry = StoreDriver.class, hardwareIds = StoreDriver.HARDWARE_ID, devices = StoreDriver.HARDWARE_ID,
            failAllocationsAfter = 1)
    class FailingEveryAllocationAfterTheDriverObject {
        @Test
        void v1_theDriverRunsAndEveryDeviceAddFails(DriverUnderTest driver) {
            assertThat(driver.driver().isRunning()).isTrue();
            assertThat(driver.pnp().devices()).extracting(PnpManager.DevNode::status)
                    .containsExactly(PnpManager.Status.FAILED);
            assertThat(driver.addDevice(StoreDriver.HARDWARE_ID).problem())
                    .isEqualTo(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
        }
    }
}
