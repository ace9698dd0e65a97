package org.wdf4j.test;

import org.wdf4j.host.HostingModel;
import org.wdf4j.test.sample.StoreDriver;

/** {@link StoreDriverTests} with the driver in a driver host process of its own. */
@DriverTest(entry = StoreDriver.class, hardwareIds = StoreDriver.HARDWARE_ID, devices = StoreDriver.HARDWARE_ID,
        hosting = HostingModel.ISOLATED)
class IsolatedDriverTestTest extends StoreDriverTests {

    @Override
    HostingModel expectedHosting() {
        return HostingModel.ISOLATED;
    }
}
