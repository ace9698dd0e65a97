package org.wdf4j.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.framework.VerifierSettings.AllocateFail;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.HostingModel;

/**
 * The extension behind {@link DriverTest}: per test, a throw-away {@link DriverHost}, its devices mounted as files
 * when asked, the driver (from the class path or a JAR) started in it where the annotation (or
 * {@code -Dwdf4j.test.hosting}) says with the verifier and fault injection it asks for, the annotation's devices added;
 * after the test the driver stopped, the host closed, and the test failed with the unload report when that report is
 * not clean.
 */
public final class DriverTestExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** Overrides {@link DriverTest#hosting()} for every driver test of the run. */
    public static final String HOSTING_PROPERTY = "wdf4j.test.hosting";

    /** Overrides {@link DriverTest#jar()} for every driver test of the run: the tests run on this packaged driver. */
    public static final String JAR_PROPERTY = "wdf4j.test.jar";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(DriverTestExtension.class);

    /** What one test started; kept in the test's store. */
    private record Started(DriverHost host, DriverUnderTest driver, Path packageDir) implements AutoCloseable {
        @Override
        public void close() {
            host.close();
            deleteTree(packageDir);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        Class<?> testClass = context.getRequiredTestClass();
        DriverTest test = AnnotationSupport.findAnnotation(testClass, DriverTest.class).orElseThrow(() ->
                new ExtensionConfigurationException(testClass.getName() + " uses DriverTestExtension without @DriverTest"));
        HostingModel hosting = hosting(test);
        VerifierSettings verifier = (test.verifier() ? VerifierSettings.on() : VerifierSettings.OFF)
                .withAllocateFail(allocateFail(test, testClass));
        Path packageDir = Files.createTempDirectory("wdf4j-test-");
        DriverHost host = DriverHost.create();
        try {
            DriverPackage pkg = driverPackage(test, testClass, packageDir);
            if (test.deviceFiles()) {
                DeviceFileMount.mount(host, test.mountRoot().isBlank() ? packageDir.resolve("dev")
                        : Path.of(test.mountRoot()));
            }
            DriverUnderTest driver = DriverUnderTest.start(host,
                    new DriverUnderTest.Launch(pkg, verifier, hosting), List.of(test.devices()));
            context.getStore(NAMESPACE).put(Started.class, new Started(host, driver, packageDir));
        } catch (DriverPackageException e) {
            throw new ExtensionConfigurationException("@DriverTest of " + testClass.getName() + ": " + e.getMessage(), e);
        } finally {
            if (context.getStore(NAMESPACE).get(Started.class) == null) {
                host.close();
                deleteTree(packageDir);
            }
        }
    }

    /** From the JAR the annotation or {@code -Dwdf4j.test.jar} names, else from the entry class's class path entry. */
    private static DriverPackage driverPackage(DriverTest test, Class<?> testClass, Path tmp) {
        String property = System.getProperty(JAR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return PackagedJar.open(test, testClass, property, "-D" + JAR_PROPERTY + "=" + property);
        }
        if (!test.jar().isBlank()) {
            return PackagedJar.open(test, testClass, test.jar(), "@DriverTest(jar = \"" + test.jar() + "\")");
        }
        if (test.entry() == DriverEntry.class) {
            throw new ExtensionConfigurationException("@DriverTest of " + testClass.getName() + " names no driver: give "
                    + "its entry class (entry = MyDriver.class) or its packaged JAR (jar = \"target/mydriver.jar\")");
        }
        return ClassPathPackage.of(test, testClass, tmp);
    }

    private static AllocateFail allocateFail(DriverTest test, Class<?> testClass) {
        int after = test.failAllocationsAfter();
        int only = test.failOnlyAllocation();
        String of = "@DriverTest of " + testClass.getName() + ": ";
        if (after < -1 || only < 0) {
            throw new ExtensionConfigurationException(of + "failAllocationsAfter must be -1 (none) or more and "
                    + "failOnlyAllocation 0 (none) or more; they are " + after + " and " + only);
        }
        if (after >= 0 && only > 0) {
            throw new ExtensionConfigurationException(of + "give failAllocationsAfter (" + after
                    + ") or failOnlyAllocation (" + only + "), not both");
        }
        return after >= 0 ? AllocateFail.after(after) : only > 0 ? AllocateFail.only(only) : AllocateFail.NONE;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Started started = context.getStore(NAMESPACE).remove(Started.class, Started.class);
        if (started == null) {
            return;
        }
        try (started) {
            started.driver().assertStoppedClean();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == DriverUnderTest.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Started started = context.getStore(NAMESPACE).get(Started.class, Started.class);
        if (started == null) {
            throw new ExtensionConfigurationException("a DriverUnderTest is given to test methods only, while the driver "
                    + "runs (not to constructors or @BeforeAll methods)");
        }
        return started.driver();
    }

    private static HostingModel hosting(DriverTest test) {
        String property = System.getProperty(HOSTING_PROPERTY);
        if (property == null || property.isBlank()) {
            return test.hosting();
        }
        try {
            return HostingModel.parse(property);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("-D" + HOSTING_PROPERTY + "=" + property + ": " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
