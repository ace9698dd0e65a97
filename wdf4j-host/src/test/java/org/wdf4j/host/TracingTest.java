package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.wdf4j.framework.VerifierSettings;

/** Every lifecycle event is a JFR event and an SLF4J log line. */
class TracingTest {

    private static final List<String> EVENTS = List.of("org.wdf4j.DriverEntry", "org.wdf4j.DriverUnload",
            "org.wdf4j.ObjectCleanup", "org.wdf4j.ObjectDestroy", "org.wdf4j.BugCheck", "org.wdf4j.Leak",
            "org.wdf4j.VerifierViolation");

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private Logger wdf4jLogger;
    private Level oldLevel;

    @BeforeEach
    void captureLog() {
        wdf4jLogger = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger("org.wdf4j");
        oldLevel = wdf4jLogger.getLevel();
        wdf4jLogger.setLevel(Level.DEBUG);
        log.start();
        wdf4jLogger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        wdf4jLogger.detachAppender(log);
        wdf4jLogger.setLevel(oldLevel);
    }

    @Test
    void lifecycleEventsAreJfrEventsAndLogLines(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("unload.jfr");
        try (Recording recording = new Recording(); DriverHost host = DriverHost.create()) {
            EVENTS.forEach(name -> recording.enable(name));
            recording.start();
            host.stop(host.start(TestDrivers.pkg("LeakingDriver", "traced"), VerifierSettings.on()));
            host.start(TestDrivers.pkg("NullParameterDriver", "traced-bugcheck"));
            host.stop(host.start(TestDrivers.pkg("DeleteDriverObjectDriver", "traced-violation")));
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        for (String name : EVENTS) {
            assertThat(events).as("JFR event " + name).anySatisfy(e -> {
                assertThat(e.getEventType().getName()).isEqualTo(name);
                assertThat(e.getString("driver")).startsWith("traced");
            });
        }
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.wdf4j.DriverEntry");
            assertThat(e.getString("status")).isEqualTo("STATUS_SUCCESS (0x00000000)");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.wdf4j.Leak");
            assertThat(e.getString("description")).contains("'io-in-flight'");
            assertThat(e.getString("allocatedAt")).contains("LeakingDriver.driverEntry");
        });

        List<String> lines = log.list.stream().map(e -> e.getLoggerName() + " " + e.getFormattedMessage()).toList();
        assertThat(lines).anyMatch(l -> l.startsWith("org.wdf4j.driver [traced] DriverEntry returned STATUS_SUCCESS"));
        assertThat(lines).anyMatch(l -> l.startsWith("org.wdf4j.driver [traced] EvtDriverUnload: returned"));
        assertThat(lines).anyMatch(l -> l.startsWith("org.wdf4j.object [traced] cleanup WDFDRIVER traced"));
        assertThat(lines).anyMatch(l -> l.startsWith("org.wdf4j.object [traced] destroy WDFDRIVER traced"));
        assertThat(lines).anyMatch(l -> l.startsWith("org.wdf4j.verifier [traced] leaked framework object"));
        assertThat(lines).anyMatch(l -> l.startsWith("org.wdf4j.verifier [traced-bugcheck] bug check WDF_REQUIRED_PARAMETER_IS_NULL"));
    }
}
