package org.wdf4j.test;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;

/**
 * A driver package a {@link DriverTest} names by its JAR ({@link DriverTest#jar()} or {@code -Dwdf4j.test.jar}): read
 * as the host reads an installed one, from its manifest.
 */
final class PackagedJar {

    private PackagedJar() {
    }

    /**
     * The package at {@code jar} (relative to the working directory), checked against the annotation's entry class
     * when it names one.
     *
     * @param source where the path came from, for the error ({@code @DriverTest(jar)} or the system property)
     * @throws ExtensionConfigurationException naming the path, when it is missing, not a driver package, or the
     *     package of another entry class
     */
    static DriverPackage open(DriverTest test, Class<?> testClass, String jar, String source) {
        Path path = Path.of(jar).toAbsolutePath().normalize();
        String of = source + " of " + testClass.getName() + ": ";
        if (!Files.isRegularFile(path)) {
            throw new ExtensionConfigurationException(of + "the driver JAR " + path + (Files.exists(path)
                    ? " is not a file" : " does not exist") + " (a relative path is resolved against the working "
                    + "directory, " + Path.of("").toAbsolutePath() + "); build the driver's package first (mvn package)"
                    + " or fix the path");
        }
        DriverPackage pkg;
        try {
            pkg = DriverPackage.open(path);
        } catch (DriverPackageException e) {
            throw new ExtensionConfigurationException(of + e.getMessage(), e);
        }
        if (test.entry() != DriverEntry.class && !test.entry().getName().equals(pkg.entryClass())) {
            throw new ExtensionConfigurationException(of + "the driver JAR " + path + " is the package of "
                    + pkg.entryClass() + ", not of the test's entry class " + test.entry().getName());
        }
        return pkg;
    }
}
