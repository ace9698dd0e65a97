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
 * A test class of a driver: before each test the driver is started in a host of its own (in-process by default,
 * {@link #hosting()}), from the test class path ({@link #entry()}) or from a packaged JAR ({@link #jar()}), and the
 * devices of {@link #devices()} are added; the test gets a {@link DriverUnderTest} parameter to add more devices, open
 * them (or their device files, {@link #deviceFiles()}) and send them I/O, drive PnP and power changes, and restart the
 * driver with fault injection. After each test the driver is stopped, and the test fails, with the unload report
 * printed, when that report is not clean: DriverEntry failed, a framework object or a thread was left behind, the
 * verifier found something, or the driver's class loader was not collected.
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
 * <p>With {@link #entry()} the driver package is made from the directory (or JAR) the entry class was loaded from,
 * {@code target/classes} in a Maven project: the driver runs in a class loader of its own, as an installed driver
 * does, and sees only the JDK, {@code wdf4j-api} and its own classes. When the entry class is among the test's own
 * classes (a driver written in the test sources), only the entry class's package and those below it are packaged.
 *
 * <p>System properties, when set, override the annotation for every driver test of the run:
 * {@code wdf4j.test.hosting} ({@code in-process}, {@code isolated}, {@code pooled}) overrides {@link #hosting()};
 * {@code wdf4j.test.jar} (a path) overrides {@link #jar()}, to run the tests on the packaged driver.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DriverTestExtension.class)
public @interface DriverTest {

    /**
     * The driver's entry class, which implements {@code DriverEntry} ({@code Wdf4j-Driver-Entry}); the driver is
     * packaged from where it was loaded. Not needed with {@link #jar()} (the default, {@code DriverEntry.class},
     * names none); given with a JAR, the JAR's entry class must be this one.
     */
    Class<? extends DriverEntry> entry() default DriverEntry.class;

    /**
     * A packaged driver JAR to start instead of packaging {@link #entry()}: its manifest gives the entry class, the
     * name and the hardware IDs ({@link #name()} and {@link #hardwareIds()} are then not used). A relative path is
     * resolved against the working directory (a Maven module's directory under Surefire), e.g.
     * {@code "target/mydriver.jar"}.
     */
    String jar() default "";

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

    /**
     * Mounts the host's devices as files (FUSE) before the devices are added: every enabled device interface and
     * control device is a file under the mount root ({@link #mountRoot()}), which the test reads and writes with
     * plain file I/O ({@link DriverUnderTest#deviceFile}). Needs root and {@code /dev/fuse}; the test is skipped,
     * saying why, where they are missing.
     */
    boolean deviceFiles() default false;

    /** With {@link #deviceFiles()}: the mount root; by default a new temporary directory per test. */
    String mountRoot() default "";

    /**
     * Fault injection ({@code VerifierAllocateFailCount}): the driver's first N framework object creations succeed
     * (the driver object's is the first) and every later one fails with {@code STATUS_INSUFFICIENT_RESOURCES};
     * -1 (the default): none fails. A DriverEntry that then fails with a status (not a throw) is given to the test,
     * and its unload counts as clean when nothing else is wrong.
     */
    int failAllocationsAfter() default -1;

    /**
     * Fault injection: only framework object creation number N (1-based, the driver object's is the first) fails
     * with {@code STATUS_INSUFFICIENT_RESOURCES}; 0 (the default): none. Not together with
     * {@link #failAllocationsAfter()}.
     */
    int failOnlyAllocation() default 0;
}
