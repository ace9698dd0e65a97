package org.wdf4j.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.test.leaky.LeakyDriver;
import org.wdf4j.test.sample.StoreDriver;

/**
 * A driver test started from a packaged JAR ({@code @DriverTest(jar)} or {@code -Dwdf4j.test.jar}): the JAR's
 * manifest gives the driver, in-process and isolated; a missing JAR, a JAR that is no driver package and the package
 * of another entry class each fail the test with an error naming the path. The test classes are run through the
 * launcher, with the system property set around the run.
 */
class PackagedJarDriverTestTest {

    @TempDir
    static Path dir;
    /** The store driver's package, made from the test classes with a manifest as the Maven plugin writes one. */
    static Path storeJar;
    /** Set by the tests of the nested classes, read after the run. */
    static volatile Path startedFrom;

    @BeforeAll
    static void packageTheStoreDriver() throws Exception {
        Path classes = Path.of(StoreDriver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(DriverPackage.ENTRY_ATTRIBUTE, StoreDriver.class.getName());
        main.putValue(DriverPackage.NAME_ATTRIBUTE, "packagedstore");
        main.putValue(DriverPackage.HARDWARE_IDS_ATTRIBUTE, StoreDriver.HARDWARE_ID);
        storeJar = jar(dir.resolve("packagedstore.jar"), manifest, classes, "org/wdf4j/test/sample");
        jar(dir.resolve("plain.jar"), new Manifest(), classes, "org/wdf4j/test/sample");
    }

    private static Path jar(Path jar, Manifest manifest, Path classes, String under) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classes.resolve(under))) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        manifest.getMainAttributes().putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out, manifest)) {
            for (Path file : files) {
                jos.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, jos);
                jos.closeEntry();
            }
        }
        return jar;
    }

    @AfterEach
    void clearProperty() {
        System.clearProperty(DriverTestExtension.JAR_PROPERTY);
        startedFrom = null;
    }

    private static TestExecutionSummary runWithJar(Class<?> testClass, String jar) {
        System.setProperty(DriverTestExtension.JAR_PROPERTY, jar);
        try {
            return KitLauncher.run(testClass);
        } finally {
            System.clearProperty(DriverTestExtension.JAR_PROPERTY);
        }
    }

    /** Run only through the launcher: the JAR comes from the system property. */
    @DriverTest(entry = StoreDriver.class, devices = StoreDriver.HARDWARE_ID)
    static class InProcess {
        @Test
        void writesAreReadBack(DriverUnderTest driver) {
            startedFrom = driver.driver().driverPackage().jar();
            assertThat(driver.driver().name()).isEqualTo("packagedstore");
            try (DeviceHandle device = driver.open(StoreDriver.GUID_DEVINTERFACE_STORE)) {
                device.write("from the jar".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(device.read(64).data(), StandardCharsets.UTF_8)).isEqualTo("from the jar");
            }
        }
    }

    @DriverTest(entry = StoreDriver.class, devices = StoreDriver.HARDWARE_ID, hosting = HostingModel.ISOLATED)
    static class Isolated extends InProcess {
    }

    /** A JAR named by the annotation, with no entry class. */
    @DriverTest(jar = "target/no-such-driver.jar")
    static class Missing {
        @Test
        void neverRuns() {
        }
    }

    /** The JAR of another driver than the annotation's entry class. */
    @DriverTest(entry = LeakyDriver.class)
    static class OtherEntry extends Missing {
    }

    @Test
    void aPackagedJarIsStartedFromItsManifestInProcess() {
        assertPasses(runWithJar(InProcess.class, storeJar.toString()));
        assertThat(startedFrom).isEqualTo(storeJar);
    }

    @Test
    void aPackagedJarIsStartedFromItsManifestIsolated() {
        assertPasses(runWithJar(Isolated.class, storeJar.toString()));
        assertThat(startedFrom).isEqualTo(storeJar);
    }

    @Test
    void aMissingJarFailsTheTestNamingItsPath() {
        assertThat(failure(KitLauncher.run(Missing.class)))
                .contains("@DriverTest(jar = \"target/no-such-driver.jar\")")
                .contains(Path.of("target/no-such-driver.jar").toAbsolutePath() + " does not exist");
    }

    @Test
    void aJarThatIsNoDriverPackageFailsTheTestNamingItsPath() {
        String plain = dir.resolve("plain.jar").toString();
        assertThat(failure(runWithJar(InProcess.class, plain)))
                .contains("-D" + DriverTestExtension.JAR_PROPERTY + "=" + plain)
                .contains(plain + " is not a driver package");
    }

    @Test
    void theJarOfAnotherDriverFailsTheTestNamingBothEntryClasses() {
        assertThat(failure(runWithJar(OtherEntry.class, storeJar.toString())))
                .contains(storeJar + " is the package of " + StoreDriver.class.getName())
                .contains("not of the test's entry class " + LeakyDriver.class.getName());
    }

    private static void assertPasses(TestExecutionSummary summary) {
        assertThat(summary.getFailures()).as("%s", summary.getFailures().stream()
                .map(f -> String.valueOf(f.getException())).toList()).isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(1);
    }

    private static String failure(TestExecutionSummary summary) {
        assertThat(summary.getFailures()).hasSize(1);
        return summary.getFailures().getFirst().getException().getMessage();
    }
}
