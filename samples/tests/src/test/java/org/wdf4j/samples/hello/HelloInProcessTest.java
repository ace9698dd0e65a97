package org.wdf4j.samples.hello;

import org.wdf4j.test.DriverTest;

/** {@link HelloTests} in the test's JVM. */
@DriverTest(jar = "../hello/target/hello.jar")
class HelloInProcessTest extends HelloTests {
}
