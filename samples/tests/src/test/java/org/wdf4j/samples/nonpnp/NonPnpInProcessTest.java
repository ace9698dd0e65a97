package org.wdf4j.samples.nonpnp;

import org.wdf4j.test.DriverTest;

/** {@link NonPnpTests} with the driver in the test's JVM. */
@DriverTest(entry = NonPnpDriver.class, name = "nonpnp")
class NonPnpInProcessTest extends NonPnpTests {
}
