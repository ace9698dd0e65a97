package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged store, as a user meets it: a real {@code wdf4j host} starting on a state directory where one driver's record
 * is emptied, another's is garbage, another's package is missing and another's parameters are not UTF-8. Nothing is
 * deleted; each damaged driver is listed with what is wrong and how to fix it; the whole driver works; the fixes work.
 */
class StoreDamageTest {

    @TempDir
    Path tmp;

    private Path state() {
        return tmp.resolve("s");
    }

    private CliRun wdf4j(String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--state-dir", state().toString())).toArray(String[]::new);
        return CliRun.of(all);
    }

    @Test
    void damagedDriversAreReportedNeverDeletedAndTheOthersKeepWorking() throws Exception {
        Path jar = LauncherRun.repackage(tmp.resolve("p.jar"), "org.wdf4j.testdrivers.ParametersDriver", "p", null);
        for (String name : new String[] {"good", "emptied", "garbage", "nopackage", "badparams"}) {
            CliRun installed = wdf4j("install", "--name", name, "--hosting", "in-process", jar.toString());
            assertThat(installed.exit()).as("%s", installed).isZero();
        }
        Path drivers = state().resolve("drivers");
        Files.write(drivers.resolve("emptied/driver.properties"), new byte[0]);
        Files.write(drivers.resolve("garbage/driver.properties"), new byte[] {(byte) 0xff, (byte) 0xfe, 'x', '=', 0, 10});
        try (Stream<Path> packages = Files.list(drivers.resolve("nopackage"))) {
            for (Path p : packages.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.delete(p);
            }
        }
        Files.write(drivers.resolve("badparams/parameters.properties"), new byte[] {'A', '=', (byte) 0xc3, (byte) 0x28});
        Map<Path, String> before = contents(drivers);

        try (HostProcess host = HostProcess.start(state())) {
            CliRun list = wdf4j("list");
            assertThat(list.exit()).as("%s", list).isZero();
            assertThat(list.out()).containsPattern("good\\s+installed\\s+org.wdf4j.testdrivers.ParametersDriver")
                    .containsPattern("emptied\\s+DAMAGED").containsPattern("garbage\\s+DAMAGED")
                    .containsPattern("nopackage\\s+DAMAGED").containsPattern("badparams\\s+DAMAGED")
                    .contains("emptied is damaged: " + drivers.resolve("emptied/driver.properties") + " has no name",
                            "garbage is damaged: " + drivers.resolve("garbage/driver.properties") + " is not UTF-8 text",
                            "nopackage is damaged: its package " + drivers.resolve("nopackage"),
                            "is missing",
                            "badparams is damaged: " + drivers.resolve("badparams/parameters.properties")
                                    + " is not UTF-8 text",
                            "Repair it with wdf4j install --replace JAR (its parameters are kept), or remove it with "
                                    + "wdf4j uninstall --force emptied",
                            "Reinstall it with wdf4j install --replace " + jar.toAbsolutePath(),
                            "Correct " + drivers.resolve("badparams/parameters.properties"));

            CliRun status = wdf4j("status", "badparams");
            assertThat(status.exit()).isEqualTo(1);
            assertThat(status.out()).contains("state:      DAMAGED", "problem:    " + drivers.resolve(
                    "badparams/parameters.properties") + " is not UTF-8 text", "fix:        Correct ");
            assertThat(wdf4j("status", "good").exit()).isZero();

            CliRun refused = wdf4j("driver", "start", "emptied");
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.err()).contains("driver emptied is damaged: ", "wdf4j uninstall --force emptied");
            CliRun started = wdf4j("driver", "start", "good");
            assertThat(started.exit()).as("%s", started).isZero();
            assertThat(wdf4j("driver", "stop", "good").exit()).isZero();

            CliRun notForced = wdf4j("uninstall", "nopackage");
            assertThat(notForced.exit()).isEqualTo(1);
            assertThat(notForced.err()).contains("driver nopackage is damaged", "wdf4j uninstall --force nopackage");
            before.keySet().removeIf(p -> p.startsWith(drivers.resolve("good")));
            assertThat(contentsWithout(drivers, "good")).as("nothing damaged was changed or deleted")
                    .containsExactlyInAnyOrderEntriesOf(before);

            assertThat(wdf4j("uninstall", "--force", "nopackage").exit()).isZero();
            CliRun repaired = wdf4j("install", "--replace", "--name", "emptied", jar.toString());
            assertThat(repaired.exit()).as("%s", repaired).isZero();
            assertThat(repaired.out()).contains("replaced driver emptied");
            assertThat(host.shutdown(state())).isZero();
        }
        CliRun list = wdf4j("list");
        assertThat(list.out()).containsPattern("emptied\\s+installed").containsPattern("good\\s+stopped")
                .doesNotContain("nopackage").contains("garbage is damaged", "badparams is damaged");
        assertThat(drivers.resolve("nopackage")).doesNotExist();
    }

    private static Map<Path, String> contents(Path dir) throws Exception {
        Map<Path, String> all = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.put(f, new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        return all;
    }

    private static Map<Path, String> contentsWithout(Path dir, String driver) throws Exception {
        Map<Path, String> all = contents(dir);
        all.keySet().removeIf(p -> p.startsWith(dir.resolve(driver)));
        return all;
    }
}
