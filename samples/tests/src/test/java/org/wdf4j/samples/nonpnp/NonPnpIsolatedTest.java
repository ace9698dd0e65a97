package org.wdf4j.samples.nonpnp;

import org.wdf4j.host.HostingModel;
import org.wdf4j.test.DriverTest;

/** {@link NonPnpTests} with the driver in a driver host process of its own. */
@DriverTest(entry = NonPnpDriver.class, name = "nonpnp", hosting = HostingModel.ISOLATED)
class NonPnpIsolatedTest extends NonPnpTests {
}
