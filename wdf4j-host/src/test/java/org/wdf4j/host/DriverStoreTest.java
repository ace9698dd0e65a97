package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.framework.FxParameters;
import org.wdf4j.framework.VerifierSettings;

/** The driver store in the state directory, driver parameters across hosts, and the one-host lock. */
class DriverStoreTest {

    @TempDir
    Path tmp;

    private Path state() {
        return tmp.resolve("state");
    }

    @Test
    void installCopiesThePackageIntoTheStoreAndListsIt() throws Exception {
        try (DriverHost host = DriverHost.create(state())) {
            DriverStore.InstalledDriver installed = host.install(TestDrivers.pkg("ParametersDriver", "params"), false);
            assertThat(installed.jar()).startsWith(state().toAbsolutePath()).exists();
            assertThat(Files.mismatch(installed.jar(), TestDrivers.JAR)).isEqualTo(-1L);
            assertThat(host.store().list()).extracting(DriverStore.InstalledDriver::name).containsExactly("params");
            assertThat(host.store().get("params")).get().satisfies(d -> {
                assertThat(d.entryClass()).isEqualTo("org.wdf4j.testdrivers.ParametersDriver");
                assertThat(d.source()).isEqualTo(TestDrivers.JAR.toAbsolutePath().normalize().toString());
            });
            assertThat(Files.getPosixFilePermissions(state())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void hardwareIdsAreKeptInTheStore() throws Exception {
        DriverPackage pnp = DriverPackage.of(TestDrivers.JAR, "org.wdf4j.testdrivers.PnpNoUnloadDriver", "pnp",
                DriverPackage.FRAMEWORK_VERSION, java.util.List.of("root\\wdf4jpnp", "PCI\\VEN_1234&DEV_5678"));
        try (DriverHost host = DriverHost.create(state())) {
            host.install(pnp, false);
        }
        try (DriverHost host = DriverHost.create(state())) {
            assertThat(host.store().get("pnp").orElseThrow().toPackage().hardwareIds())
                    .containsExactly("root\\wdf4jpnp", "PCI\\VEN_1234&DEV_5678");
        }
    }

    @Test
    void aBadPackageIsRefusedWithItsMessageAndChangesNothing() throws Exception {
        Path notAJar = Files.writeString(tmp.resolve("bad.jar"), "nope");
        Path noEntry = jarWithEntry(tmp.resolve("ghost.jar"), "com.example.Missing");
        try (DriverHost host = DriverHost.create(state())) {
            assertThatThrownBy(() -> host.install(DriverPackage.open(notAJar), false))
                    .isInstanceOf(DriverPackageException.class).hasMessageContaining("bad.jar is not a JAR file");
            assertThatThrownBy(() -> host.install(DriverPackage.open(noEntry), false))
                    .isInstanceOf(DriverPackageException.class)
                    .hasMessageContaining("the entry class com.example.Missing named by Wdf4j-Driver-Entry is not in the JAR");
            assertThat(host.store().list()).isEmpty();
            try (var files = Files.list(state().resolve("drivers"))) {
                assertThat(files).isEmpty();
            }
        }
    }

    @Test
    void aDuplicateIsRefusedUnlessReplacedAndReplacingKeepsTheParameters() throws Exception {
        try (DriverHost host = DriverHost.create(state())) {
            host.install(TestDrivers.pkg("ParametersDriver", "params"), false);
            host.store().parameters("params").put("Kept", FxParameters.Value.ofULong(5));
            assertThatThrownBy(() -> host.install(TestDrivers.pkg("CleanDriver", "params"), false))
                    .isInstanceOf(DriverStoreException.class)
                    .hasMessageContaining("a driver named params is already installed", "--replace");
            assertThat(host.store().get("params").get().entryClass()).endsWith("ParametersDriver");
            host.install(TestDrivers.pkg("CleanDriver", "params"), true);
            assertThat(host.store().get("params").get().entryClass()).endsWith("CleanDriver");
            assertThat(host.store().parameters("params").get("kept")).isEqualTo(FxParameters.Value.ofULong(5));
            try (var files = Files.list(state().resolve("drivers/params"))) {
                assertThat(files.filter(f -> f.toString().endsWith(".jar"))).hasSize(1);
            }
        }
    }

    @Test
    void uninstallAndReplaceAreRefusedWhileTheDriverRunsAndUninstallRemovesTheParameters() throws Exception {
        try (DriverHost host = DriverHost.create(state())) {
            host.install(TestDrivers.pkg("ParametersDriver", "params"), false);
            HostedDriver running = host.start("params", VerifierSettings.on());
            assertThat(running.isRunning()).isTrue();
            assertThatThrownBy(() -> host.uninstall("params")).isInstanceOf(DriverStoreException.class)
                    .hasMessageContaining("driver params is running; stop it before uninstalling it");
            assertThatThrownBy(() -> host.install(TestDrivers.pkg("CleanDriver", "params"), true))
                    .isInstanceOf(DriverStoreException.class).hasMessageContaining("is running");
            assertThatThrownBy(() -> host.start("params", VerifierSettings.on()))
                    .isInstanceOf(DriverStoreException.class).hasMessageContaining("already running");
            assertThat(host.stop(running).clean()).isTrue();
            assertThat(host.store().parameters("params").values()).containsKey("StartCount");
            host.uninstall("params");
            assertThat(host.store().list()).isEmpty();
            assertThat(state().resolve("drivers/params")).doesNotExist();
            assertThatThrownBy(() -> host.uninstall("params")).isInstanceOf(DriverStoreException.class)
                    .hasMessageContaining("no driver named params is installed");
            assertThatThrownBy(() -> host.start("params", VerifierSettings.on())).isInstanceOf(DriverStoreException.class)
                    .hasMessageContaining("install it first");
        }
    }

    // A driver's Parameters key persists in the state directory: a second host over the same directory gives the
    // driver what the first run wrote; the driver reads it through the API from its isolated class loader.
    @Test
    void parametersPersistAcrossHostsOverTheSameStateDirectory() throws Exception {
        try (DriverHost first = DriverHost.create(state())) {
            first.install(TestDrivers.pkg("ParametersDriver", "params"), false);
            UnloadReport report = first.stop(first.start("params", VerifierSettings.on()));
            assertThat(report.clean()).as(report.render()).isTrue();
            assertThat(TestDrivers.printed(report)).startsWith(
                    "start 1 assign=STATUS_SUCCESS (0x00000000) greeting=(none) STATUS_OBJECT_NAME_NOT_FOUND (0xC0000034)",
                    "unload StartCount=1 write=STATUS_ACCESS_DENIED (0xC0000022)");
        }
        Path file = state().resolve("drivers/params/parameters.properties");
        assertThat(file).content().contains("StartCount=dword\\:1", "LastStatus=sz\\:started 1");
        try (DriverHost second = DriverHost.create(state())) {
            second.store().parameters("params").put("Greeting", FxParameters.Value.ofString("hello again"));
            UnloadReport report = second.stop(second.start("params", VerifierSettings.on()));
            assertThat(TestDrivers.printed(report)).startsWith(
                    "start 2 assign=STATUS_SUCCESS (0x00000000) greeting=hello again",
                    "unload StartCount=2 write=STATUS_ACCESS_DENIED (0xC0000022)");
            assertThat(report.clean()).as(report.render()).isTrue();
        }
    }

    // A throw-away host keeps parameters in memory: nothing is written anywhere, and they last as long as the host.
    @Test
    void aThrowAwayHostKeepsParametersInMemory() {
        try (DriverHost host = DriverHost.create()) {
            host.stop(host.start(TestDrivers.pkg("ParametersDriver", "mem"), VerifierSettings.on()));
            UnloadReport second = host.stop(host.start(TestDrivers.pkg("ParametersDriver", "mem"), VerifierSettings.on()));
            assertThat(TestDrivers.printed(second)).first().asString().startsWith("start 2 ");
        } catch (DriverPackageException e) {
            throw new AssertionError(e);
        }
        assertThatThrownBy(() -> DriverHost.create().uninstall("x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("DriverHost.create(Path)");
    }

    @Test
    void oneHostPerStateDirectory() throws Exception {
        try (DriverHost first = DriverHost.create(state())) {
            assertThatThrownBy(() -> DriverHost.create(state())).isInstanceOf(StateDirLockedException.class)
                    .hasMessageContaining("is in use by another wdf4j host", "pid " + ProcessHandle.current().pid());
        }
        DriverHost.create(state()).close(); // released by close
    }

    // What a crash can leave of a change under way (a first install's directory under its temporary name, an
    // uninstalled driver's directory not yet deleted, a temporary file, the old package of a replace) is removed when
    // the store is next opened, and only that: a driver's directory without a record is damaged, listed as such, and
    // kept for the user to repair or uninstall.
    @Test
    void crashLeftoversAreRemovedWhenTheStoreOpensAndNothingElse() throws Exception {
        try (DriverHost host = DriverHost.create(state())) {
            host.install(TestDrivers.pkg("ParametersDriver", "params"), false);
            host.store().parameters("params").put("Kept", FxParameters.Value.ofULong(7));
        }
        Path drivers = state().resolve("drivers");
        Files.createDirectories(drivers.resolve(".tmp-install-half-123"));
        Files.writeString(drivers.resolve(".tmp-install-half-123/package-0000000000000000.jar"), "x");
        Files.createDirectories(drivers.resolve(".tmp-uninstall-gone-456"));
        Files.writeString(drivers.resolve(".tmp-uninstall-gone-456/parameters.properties"), "A=dword:1");
        Files.writeString(drivers.resolve("params/.tmp-driver.properties-123"), "half written");
        Files.writeString(drivers.resolve("params/package-ffffffffffffffff.jar"), "orphan");
        Files.createDirectories(drivers.resolve("norecord"));
        Files.writeString(drivers.resolve("norecord/parameters.properties"), "Mine=sz:keep me\n");
        try (DriverHost host = DriverHost.create(state())) {
            assertThat(host.store().list()).extracting(DriverStore.InstalledDriver::name).containsExactly("params");
            assertThat(host.store().damaged()).singleElement().satisfies(d -> {
                assertThat(d.name()).isEqualTo("norecord");
                assertThat(d.problem()).isEqualTo(drivers.resolve("norecord/driver.properties") + " is missing");
                assertThat(d.fix()).contains("wdf4j install --replace", "wdf4j uninstall --force norecord");
            });
            assertThat(host.store().parameters("params").get("Kept")).isEqualTo(FxParameters.Value.ofULong(7));
        }
        try (var left = Files.list(drivers)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("params", "norecord");
        }
        try (var left = Files.list(drivers.resolve("params"))) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("driver.properties",
                    "parameters.properties", DriverRecord.packageFileName(
                            DriverStoreTest.sha256(TestDrivers.JAR)));
        }
        assertThat(drivers.resolve("norecord/parameters.properties")).hasContent("Mine=sz:keep me\n");
    }

    static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(file)));
    }

    @Test
    void namesThatAreNotDriverNamesAreRefused() throws Exception {
        try (DriverHost host = DriverHost.create(state())) {
            assertThatThrownBy(() -> host.uninstall("..")).isInstanceOf(DriverStoreException.class)
                    .hasMessageContaining("is not a driver name");
            assertThatThrownBy(() -> host.install(DriverPackage.of(TestDrivers.JAR, "org.wdf4j.testdrivers.CleanDriver",
                    "..", DriverPackage.FRAMEWORK_VERSION), false)).isInstanceOf(DriverPackageException.class)
                    .hasMessageContaining("'..' is not a valid driver name");
        }
    }

    private static Path jarWithEntry(Path jar, String entry) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(DriverPackage.ENTRY_ATTRIBUTE, entry);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        return jar;
    }
}
