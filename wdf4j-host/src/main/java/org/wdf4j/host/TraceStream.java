package org.wdf4j.host;

import java.time.Duration;
import java.util.function.Consumer;
import jdk.jfr.Name;
import jdk.jfr.consumer.RecordingStream;
import org.wdf4j.framework.trace.Trace;

/**
 * A live JFR stream of the framework's events in this process ({@link Trace#EVENT_TYPES}, the request events
 * included, without stacks), each handed on as a {@link TraceEvent}: what {@code wdf4j trace} reads in the host, and
 * in a driver host while the host asks it to. Starting one initializes the Flight Recorder where it had not been
 * (a driver host's start never does: {@link Trace}); closing it delivers what was recorded up to then.
 */
final class TraceStream implements AutoCloseable {

    private final RecordingStream stream;
    private final Thread thread;

    private TraceStream(RecordingStream stream, Thread thread) {
        this.stream = stream;
        this.thread = thread;
    }

    /**
     * Starts streaming the framework's events of this process to {@code sink} (called on the stream's thread), and
     * returns once the recording runs (its first flush, within about a second), so that every event from then on is
     * handed on.
     */
    static TraceStream start(Consumer<TraceEvent> sink) {
        RecordingStream s = new RecordingStream();
        s.setMaxAge(Duration.ofSeconds(30)); // bounded on disk: what was handed on is not kept
        for (Class<? extends jdk.jfr.Event> type : Trace.EVENT_TYPES) {
            s.enable(type.getAnnotation(Name.class).value()).withoutStackTrace();
        }
        java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(1);
        s.onFlush(running::countDown);
        s.onEvent(event -> {
            if (event.getEventType().getName().startsWith("org.wdf4j.")) {
                sink.accept(TraceEvent.of(event));
            }
        });
        // A daemon thread of our own rather than startAsync(): it never keeps a JVM from exiting, and its context class
        // loader is never a driver's (as ThreadStarts' stream).
        Thread t = new Thread(() -> {
            try {
                s.start();
            } catch (IllegalStateException closed) {
                // closed before it began
            }
        }, "wdf4j-trace-stream");
        t.setDaemon(true);
        t.setContextClassLoader(TraceStream.class.getClassLoader());
        t.start();
        try {
            if (!running.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                org.slf4j.LoggerFactory.getLogger(TraceStream.class).warn("the trace's JFR stream did not flush "
                        + "within 5 s; it may miss the first events");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new TraceStream(s, t);
    }

    /** Stops the recording, hands on what it recorded until now, and closes it. */
    @Override
    public void close() {
        try {
            stream.stop();
        } catch (IllegalStateException notStarted) {
            // not started yet, or already closed
        }
        stream.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
