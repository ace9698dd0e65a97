package org.wdf4j.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.host.HostingModel;

/**
 * A test class of a driver: before each test the driver whose entry class is {@link #entry()} is started from the
 * test class path in a host of its own (in-process by default, {@link #hosting()}), and the devices of
 * {@link #devices()} are added; the test gets a {@link DriverUnderTest} parameter to add more devices, open them and
 * send them I/O. After each test the driver is stopped, and the test fails, with the unload report printed, when that
 * report is not clean: DriverEntry failed, a framework object or a thread was left behind, the verifier found
 * something, or the driver's class loader was not collected.
 *
 * <pre>
 * &#64;DriverTest(entry = MyDriver.class, hardwareIds = "ROOT\\MYDEVICE", devices = "ROOT\\MYDEVICE")
 * class MyDriverTest {
 *     &#64;Test
 *     void writesAreReadBack(DriverUnderTest driver) {
 *         try (DeviceHandle device = driver.open(MyDriver.GUID_DEVINTERFACE)) {
 *             device.write("hello".getBytes());
 *             assertEquals("hello", new String(device.read(5).data()));
 *         }
 *     }
 * }
 * </pre>
 *
 * <p>The driver package is made from the directory (or JAR) the entry class was loaded from, {@code target/classes}
 * in a Maven project: the driver runs in a class loader of its own, as an installed driver does, and sees only the
 * JDK, {@code wdf4j-api} and its own classes. When the entry class is among the test's own classes (a driver written
 * in the test sources), only the entry class's package and those below it are packaged.
 *
 * <p>The system property {@code wdf4j.test.hosting} ({@code in-process}, {@code isolated}, {@code pooled}), when set,
 * overrides {@link #hosting()} for every driver test of the run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DriverTestExtension.class)
public @interface DriverTest {

    /** The driver's entry class, which implements {@code DriverEntry} ({@code Wdf4j-Driver-Entry}). */
    Class<? extends DriverEntry> entry();

    /** The driver's name ({@code Wdf4j-Driver-Name}); by default the entry class's simple name in lower case. */
    String name() default "";

    /** The hardware IDs the driver binds to ({@code Wdf4j-Hardware-Ids}); empty for a non-PnP driver. */
    String[] hardwareIds() default {};

    /** Devices to add, by hardware ID, once the driver is started and before each test. */
    String[] devices() default {};

    /** Where the driver runs: in the test's JVM (the KMDF model) or in a driver host process of its own (UMDF). */
    HostingModel hosting() default HostingModel.IN_PROCESS;

    /** Whether the framework's verifier is on (it is by default: its findings fail the test). */
    boolean verifier() default true;
}
