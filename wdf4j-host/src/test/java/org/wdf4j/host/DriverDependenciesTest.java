package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.driver.DriverEntry;

/**
 * A driver package's own dependencies, listed in its manifest's Class-Path, load in the driver's own
 * class loader: two drivers in one host can bundle two versions of the same library, each sees its
 * own, and both unload cleanly. The packages are built here, with the JDK's compiler.
 */
class DriverDependenciesTest {

    @TempDir
    Path tmp;

    private static final String LIBRARY = """
            package com.example.lib;
            public final class Version {
                public static String value() { return "%s"; }
            }
            """;

    private static final String DRIVER = """
            package com.example.user;
            import org.wdf4j.DbgPrint;
            import org.wdf4j.NtStatus;
            import org.wdf4j.driver.*;
            import org.wdf4j.object.WdfObjectAttributes;
            public final class LibraryUserDriver implements DriverEntry {
                @Override
                public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
                    NtStatus status = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                            WdfDriverConfig.init(null).withUnload(d -> { })).status();
                    DbgPrint.print("lib=%s loader=%s", com.example.lib.Version.value(),
                            com.example.lib.Version.class.getClassLoader().getName());
                    return status;
                }
            }
            """;

    @Test
    void twoDriversBundleTwoVersionsOfOneLibrary() throws Exception {
        Path api = Path.of(DriverEntry.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path lib1 = jar(compile("lib1", List.of(source("com/example/lib/Version.java", LIBRARY.formatted("1.0"))), null),
                "lib-1.jar", new Manifest());
        Path lib2 = jar(compile("lib2", List.of(source("com/example/lib/Version.java", LIBRARY.formatted("2.0"))), null),
                "lib-2.jar", new Manifest());
        Path driverClasses = compile("driver", List.of(source("com/example/user/LibraryUserDriver.java", DRIVER)),
                api + java.io.File.pathSeparator + tmp.resolve("lib1"));
        Path userA = jar(driverClasses, "user-a.jar", manifest("usera", lib1.getFileName().toString()));
        Path userB = jar(driverClasses, "user-b.jar", manifest("userb", lib2.getFileName().toString()));

        try (DriverHost host = DriverHost.create()) {
            HostedDriver a = host.start(DriverPackage.open(userA));
            HostedDriver b = host.start(DriverPackage.open(userB));
            UnloadReport reportB = host.stop(b);
            UnloadReport reportA = host.stop(a);
            assertThat(TestDrivers.printed(reportA)).containsExactly("lib=1.0 loader=wdf4j-driver:usera");
            assertThat(TestDrivers.printed(reportB)).containsExactly("lib=2.0 loader=wdf4j-driver:userb");
            assertThat(reportA.clean()).as(reportA.render()).isTrue();
            assertThat(reportB.clean()).as(reportB.render()).isTrue();
        }
    }

    private Path source(String relative, String text) throws IOException {
        Path file = tmp.resolve("src-" + relative.hashCode()).resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private Path compile(String name, List<Path> sources, String classPath) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("the tests run on a JDK").isNotNull();
        Path out = Files.createDirectories(tmp.resolve(name));
        Stream<String> options = classPath == null ? Stream.of("-d", out.toString())
                : Stream.of("-d", out.toString(), "-cp", classPath);
        String[] args = Stream.concat(options, sources.stream().map(Path::toString)).toArray(String[]::new);
        assertThat(javac.run(null, null, null, args)).as("javac %s", name).isZero();
        return out;
    }

    private Manifest manifest(String name, String classPath) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(DriverPackage.ENTRY_ATTRIBUTE, "com.example.user.LibraryUserDriver");
        main.putValue(DriverPackage.NAME_ATTRIBUTE, name);
        main.putValue(DriverPackage.VERSION_ATTRIBUTE, DriverPackage.FRAMEWORK_VERSION);
        main.put(Attributes.Name.CLASS_PATH, classPath);
        return manifest;
    }

    private Path jar(Path classes, String fileName, Manifest manifest) throws IOException {
        if (manifest.getMainAttributes().isEmpty()) {
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        }
        Path jar = tmp.resolve(fileName);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest);
             Stream<Path> walk = Files.walk(classes)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
                out.closeEntry();
            }
        }
        return jar;
    }
}
