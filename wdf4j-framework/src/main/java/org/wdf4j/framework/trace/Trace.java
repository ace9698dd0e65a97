package org.wdf4j.framework.trace;

import jdk.jfr.FlightRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every lifecycle event as a JFR event and an SLF4J line, so that an unload can be watched with
 * {@code jfr print --events 'org.wdf4j.*' recording.jfr} or in the log. Per-object events (cleanup, destroy) log at
 * DEBUG; driver-level events at INFO; problems at WARN and ERROR.
 *
 * <p>Loggers: {@code org.wdf4j.driver} (driver lifecycle), {@code org.wdf4j.object} (object
 * cleanup and destroy), {@code org.wdf4j.verifier} (violations, bug checks, leaks),
 * {@code org.wdf4j.dbgprint} (the drivers' own trace lines).
 *
 * <p>No JFR event is made while the JVM's Flight Recorder has not been initialized (no recording was ever started,
 * {@link FlightRecorder#isInitialized()}): nothing could record it, and the first event class would load JFR's
 * machinery, about 70 ms of a driver host's start (BENCHMARKS.md, section 8.4). A recording started later, by
 * {@code -XX:StartFlightRecording}, {@code jcmd JFR.start} or the API, initializes it, and the events follow.
 */
public final class Trace {

    private static final Logger DRIVER = LoggerFactory.getLogger("org.wdf4j.driver");
    private static final Logger OBJECT = LoggerFactory.getLogger("org.wdf4j.object");
    private static final Logger VERIFIER = LoggerFactory.getLogger("org.wdf4j.verifier");
    private static final Logger DBGPRINT = LoggerFactory.getLogger("org.wdf4j.dbgprint");

    /** The framework's JFR event types, for a recording that wants none of them (the host's record of thread starts). */
    public static final java.util.List<Class<? extends jdk.jfr.Event>> EVENT_TYPES = java.util.List.of(
            BugCheckEvent.class, DriverEntryEvent.class, DriverUnloadEvent.class, LeakEvent.class,
            ObjectCleanupEvent.class, ObjectDestroyEvent.class, PnpTransitionEvent.class, PowerTransitionEvent.class,
            RequestCancelledEvent.class, RequestCompletedEvent.class, RequestPresentedEvent.class,
            VerifierViolationEvent.class);

    private Trace() {
    }

    /** Whether a JFR event could be recorded at all: the Flight Recorder was initialized. */
    private static boolean flightRecorder() {
        return FlightRecorder.isInitialized();
    }

    public static void driverEntryCalled(String driver, String registryPath) {
        DRIVER.info("[{}] DriverEntry({})", driver, registryPath);
    }

    public static void driverEntryReturned(String driver, String registryPath, String status) {
        DRIVER.info("[{}] DriverEntry returned {}", driver, status);
        if (!flightRecorder()) {
            return;
        }
        DriverEntryEvent e = new DriverEntryEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.registryPath = registryPath;
            e.status = status;
            e.commit();
        }
    }

    public static void driverUnload(String driver, String outcome) {
        DRIVER.info("[{}] EvtDriverUnload: {}", driver, outcome);
        if (!flightRecorder()) {
            return;
        }
        DriverUnloadEvent e = new DriverUnloadEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.outcome = outcome;
            e.commit();
        }
    }

    public static void driverState(String driver, String message) {
        DRIVER.info("[{}] {}", driver, message);
    }

    /**
     * True when someone watches per-object events (DEBUG on {@code org.wdf4j.object}, or a JFR
     * recording with the object events enabled). Objects without callbacks trace only then, so that
     * a million-object tree costs nothing extra when nobody looks.
     */
    public static boolean objectEventsEnabled() {
        return OBJECT.isDebugEnabled() || flightRecorder() && Probes.objectEventsRecorded();
    }

    /** Never committed: asked only whether their event type is being recorded; made once JFR is initialized. */
    private static final class Probes {
        private static final ObjectCleanupEvent CLEANUP = new ObjectCleanupEvent();
        private static final ObjectDestroyEvent DESTROY = new ObjectDestroyEvent();

        static boolean objectEventsRecorded() {
            return CLEANUP.isEnabled() || DESTROY.isEnabled();
        }
    }

    public static void objectCleanup(String driver, Object object, int callbacks) {
        if (OBJECT.isDebugEnabled()) {
            OBJECT.debug("[{}] cleanup {} ({} callbacks)", driver, object, callbacks);
        }
        if (!flightRecorder()) {
            return;
        }
        ObjectCleanupEvent e = new ObjectCleanupEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.object = String.valueOf(object);
            e.callbacks = Integer.toString(callbacks);
            e.commit();
        }
    }

    public static void objectDestroy(String driver, Object object, int callbacks) {
        if (OBJECT.isDebugEnabled()) {
            OBJECT.debug("[{}] destroy {} ({} callbacks)", driver, object, callbacks);
        }
        if (!flightRecorder()) {
            return;
        }
        ObjectDestroyEvent e = new ObjectDestroyEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.object = String.valueOf(object);
            e.callbacks = Integer.toString(callbacks);
            e.commit();
        }
    }

    public static void bugCheck(String driver, String subCode, String message, String stack) {
        VERIFIER.error("[{}] bug check {}: {}\n{}", driver, subCode, message, stack);
        if (!flightRecorder()) {
            return;
        }
        BugCheckEvent e = new BugCheckEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.subCode = subCode;
            e.message = message;
            e.commit();
        }
    }

    public static void violation(String driver, String rule, String object, String message, String stack) {
        VERIFIER.warn("[{}] {}{}: {}{}", driver, rule, object.isEmpty() ? "" : " on " + object, message,
                stack.isEmpty() ? "" : "\n" + stack);
        if (!flightRecorder()) {
            return;
        }
        VerifierViolationEvent e = new VerifierViolationEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.rule = rule;
            e.object = object;
            e.message = message;
            e.commit();
        }
    }

    public static void exception(String driver, String where, String stack) {
        VERIFIER.warn("[{}] {} threw:\n{}", driver, where, stack);
    }

    public static void leak(String driver, String kind, String description, String allocatedAt) {
        VERIFIER.warn("[{}] leaked {}: {}{}", driver, kind, description,
                allocatedAt.isEmpty() ? "" : "\n  allocated at:\n" + allocatedAt);
        if (!flightRecorder()) {
            return;
        }
        LeakEvent e = new LeakEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.kind = kind;
            e.description = description;
            e.allocatedAt = allocatedAt;
            e.commit();
        }
    }

    /** A device went through a PnP transition (PnP transitions are rare: recorded whenever JFR records them). */
    public static void pnpTransition(String driver, String device, String instanceId, String event, String from,
                                     String to, String status, int statusCode, long elapsedNanos) {
        if (!flightRecorder()) {
            return;
        }
        PnpTransitionEvent e = new PnpTransitionEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.device = device;
            e.instanceId = instanceId;
            e.pnpEvent = event;
            e.fromState = from;
            e.toState = to;
            e.status = status;
            e.statusCode = statusCode;
            e.succeeded = statusCode >= 0;
            e.elapsed = elapsedNanos;
            e.commit();
        }
    }

    public static void powerTransition(String driver, String device, String instanceId, String from, String to) {
        if (!flightRecorder()) {
            return;
        }
        PowerTransitionEvent e = new PowerTransitionEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.device = device;
            e.instanceId = instanceId;
            e.fromPower = from;
            e.toPower = to;
            e.commit();
        }
    }

    /**
     * Whether a recording takes the per-request events ({@code org.wdf4j.RequestPresented}, {@code RequestCompleted},
     * {@code RequestCancelled}; off unless enabled). A request's path asks this first, and builds nothing when no one
     * records them: one volatile read while the Flight Recorder was never initialized.
     */
    public static boolean requestEventsRecorded() {
        return flightRecorder() && RequestProbes.recorded();
    }

    /** Never committed: asked only whether their event type is being recorded; made once JFR is initialized. */
    private static final class RequestProbes {
        private static final RequestPresentedEvent PRESENTED = new RequestPresentedEvent();
        private static final RequestCompletedEvent COMPLETED = new RequestCompletedEvent();
        private static final RequestCancelledEvent CANCELLED = new RequestCancelledEvent();

        static boolean recorded() {
            return PRESENTED.isEnabled() || COMPLETED.isEnabled() || CANCELLED.isEnabled();
        }
    }

    public static void requestPresented(String driver, String request, String queue, String type, long length,
                                        int ioControlCode, long requestorPid) {
        RequestPresentedEvent e = new RequestPresentedEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.request = request;
            e.queue = queue;
            e.type = type;
            e.length = length;
            e.ioControlCode = ioControlCode;
            e.requestorPid = requestorPid;
            e.commit();
        }
    }

    public static void requestCompleted(String driver, String request, String queue, String type, String status,
                                        int statusCode, long information, long heldNanos, boolean cancelled) {
        RequestCompletedEvent e = new RequestCompletedEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.request = request;
            e.queue = queue;
            e.type = type;
            e.status = status;
            e.statusCode = statusCode;
            e.information = information;
            e.held = heldNanos;
            e.cancelled = cancelled;
            e.commit();
        }
    }

    public static void requestCancelled(String driver, String request, String type, String state) {
        RequestCancelledEvent e = new RequestCancelledEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.request = request;
            e.type = type;
            e.state = state;
            e.commit();
        }
    }

    public static void dbgPrint(String driver, String line) {
        DBGPRINT.info("[{}] {}", driver, line);
    }
}
