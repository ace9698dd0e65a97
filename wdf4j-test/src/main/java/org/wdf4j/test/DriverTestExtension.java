package org.wdf4j.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.UnloadReport;

/**
 * The extension behind {@link DriverTest}: per test, a throw-away {@link DriverHost}, the driver started in it where
 * the annotation (or {@code -Dwdf4j.test.hosting}) says, the annotation's devices added; after the test the driver
 * stopped, the host closed, and the test failed with the unload report when that report is not clean.
 */
public final class DriverTestExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    /** Overrides {@link DriverTest#hosting()} for every driver test of the run. */
    public static final String HOSTING_PROPERTY = "wdf4j.test.hosting";

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
        Path packageDir = Files.createTempDirectory("wdf4j-test-");
        DriverHost host = DriverHost.create();
        Started started = null;
        try {
            DriverPackage pkg = ClassPathPackage.of(test, testClass, packageDir);
            HostedDriver driver = host.start(pkg, test.verifier() ? VerifierSettings.on() : VerifierSettings.OFF, hosting);
            started = new Started(host, new DriverUnderTest(host, driver), packageDir);
            if (!driver.isRunning()) {
                UnloadReport report = started.driver().stop();
                throw new AssertionError("driver " + pkg.name() + " did not start (" + hosting + "):\n" + report.render());
            }
            for (String hardwareId : test.devices()) {
                started.driver().addDevice(hardwareId);
            }
            context.getStore(NAMESPACE).put(Started.class, started);
        } catch (DriverPackageException e) {
            throw new ExtensionConfigurationException("@DriverTest of " + testClass.getName() + ": " + e.getMessage(), e);
        } finally {
            if (context.getStore(NAMESPACE).get(Started.class) == null) {
                if (started != null) {
                    started.close();
                } else {
                    host.close();
                    deleteTree(packageDir);
                }
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Started started = context.getStore(NAMESPACE).remove(Started.class, Started.class);
        if (started == null) {
            return;
        }
        try (started) {
            UnloadReport report = started.driver().stop();
            if (!report.clean()) {
                throw new AssertionError("the unload of driver " + report.driver() + " was not clean ("
                        + (report.isolated() ? report.ranIn() : "in-process") + "):\n" + report.render());
            }
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
