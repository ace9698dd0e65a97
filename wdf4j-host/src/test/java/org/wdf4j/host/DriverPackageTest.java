package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Driver packages: manifests, version binding, bad packages and class-loader isolation. */
class DriverPackageTest {

    @TempDir
    Path tmp;

    private final DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    private Path jarWithManifest(String name, String... attributes) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        for (int i = 0; i < attributes.length; i += 2) {
            manifest.getMainAttributes().putValue(attributes[i], attributes[i + 1]);
        }
        Path jar = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            return jar;
        }
    }

    @Test
    void manifestNamesTheEntryClassNameAndVersion() throws Exception {
        DriverPackage hello = DriverPackage.open(TestDrivers.HELLO);
        assertThat(hello.name()).isEqualTo("hello");
        assertThat(hello.entryClass()).isEqualTo("org.wdf4j.samples.hello.HelloDriver");
        assertThat(hello.frameworkVersion()).isEqualTo("1.0");
    }

    @Test
    void hardwareIdsAreReadFromTheManifest() throws Exception {
        Path pnp = jarWithManifest("pnp.jar", "Wdf4j-Driver-Entry", "x.Y",
                "Wdf4j-Hardware-Ids", "root\\wdf4jecho, USB\\VID_045E&PID_00DB,root\\wdf4jecho");
        assertThat(DriverPackage.open(pnp).hardwareIds()).containsExactly("root\\wdf4jecho", "USB\\VID_045E&PID_00DB");
        assertThat(DriverPackage.open(TestDrivers.HELLO).hardwareIds()).as("a non-PnP driver binds to none").isEmpty();
        Path bad = jarWithManifest("bad-ids.jar", "Wdf4j-Driver-Entry", "x.Y", "Wdf4j-Hardware-Ids", "root\\echo, two words");
        assertThatThrownBy(() -> DriverPackage.open(bad)).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("Wdf4j-Hardware-Ids: 'two words' is not a valid hardware ID: it has U+0020 at position 4");
    }

    @Test
    void notAJarIsAClearError() throws Exception {
        Path text = Files.writeString(tmp.resolve("notes.jar"), "not a jar");
        assertThatThrownBy(() -> DriverPackage.open(text)).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("notes.jar is not a JAR file");
        assertThatThrownBy(() -> DriverPackage.open(tmp.resolve("missing.jar"))).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("missing.jar does not exist");
    }

    @Test
    void missingEntryAttributeIsAClearError() throws Exception {
        Path jar = jarWithManifest("plain.jar", "Created-By", "test");
        assertThatThrownBy(() -> DriverPackage.open(jar)).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("has no Wdf4j-Driver-Entry attribute")
                .hasMessageContaining("implements org.wdf4j.driver.DriverEntry");
    }

    @Test
    void versionBindingAcceptsOlderMinorOfSameMajorOnly() throws Exception {
        Path jar = jarWithManifest("v.jar", "Wdf4j-Driver-Entry", "x.Y");
        assertThat(DriverPackage.of(jar, "x.Y", "v", "1.0").frameworkVersion()).isEqualTo("1.0");
        assertThatThrownBy(() -> DriverPackage.of(jar, "x.Y", "v", "1.1")).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("built for wdf4j framework 1.1, but this host is 1.0");
        assertThatThrownBy(() -> DriverPackage.of(jar, "x.Y", "v", "2.0")).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("built for wdf4j framework 2.0");
        assertThatThrownBy(() -> DriverPackage.of(jar, "x.Y", "v", "one")).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("is not a MAJOR.MINOR version");
        assertThatThrownBy(() -> DriverPackage.of(jar, "x.Y", "bad name!", "1.0")).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("'bad name!' is not a valid driver name: it has U+0020 at position 4");
    }

    @Test
    void badEntryClassesAreClearErrorsAndChangeNothing() {
        assertThatThrownBy(() -> host.start(TestDrivers.pkg("NoSuchDriver", "nosuch")))
                .isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("the entry class org.wdf4j.testdrivers.NoSuchDriver named by Wdf4j-Driver-Entry cannot be loaded");
        assertThatThrownBy(() -> host.start(TestDrivers.pkg("Tree", "notentry")))
                .isInstanceOf(DriverPackageException.class).hasMessageContaining("does not implement org.wdf4j.driver.DriverEntry");
        assertThatThrownBy(() -> host.start(TestDrivers.pkg("HiddenDriver", "hidden")))
                .isInstanceOf(DriverPackageException.class).hasMessageContaining("must be a public, concrete class");
        assertThatThrownBy(() -> host.start(TestDrivers.pkg("NoDefaultConstructorDriver", "noctor")))
                .isInstanceOf(DriverPackageException.class).hasMessageContaining("has no public constructor without arguments");
        assertThat(host.drivers()).isEmpty();
    }

    @Test
    void twoDriversCannotShareAName() throws Exception {
        host.start(TestDrivers.pkg("CleanDriver", "same"));
        assertThatThrownBy(() -> host.start(TestDrivers.pkg("CleanDriver", "same")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a driver named same is already loaded");
        assertThat(host.drivers()).hasSize(1);
    }

    // A driver sees the JDK, the wdf4j-api packages and its own classes; framework, host, SPI and library classes are
    // ClassNotFoundException.
    @Test
    void driversSeeOnlyTheJdkTheApiAndThemselves() throws Exception {
        UnloadReport report = host.start(TestDrivers.pkg("FrameworkPeekDriver", "peek")).report();
        assertThat(TestDrivers.printed(report)).containsExactly(
                "org.wdf4j.framework.FxObject: ClassNotFoundException",
                "org.wdf4j.host.DriverHost: ClassNotFoundException",
                "org.wdf4j.spi.WdfFunctions: ClassNotFoundException",
                "org.slf4j.Logger: ClassNotFoundException",
                "org.wdf4j.NtStatus: visible");
    }
}
