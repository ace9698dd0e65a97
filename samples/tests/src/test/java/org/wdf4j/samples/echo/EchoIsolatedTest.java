package org.wdf4j.samples.echo;

import org.wdf4j.host.HostingModel;
import org.wdf4j.test.DriverTest;

/** {@link EchoTests} with the driver in a driver host process of its own (the UMDF model). */
@DriverTest(entry = EchoDriver.class, name = "echo", hardwareIds = "ROOT\\ECHO", devices = "ROOT\\ECHO",
        hosting = HostingModel.ISOLATED)
class EchoIsolatedTest extends EchoTests {
}
