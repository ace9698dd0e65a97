package org.wdf4j.test;

import org.wdf4j.host.HostingModel;
import org.wdf4j.test.sample.StoreDriver;

/** {@link StoreDriverTests} with the driver in the test's JVM (the default). */
@DriverTest(entry = StoreDriver.class, hardwareIds = StoreDriver.HARDWARE_ID, devices = StoreDriver.HARDWARE_ID)
class InProcessDriverTestTest extends StoreDriverTests {

    @Override
    HostingModel expectedHosting() {
        return HostingModel.IN_PROCESS;
    }
}
