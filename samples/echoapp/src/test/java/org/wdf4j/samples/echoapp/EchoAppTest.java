package org.wdf4j.samples.echoapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.UnloadReport;

/** The echo application against the echo driver (samples/echo) in a throw-away host. */
class EchoAppTest {

    /** The echo driver package, built before this module (the reactor builds samples/echo first). */
    static final Path ECHO_JAR = Path.of(System.getProperty("echo.jar", "../echo/target/echo.jar"));

    @Test
    void runAllPassesAgainstTheEchoDeviceTheHostAdded() throws Exception {
        try (DriverHost host = DriverHost.create()) {
            HostedDriver echo = host.start(DriverPackage.open(ECHO_JAR), VerifierSettings.on());
            host.pnp().addDevice("ROOT\\ECHO");

            EchoApp.Report report = EchoApp.runAll(host.client());

            assertThat(report.passed()).as(report.render()).isTrue();
            assertThat(report.devicePath()).isEqualTo("\\\\?\\ROOT#ECHO#0000#{cdc35b6e-0be4-4936-bf5f-5537380a7c1a}");
            assertThat(report.transfers()).extracting(EchoApp.TransferResult::length).containsExactly(512, 30 * 1024);
            assertThat(report.async().readsWith(NtStatus.STATUS_SUCCESS)).isEqualTo(EchoApp.NUM_ASYNC_IO);
            assertThat(report.async().writesWith(NtStatus.STATUS_SUCCESS)).isEqualTo(EchoApp.NUM_ASYNC_IO);
            assertThat(report.async().bytesWritten()).isEqualTo((long) EchoApp.NUM_ASYNC_IO * EchoApp.ASYNC_BUFFER_SIZE);
            assertThat(report.render()).contains("512 Pattern Bytes Written successfully",
                    "30720 Pattern Bytes Read successfully", "Async I/O completed successfully", "PASSED");

            UnloadReport unload = host.stop(echo);
            assertThat(unload.devicesRemoved()).containsExactly("ROOT\\ECHO\\0000");
            assertThat(unload.clean()).as(unload.render()).isTrue();
        }
    }

    @Test
    void withoutAnEchoDeviceTheReportSaysSo() throws Exception {
        try (DriverHost host = DriverHost.create()) {
            host.start(DriverPackage.open(ECHO_JAR));
            EchoApp.Report report = EchoApp.runAll(host.client());
            assertThat(report.passed()).isFalse();
            assertThat(report.failures()).containsExactly("No active device interfaces found. Is the sample driver loaded?");
        }
    }

    @Test
    void mainStartsTheDriverAddsTheDeviceRunsEverythingAndAnswersZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = EchoApp.run(ECHO_JAR, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Device ROOT\\ECHO\\0000: STARTED",
                "DevicePath: \\\\?\\ROOT#ECHO#0000#", "PASSED");
    }

    @Test
    void aMissingDriverPackageAnswersTwo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = EchoApp.run(Path.of("no/such/echo.jar"), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("echoapp: no/such/echo.jar does not exist");
    }
}
