package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.VerifierSettings;

/**
 * Issue #11: a driver that changed system properties, the standard streams, the default locale or time zone left them
 * so for the host's whole life, and its unload report said nothing. Now each change it did not restore is a finding
 * naming it, in the host's process and in a driver host (the findings cross back over the isolation protocol).
 */
class JvmStateTest {

    // The in-process driver changes this JVM's state: it is put back after each test, whatever the test found.
    private final Properties properties = (Properties) System.getProperties().clone();
    private final PrintStream out = System.out;
    private final PrintStream err = System.err;
    private final InputStream in = System.in;
    private final Locale locale = Locale.getDefault();
    private final Locale display = Locale.getDefault(Locale.Category.DISPLAY);
    private final Locale format = Locale.getDefault(Locale.Category.FORMAT);
    private final TimeZone zone = TimeZone.getDefault();

    @AfterEach
    void restoreTheJvm() {
        System.setProperties(properties);
        System.setOut(out);
        System.setErr(err);
        System.setIn(in);
        Locale.setDefault(locale);
        Locale.setDefault(Locale.Category.DISPLAY, display);
        Locale.setDefault(Locale.Category.FORMAT, format);
        TimeZone.setDefault(zone);
    }

    private static List<String> jvmStateFindings(UnloadReport report) {
        return report.findings().stream().filter(f -> f.rule().equals(JvmState.RULE)).map(Finding::message).toList();
    }

    private static void assertEveryChangeIsNamed(UnloadReport report) {
        List<String> found = jvmStateFindings(report);
        assertThat(report.clean()).as(report.render()).isFalse();
        assertThat(found).as(report.render()).hasSize(10);
        assertThat(found).anySatisfy(m -> assertThat(m).startsWith("System.out was replaced and not restored: ")
                        .contains(" before the driver was loaded, java.io.PrintStream@", " after its unload"))
                .anySatisfy(m -> assertThat(m).startsWith("System.err was replaced and not restored: "));
        assertThat(found).contains(
                "the system property java.io.tmpdir was '" + System.getProperty("java.io.tmpdir") + "' before the "
                        + "driver was loaded and is '/tmp/jvm-state-driver' after its unload (JVM-wide state is shared "
                        + "with the host and every other driver: restore it in EvtDriverUnload, or do not change it)");
        assertThat(found).anySatisfy(m -> assertThat(m).startsWith("the system property user.home was '"
                        + System.getProperty("user.home") + "' before the driver was loaded and is "
                        + "'/nonexistent/jvm-state-driver' after its unload"))
                .anySatisfy(m -> assertThat(m).startsWith("the system property line.separator was '\\n' before the "
                        + "driver was loaded and is '\\r\\n' after its unload"))
                .anySatisfy(m -> assertThat(m).startsWith("the system property jvm.state.driver.added was not set "
                        + "before the driver was loaded and is 'yes' after its unload"))
                .anySatisfy(m -> assertThat(m).startsWith("the default locale was '" + Locale.getDefault()
                        .toLanguageTag() + "' before the driver was loaded and is 'tr-TR' after its unload"))
                .anySatisfy(m -> assertThat(m).startsWith("the default display locale was"))
                .anySatisfy(m -> assertThat(m).startsWith("the default format locale was"))
                .anySatisfy(m -> assertThat(m).startsWith("the default time zone was '" + TimeZone.getDefault().getID()
                        + "' before the driver was loaded and is 'Pacific/Kiritimati' after its unload"));
        assertThat(report.render()).contains("JVM_STATE");
        assertThat(report.toJson()).contains("\"rule\":\"JVM_STATE\"");
    }

    @Test
    void anInProcessDriverThatLeavesJvmWideStateChangedHasAFindingForEachChange() throws Exception {
        try (DriverHost host = DriverHost.create()) {
            UnloadReport report = host.stop(host.start(TestDrivers.pkg("JvmStateDriver", "jvm-state"),
                    VerifierSettings.on(), HostingModel.IN_PROCESS));
            restoreTheJvm(); // before anything is printed: the driver silenced System.out and System.err
            assertEveryChangeIsNamed(report);
        }
    }

    @Test
    void anIsolatedDriverThatLeavesJvmWideStateChangedHasTheSameFindings() throws Exception {
        try (DriverHost host = DriverHost.create()) {
            UnloadReport report = host.stop(host.start(TestDrivers.pkg("JvmStateDriver", "jvm-state-isolated"),
                    VerifierSettings.on(), HostingModel.ISOLATED));
            assertThat(report.isolated()).isTrue();
            assertThat(System.getProperty("user.home")).as("nothing changed in the host").isEqualTo(
                    properties.getProperty("user.home"));
            assertEveryChangeIsNamed(report);
        }
    }

    @Test
    void aDriverThatRestoresWhatItChangedIsClean() throws Exception {
        try (DriverHost host = DriverHost.create()) {
            for (HostingModel hosting : List.of(HostingModel.IN_PROCESS, HostingModel.ISOLATED)) {
                UnloadReport report = host.stop(host.start(TestDrivers.pkg("JvmStateRestoringDriver",
                        "jvm-restoring-" + hosting.label()), VerifierSettings.on(), hosting));
                assertThat(jvmStateFindings(report)).as(report.render()).isEmpty();
                assertThat(report.clean()).as(report.render()).isTrue();
            }
        }
    }
}
