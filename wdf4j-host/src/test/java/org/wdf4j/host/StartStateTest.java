package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start state's record: written whole, read back as written, damage reported and the damaged file kept. */
class StartStateTest {

    @TempDir
    Path state;

    @Test
    void recordsAreWrittenAtomicallyAndReadBackInOrder() throws Exception {
        StartState written = StartState.load(state);
        assertThat(written.drivers()).isEmpty();
        written.driverStarted("echo", true, HostingModel.POOLED);
        written.driverStarted("hello", false, null);
        written.deviceAdded("ROOT\\ECHO\\0000", "ROOT\\ECHO");
        written.deviceAdded("root\\echo\\0001", "ROOT\\ECHO");
        written.deviceDisabled("ROOT\\ECHO\\0001", true);
        written.driverStarted("echo", true, HostingModel.ISOLATED); // started again: one record, the last
        assertThat(written.deviceRemoved("ROOT\\ECHO\\0000")).isTrue();
        assertThat(written.deviceRemoved("ROOT\\ECHO\\0000")).isFalse();

        assertThat(Files.readString(state.resolve("start-state"))).endsWith("""
                driver hello verifier=off
                driver echo verifier=on hosting=isolated
                device ROOT\\ECHO\\0001 ROOT\\ECHO disabled
                """);
        try (Stream<Path> files = Files.list(state)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly("start-state");
        }
        StartState read = StartState.load(state);
        assertThat(read.drivers()).containsExactly(new StartState.DriverStart("hello", false, null),
                new StartState.DriverStart("echo", true, HostingModel.ISOLATED));
        assertThat(read.devices()).containsExactly(new StartState.Device("ROOT\\ECHO\\0001", "ROOT\\ECHO", true));
        assertThat(read.problems()).isEmpty();
        assertThat(read.driverStopped("hello")).isTrue();
        assertThat(StartState.load(state).drivers()).extracting(StartState.DriverStart::name).containsExactly("echo");
    }

    // A damaged record is reported with what is wrong, the good ones still count, and the file is kept as it was.
    @Test
    void aDamagedRecordIsReportedAndTheFileKeptBeforeAnythingIsWrittenOverIt() throws Exception {
        String damaged = """
                driver echo verifier=on
                device ROOT\\..\\x ROOT\\..\\x
                garbage
                device ROOT\\ECHO\\0000 ROOT\\ECHO
                """;
        Files.writeString(state.resolve("start-state"), damaged);
        StartState read = StartState.load(state);
        assertThat(read.drivers()).extracting(StartState.DriverStart::name).containsExactly("echo");
        assertThat(read.devices()).extracting(StartState.Device::instanceId).containsExactly("ROOT\\ECHO\\0000");
        assertThat(read.problems()).hasSize(3);
        assertThat(read.problems().get(0)).contains("cannot read the record 'device ROOT\\..\\x ROOT\\..\\x'",
                "is not a valid hardware ID: it has a '..' component");
        assertThat(read.problems().get(1)).contains("cannot read the record 'garbage': not a driver or device record");
        assertThat(read.problems().get(2)).contains("kept as " + state.resolve("start-state.damaged"));
        read.deviceAdded("ROOT\\ECHO\\0001", "ROOT\\ECHO");
        assertThat(Files.readString(state.resolve("start-state.damaged"), StandardCharsets.UTF_8)).isEqualTo(damaged);
    }
}
