package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.framework.VerifierSettings;

/**
 * Package integrity: the store's copy of a package is checked against the SHA-256 recorded at install at every start;
 * install refuses a JAR whose entries fail their CRC, and an entry class the host could never start (read from the
 * class file, without running the driver's code).
 */
class PackageIntegrityTest {

    @TempDir
    Path tmp;

    private Path state() {
        return tmp.resolve("state");
    }

    // A bit flipped in the store's copy after install: the start is refused, in every hosting model, with a message
    // naming the file, both digests and the command that repairs it; the repair keeps the parameters and starts.
    @ParameterizedTest
    @EnumSource(value = HostingModel.class, names = {"IN_PROCESS", "ISOLATED"})
    void aPackageChangedAfterInstallIsNotStarted(HostingModel hosting) throws Exception {
        try (DriverHost host = DriverHost.create(state())) {
            DriverStore.InstalledDriver installed = host.install(TestDrivers.pkg("CleanDriver", "clean"), false);
            byte[] bytes = Files.readAllBytes(installed.jar());
            bytes[bytes.length / 2] ^= 0x10;
            Files.write(installed.jar(), bytes);
            assertThatThrownBy(() -> host.start("clean", VerifierSettings.on(), hosting))
                    .isInstanceOf(DriverPackageException.class)
                    .hasMessageContaining(installed.jar() + ", the store's copy of driver clean, was changed or damaged "
                            + "since it was installed")
                    .hasMessageContaining("not " + installed.sha256() + " as recorded", "The driver is not started",
                            "wdf4j install --replace " + TestDrivers.JAR.toAbsolutePath().normalize());
            assertThat(host.driver("clean")).isNull();

            host.install(TestDrivers.pkg("CleanDriver", "clean"), true);
            UnloadReport report = host.stop(host.start("clean", VerifierSettings.on(), hosting));
            assertThat(report.clean()).as(report.render()).isTrue();
        }
    }

    // A restart after the driver host died loads the package again: a copy changed meanwhile is not restarted; the
    // driver is unloaded with the reason in its report instead.
    @Test
    void h6_aDriverHostRestartDoesNotLoadAPackageChangedSinceInstall() throws Exception {
        try (DriverHost host = DriverHost.create(state())) {
            DriverStore.InstalledDriver installed = host.install(TestDrivers.pkg("CleanDriver", "clean"), false);
            HostedDriver driver = host.start("clean", VerifierSettings.on(), HostingModel.ISOLATED);
            byte[] bytes = Files.readAllBytes(installed.jar());
            bytes[bytes.length / 2] ^= 0x10;
            Files.write(installed.jar(), bytes);
            ProcessHandle.of(driver.pid()).orElseThrow().destroyForcibly();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> driver.report() != null);
            assertThat(driver.restarts()).isZero();
            assertThat(driver.report().clean()).isFalse();
            assertThat(driver.report().failure()).contains("SIGKILL", "not restarted: the restart failed: ",
                    "was changed or damaged since it was installed");
        }
    }

    // An emptied package in the store: the same refusal, not a ClassNotFoundException.
    @Test
    void anEmptiedPackageIsNotStarted() throws Exception {
        try (DriverHost host = DriverHost.create(state())) {
            DriverStore.InstalledDriver installed = host.install(TestDrivers.pkg("CleanDriver", "clean"), false);
            Files.write(installed.jar(), new byte[0]);
            assertThatThrownBy(() -> host.start("clean", VerifierSettings.on()))
                    .isInstanceOf(DriverPackageException.class).hasMessageContaining("was changed or damaged");
        }
    }

    // A JAR whose entry's bytes were changed after it was built (its CRC no longer matches): refused at install,
    // naming the entry; nothing is installed.
    @Test
    void aJarWhoseEntryFailsItsCrcIsRefusedAtInstall() throws Exception {
        byte[] payload = "wdf4j-payload-0123456789-wdf4j-payload-0123456789".getBytes(StandardCharsets.US_ASCII);
        Path withPayload = LauncherRun.repackage(tmp.resolve("flipped.jar"), "org.wdf4j.testdrivers.CleanDriver",
                "clean", null, out -> storedEntry(out, "data/payload.bin", payload));
        byte[] bytes = Files.readAllBytes(withPayload);
        int at = indexOf(bytes, payload);
        assertThat(at).as("the stored entry's bytes are in the JAR as they are").isPositive();
        bytes[at + 5] ^= 0x01;
        Files.write(withPayload, bytes);
        try (DriverHost host = DriverHost.create(state())) {
            assertThatThrownBy(() -> host.install(DriverPackage.open(withPayload), false))
                    .isInstanceOf(DriverPackageException.class)
                    .hasMessageContaining(withPayload + " is damaged: its entry data/payload.bin does not read back as "
                            + "it was written")
                    .hasMessageContaining("Build or download the package again");
            assertThat(host.store().list()).isEmpty();
            assertThat(host.store().damaged()).isEmpty();
        }
    }

    // Entry classes the host could never start are refused at install, each with what is wrong, read from the class
    // file: no code of the package runs (a class whose constructor would throw is not caught here: that needs running it).
    @Test
    void entryClassesThatCouldNeverStartAreRefusedAtInstall() throws Exception {
        try (DriverHost host = DriverHost.create(state())) {
            assertRefused(host, "Tree", "it does not implement org.wdf4j.driver.DriverEntry");
            assertRefused(host, "HiddenDriver", "it is not public");
            assertRefused(host, "NoDefaultConstructorDriver", "it has no public constructor without arguments");
            assertRefused(host, "AbstractBaseDriver", "it is abstract");
            assertThat(host.store().list()).isEmpty();

            host.install(TestDrivers.pkg("InheritingDriver", "inherits"), false);
            UnloadReport report = host.stop(host.start("inherits", VerifierSettings.on(), HostingModel.IN_PROCESS));
            assertThat(report.clean()).as("DriverEntry implemented through a superclass in the JAR: %s",
                    report.render()).isTrue();
        }
    }

    private static void assertRefused(DriverHost host, String simpleName, String problem) {
        assertThatThrownBy(() -> host.install(TestDrivers.pkg(simpleName, "bad"), false))
                .as(simpleName).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining(": the entry class org.wdf4j.testdrivers." + simpleName + " named by "
                        + "Wdf4j-Driver-Entry could never start: " + problem + ".")
                .hasMessageContaining("public constructor without arguments");
    }

    // The advice for a package built for another framework version fits the case: an older major is rebuilt (or
    // run on an older host), a newer one needs a newer host.
    @Test
    void theVersionRefusalGivesAdviceThatFitsTheVersion() {
        Path jar = Path.of("old.jar");
        assertThatThrownBy(() -> DriverPackage.checkVersion(jar, "0.9")).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("was built for wdf4j framework 0.9, but this host is 1.0",
                        "older major version", "rebuild the driver against wdf4j-api 1.0", "wdf4j 0.x host")
                .hasMessageNotContaining("newer host").hasMessageNotContaining("Run it on a host of framework");
        assertThatThrownBy(() -> DriverPackage.checkVersion(jar, "2.0")).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("Run it on a host of framework 2.0 or newer");
        assertThatThrownBy(() -> DriverPackage.checkVersion(jar, "1.7")).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("Run it on a host of framework 1.7 or newer");
    }

    /** Adds an entry stored (not compressed), so that its bytes appear in the JAR as they are. */
    private static void storedEntry(JarOutputStream out, String name, byte[] content) throws java.io.IOException {
        JarEntry stored = new JarEntry(name);
        stored.setMethod(ZipEntry.STORED);
        stored.setSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        stored.setCrc(crc.getValue());
        out.putNextEntry(stored);
        out.write(content);
        out.closeEntry();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }
}
