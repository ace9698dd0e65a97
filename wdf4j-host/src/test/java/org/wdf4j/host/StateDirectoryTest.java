package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.host.cli.StateDirectory;

/** Which store a command uses: --state-dir, else WDF4J_STATE_DIR, else .wdf4j in the current directory; and it says which. */
class StateDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void theOptionWinsThenTheEnvironmentThenTheDefault() {
        Map<String, String> env = Map.of(StateDirectory.ENV, tmp.resolve("shared").toString());
        assertThat(StateDirectory.resolve(tmp.resolve("mine"), env::get))
                .isEqualTo(new StateDirectory(tmp.resolve("mine"), "--state-dir"));
        assertThat(StateDirectory.resolve(null, env::get))
                .isEqualTo(new StateDirectory(tmp.resolve("shared"), "WDF4J_STATE_DIR"));
        StateDirectory fallback = StateDirectory.resolve(null, Map.of(StateDirectory.ENV, "  ")::get);
        assertThat(fallback.dir()).isEqualTo(Path.of(".wdf4j").toAbsolutePath().normalize());
        assertThat(fallback.describe()).endsWith("(from the default .wdf4j in the current directory)");
        assertThatThrownBy(() -> StateDirectory.resolve(null, Map.of(StateDirectory.ENV, "a\0b")::get))
                .hasMessageContaining("WDF4J_STATE_DIR is 'a\0b', which is not a path")
                .hasMessageContaining("export WDF4J_STATE_DIR=");
    }

    @Test
    void commandsRunFromAnotherDirectoryUseTheStoreTheVariableNames() throws Exception {
        Path store = tmp.resolve("store");
        CliRun install = CliRun.of("install", TestDrivers.HELLO.toAbsolutePath().toString(), "--state-dir",
                store.toString());
        assertThat(install.exit()).as("%s", install).isZero();
        Path project = Files.createDirectories(tmp.resolve("project"));

        LauncherRun.Ran shared = LauncherRun.run(Map.of(StateDirectory.ENV, store.toString()), project, "list");
        assertThat(shared.exit()).as(shared.output()).isZero();
        assertThat(shared.output()).contains("hello").doesNotContain("no store at");
        assertThat(project.resolve(".wdf4j")).as("no second store").doesNotExist();

        LauncherRun.Ran fresh = LauncherRun.run(Map.of(StateDirectory.ENV, ""), project, "list");
        assertThat(fresh.output()).contains("no store at ", "project/.wdf4j (from the default .wdf4j in the current "
                + "directory)", "set WDF4J_STATE_DIR");
    }
}
