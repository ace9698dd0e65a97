package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.framework.VerifierSettings;

/**
 * H2: the hosting model is chosen by whoever installs or starts a driver; a package may state a default; a driver
 * that states none runs isolated in {@code wdf4j run} and the long-lived host, and where the embedder says in the API.
 */
class HostingModelTest {

    @TempDir
    Path dir;

    /** The hello sample with {@code Wdf4j-Hosting: value} in its manifest. */
    private Path helloAsking(String value) throws Exception {
        Path jar = dir.resolve("hello-" + value + ".jar");
        try (JarInputStream in = new JarInputStream(Files.newInputStream(TestDrivers.HELLO))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name(DriverPackage.HOSTING_ATTRIBUTE), value);
            try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    @Test
    void h2_wdf4jRunRunsADriverPooledUnlessTheCommandOrThePackageSaysOtherwise() throws Exception {
        CliRun byDefault = CliRun.of("run", TestDrivers.HELLO.toString());
        assertThat(byDefault.exit()).as(byDefault.err()).isZero();
        assertThat(byDefault.out()).containsPattern("Ran in: +driver host \\d+")
                .containsPattern("Class loader collected: yes \\(in driver host \\d+: after \\d+ GCs?; then the driver host "
                        + "exited with status 0\\)");

        CliRun inProcess = CliRun.of("run", "--hosting", "in-process", TestDrivers.HELLO.toString());
        assertThat(inProcess.exit()).as(inProcess.err()).isZero();
        assertThat(inProcess.out()).doesNotContain("Ran in:").contains("Class loader collected: yes");

        CliRun packageSays = CliRun.of("run", helloAsking("in-process").toString());
        assertThat(packageSays.exit()).as(packageSays.err()).isZero();
        assertThat(packageSays.out()).contains("Class loader collected: yes");

        CliRun commandWins = CliRun.of("run", "--hosting", "isolated", helloAsking("in-process").toString());
        assertThat(commandWins.out()).containsPattern("Ran in: +driver host \\d+");
    }

    @Test
    void h2_aBadHostingModelIsRefusedWithTheModelsNamed() throws Exception {
        CliRun badOption = CliRun.of("run", "--hosting", "kernel", TestDrivers.HELLO.toString());
        assertThat(badOption.exit()).isEqualTo(2);
        assertThat(badOption.err()).contains("'kernel' is not a hosting model: use in-process, isolated or pooled");

        Path bad = helloAsking("sandboxed");
        assertThatThrownBy(() -> DriverPackage.open(bad)).isInstanceOf(DriverPackageException.class)
                .hasMessageContaining("Wdf4j-Hosting")
                .hasMessageContaining("'sandboxed' is not a hosting model: use in-process, isolated or pooled");
    }

    @Test
    void h2_theEmbedderChoosesPerStartAndTheStoreKeepsTheInstallChoice() throws Exception {
        try (DriverHost host = DriverHost.create(dir.resolve("state"))) {
            HostedDriver local = host.start(TestDrivers.sample(TestDrivers.HELLO), VerifierSettings.on());
            assertThat(local.hosting()).isEqualTo(HostingModel.IN_PROCESS);
            assertThat(local.pid()).isEqualTo(ProcessHandle.current().pid());
            host.stop(local);

            host.install(TestDrivers.sample(TestDrivers.HELLO).withHosting(HostingModel.ISOLATED), false);
            assertThat(host.store().get("hello").orElseThrow().hosting()).isEqualTo(HostingModel.ISOLATED);
            HostedDriver installed = host.start("hello", VerifierSettings.on());
            assertThat(installed.hosting()).as("as chosen at install").isEqualTo(HostingModel.ISOLATED);
            assertThat(installed.pid()).isNotEqualTo(ProcessHandle.current().pid());
            host.stop(installed);

            HostedDriver overridden = host.start("hello", VerifierSettings.on(), HostingModel.IN_PROCESS);
            assertThat(overridden.hosting()).as("the start overrides the install").isEqualTo(HostingModel.IN_PROCESS);
            host.stop(overridden);
        }
    }
}
