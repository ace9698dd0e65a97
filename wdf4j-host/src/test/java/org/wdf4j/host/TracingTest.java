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
    void requestPnpAndPowerEventsAreJfrEventsWithTypedFieldsAndRequestEventsAreOffByDefault(@TempDir Path tmp)
            throws Exception {
        List<String> names = List.of("org.wdf4j.RequestPresented", "org.wdf4j.RequestCompleted",
                "org.wdf4j.RequestCancelled", "org.wdf4j.PnpTransition", "org.wdf4j.PowerTransition");
        Path file = tmp.resolve("io.jfr");
        try (Recording recording = new Recording(); DriverHost host = DriverHost.create()) {
            names.forEach(name -> recording.enable(name));
            recording.start();
            host.start(DriverPackage.of(TestDrivers.JAR, "org.wdf4j.testdrivers.HoldingWriteDriver", "traced-io",
                    DriverPackage.FRAMEWORK_VERSION, List.of("ROOT\\HOLDTRACE")),
                    VerifierSettings.on().withWaitTimeout(java.time.Duration.ofSeconds(2)), HostingModel.IN_PROCESS);
            String id = host.pnp().addDevice("ROOT\\HOLDTRACE").instanceId();
            String path = host.client().interfaces(java.util.UUID.fromString("6a1c2f0e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"))
                    .getFirst().path();
            try (org.wdf4j.host.client.DeviceHandle handle = host.client().open(path).value()) {
                assertThat(handle.read(8).status()).isEqualTo(org.wdf4j.NtStatus.STATUS_SUCCESS);
                org.wdf4j.host.client.PendingIo write = handle.writeAsync(new byte[] {1, 2, 3, 4});
                org.awaitility.Awaitility.await().until(() -> !host.driver("traced-io").inspect().heldRequests().isEmpty());
                write.cancel(); // the driver holds it, not cancelable: the cancel is only recorded
                host.pnp().removeDevice(id); // the framework gives up on the write after 1 s
            }
            recording.stop();
            recording.dump(file);
        }
        assertThat(jdk.jfr.EventType.getEventType(org.wdf4j.framework.trace.RequestPresentedEvent.class).isEnabled())
                .as("per-request events are off unless enabled").isFalse();
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().startsWith("org.wdf4j.") && e.hasField("driver")
                        && "traced-io".equals(e.getString("driver"))).toList();
        long pid = ProcessHandle.current().pid();
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.wdf4j.RequestPresented");
            assertThat(e.getString("type")).isEqualTo("WRITE");
            assertThat(e.getLong("length")).isEqualTo(4L);
            assertThat(e.getLong("requestorPid")).isEqualTo(pid);
            assertThat(e.getString("queue")).startsWith("WDFQUEUE#");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.wdf4j.RequestCompleted");
            assertThat(e.getString("type")).isEqualTo("READ");
            assertThat(e.getInt("statusCode")).isZero();
            assertThat(e.getString("status")).startsWith("STATUS_SUCCESS");
            assertThat(e.getLong("information")).isZero();
            assertThat(e.getDuration("held")).isGreaterThanOrEqualTo(java.time.Duration.ZERO);
            assertThat(e.getBoolean("cancelled")).isFalse();
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.wdf4j.RequestCancelled");
            assertThat(e.getString("type")).isEqualTo("WRITE");
            assertThat(e.getString("state")).isEqualTo("DRIVER");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.wdf4j.PnpTransition");
            assertThat(e.getString("pnpEvent")).isEqualTo("START");
            assertThat(e.getString("fromState")).isEqualTo("ADDED");
            assertThat(e.getString("toState")).isEqualTo("STARTED");
            assertThat(e.getInt("statusCode")).isZero();
            assertThat(e.getBoolean("succeeded")).isTrue();
            assertThat(e.getString("instanceId")).isEqualTo("ROOT\\HOLDTRACE\\0000");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.wdf4j.PnpTransition");
            assertThat(e.getString("pnpEvent")).isEqualTo("REMOVE");
            assertThat(e.getDuration("elapsed")).isGreaterThanOrEqualTo(java.time.Duration.ofMillis(900));
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.wdf4j.PowerTransition");
            assertThat(e.getString("fromPower")).isEqualTo("D3_FINAL");
            assertThat(e.getString("toPower")).isEqualTo("D0");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.wdf4j.PowerTransition");
            assertThat(e.getString("fromPower")).isEqualTo("D0");
            assertThat(e.getString("toPower")).isEqualTo("D3_FINAL");
        });
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
