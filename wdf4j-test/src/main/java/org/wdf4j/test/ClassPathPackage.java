package org.wdf4j.test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.List;
import java.util.Locale;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;

/**
 * A driver package made from the test class path: the directory or JAR its entry class was loaded from. A directory
 * ({@code target/classes}) is put in a temporary JAR (the host loads drivers from JARs, in-process and in driver host
 * processes alike); when that directory also holds the test class, only the entry class's package and those below it
 * go in, so that the tests and the libraries they use are not taken for the driver's classes.
 */
final class ClassPathPackage {

    private ClassPathPackage() {
    }

    /** The package of {@code test}'s driver; a temporary JAR, when one is made, is written in {@code tmp}. */
    static DriverPackage of(DriverTest test, Class<?> testClass, Path tmp) {
        Class<?> entry = test.entry();
        String name = test.name().isBlank() ? entry.getSimpleName().toLowerCase(Locale.ROOT) : test.name();
        Path location = location(entry);
        try {
            Path jar = location;
            if (Files.isDirectory(location)) {
                String only = location.equals(location(testClass)) ? entry.getPackageName() : null;
                jar = jar(location, only, tmp.resolve(name + ".jar"));
            }
            return DriverPackage.of(jar, entry.getName(), name, DriverPackage.FRAMEWORK_VERSION,
                    List.of(test.hardwareIds()));
        } catch (DriverPackageException e) {
            throw new IllegalArgumentException("@DriverTest of " + testClass.getName() + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot package the driver of " + testClass.getName() + " from " + location, e);
        }
    }

    private static Path location(Class<?> c) {
        CodeSource source = c.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalArgumentException(c.getName() + " was not loaded from a directory or JAR of the class path");
        }
        try {
            return Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(c.getName() + " was loaded from " + source.getLocation(), e);
        }
    }

    /** A JAR of the files under {@code dir} (only those of {@code onlyPackage} and below it, when given). */
    private static Path jar(Path dir, String onlyPackage, Path jar) throws IOException {
        Path root = onlyPackage == null || onlyPackage.isEmpty() ? dir : dir.resolve(onlyPackage.replace('.', '/'));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out)) {
            for (Path file : files) {
                String entryName = dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
                if (entryName.equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                    continue;
                }
                jos.putNextEntry(new JarEntry(entryName));
                Files.copy(file, jos);
                jos.closeEntry();
            }
        }
        return jar;
    }
}
