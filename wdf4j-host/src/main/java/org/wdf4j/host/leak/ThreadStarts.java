package org.wdf4j.host.leak;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each live thread of this process was started, recorded with JFR streaming ({@code jdk.ThreadStart} with
 * its stack, pruned on {@code jdk.ThreadEnd}). One recording per process; it keeps text only (thread id to stack
 * text), never a thread, a class or an object, and at most {@link #MAX_THREADS} entries (the oldest go first).
 *
 * <p>A JFR stream's parser keeps every constant of the chunk it reads, a {@code RecordedThread} for each thread it
 * has seen among them, and a host that starts few other events stays in one chunk for hours: over 8,000 load/unload
 * cycles the host's live heap grew by 3.5 KB a cycle (issue #11). So the stream is renewed after every
 * {@value #RENEW_AFTER} thread starts: a new stream is opened, and once both streams have delivered the same mark
 * (the new one sees every later start, the old one has delivered every earlier one) the old one is closed, with all it
 * kept. What is kept across renewals is the text of the live threads' starts, which is all the unload reports need.
 */
public final class ThreadStarts {

    static final int MAX_THREADS = 10_000;
    /** Thread starts after which the stream is replaced by a new one. */
    static final int RENEW_AFTER = 1_024;
    private static final Logger LOG = LoggerFactory.getLogger(ThreadStarts.class);
    private static final Duration CATCH_UP = Duration.ofSeconds(5);
    private static final Object LOCK = new Object();
    private static volatile ThreadStarts instance;

    private final Map<Long, String> startedAt = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, String> eldest) {
            return size() > MAX_THREADS;
        }
    };
    /** Marks committed and not yet delivered, by id; guarded by itself. */
    private final Map<Long, CountDownLatch> marks = new LinkedHashMap<>();
    private final AtomicLong nextMark = new AtomicLong();
    /** The stream that reads the recording; replaced by {@link #renew()}, which alone writes it. */
    private volatile RecordingStream stream;
    /** Thread starts delivered since the stream was last renewed (counted by both streams while they overlap). */
    private final AtomicInteger startsSinceRenewal = new AtomicInteger();
    /** Set while a renewal runs: one at a time. */
    private final AtomicBoolean renewing = new AtomicBoolean();
    /** How many times the stream was renewed, for the tests. */
    private final AtomicInteger renewals = new AtomicInteger();
    /** Flushes the streams have delivered; guarded by itself (and notified on each). */
    private final long[] flushes = new long[1];

    /** Marks a point in the stream: once the stream has delivered it, every earlier thread start has been seen. */
    @Name("org.wdf4j.host.leak.StreamMark")
    @Label("wdf4j stream mark")
    @StackTrace(false)
    static final class StreamMark extends Event {
        @Label("Mark")
        long mark;
    }

    private ThreadStarts() {
        CountDownLatch running = new CountDownLatch(1);
        stream = open(event -> running.countDown());
        // Started asynchronously: until it delivers a mark, a thread start may not be recorded.
        if (!awaitRunning(running)) {
            LOG.warn("the thread-start recording did not start within {}; starts before it are not recorded",
                    CATCH_UP);
        }
    }

    /** Commits marks until the stream whose marks count {@code seesMarks} down delivers one; false after the bound. */
    private boolean awaitRunning(CountDownLatch seesMarks) {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                commitMark(nextMark.incrementAndGet());
                if (seesMarks.await(50, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Opens and starts a stream that records into this object; {@code onMark} also sees each mark it delivers. */
    private RecordingStream open(java.util.function.Consumer<RecordedEvent> onMark) {
        RecordingStream s = new RecordingStream();
        s.setMaxAge(Duration.ofMinutes(1)); // bounded on disk too: the map is all that is kept
        s.setMaxSize(16L << 20);
        // Only what it reads. Every other event a recording gets (the framework's PnP and power transitions are on by
        // default) goes through this stream's parser, which keeps their constants until the next renewal: 1.4 KB per
        // device added and removed (LongLivedHostTest).
        for (jdk.jfr.EventType type : jdk.jfr.FlightRecorder.getFlightRecorder().getEventTypes()) {
            s.disable(type.getName());
        }
        for (Class<? extends jdk.jfr.Event> type : org.wdf4j.framework.trace.Trace.EVENT_TYPES) {
            s.disable(type.getAnnotation(Name.class).value());
        }
        s.enable("jdk.ThreadStart").withStackTrace();
        s.enable("jdk.ThreadEnd");
        s.enable(StreamMark.class);
        s.onEvent("jdk.ThreadStart", this::started);
        s.onEvent("jdk.ThreadEnd", this::ended);
        s.onEvent(StreamMark.class.getAnnotation(Name.class).value(), event -> {
            onMark.accept(event);
            marked(event);
        });
        s.onFlush(this::flushed);
        // Our own thread rather than startAsync(): it must be a daemon (the recording lasts as long as the process and
        // must never keep a JVM that embeds a host from exiting), and its context class loader never a driver's.
        daemon(s::start, THREAD_NAME).start();
        return s;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.setContextClassLoader(ThreadStarts.class.getClassLoader());
        return thread;
    }

    /**
     * Replaces the stream by a new one, so that what the old one's parser kept goes with it: the new stream is
     * started, marks are committed until it delivers one (from then on it sees every thread start), then one more
     * that both streams must deliver (the old one has then delivered every earlier start), and the old one is closed.
     * When that does not happen within the bound the new stream is closed instead, and the old one goes on.
     */
    private void renew() {
        try {
            CountDownLatch freshSeesMarks = new CountDownLatch(1);
            RecordingStream fresh = open(event -> freshSeesMarks.countDown());
            boolean running = awaitRunning(freshSeesMarks);
            long both = nextMark.incrementAndGet();
            CountDownLatch delivered = new CountDownLatch(2);
            synchronized (marks) {
                marks.put(both, delivered);
            }
            commitMark(both);
            boolean caughtUp = running && delivered.await(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
            synchronized (marks) {
                marks.remove(both);
            }
            if (!caughtUp) {
                LOG.warn("the thread-start recording could not be renewed (its new stream did not catch up); "
                        + "it goes on with the old one");
                fresh.close();
                return;
            }
            RecordingStream old = stream;
            stream = fresh;
            old.close();
            startsSinceRenewal.set(0);
            renewals.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("the thread-start recording could not be renewed: {}", e.toString());
        } finally {
            renewing.set(false);
        }
    }

    private static void commitMark(long id) {
        StreamMark mark = new StreamMark();
        mark.mark = id;
        mark.commit();
    }

    /** The name of the thread that reads the recording. */
    public static final String THREAD_NAME = "wdf4j-thread-starts";

    /** The system property that turns the recording of thread starts off ({@code false}). */
    public static final String PROPERTY = "wdf4j.leak.threadStarts";

    /** Starts the process's stream once; answers null (and logs why) when JFR is not available or it is off. */
    public static ThreadStarts start() {
        ThreadStarts s = instance;
        if (s != null || "false".equals(System.getProperty(PROPERTY))) {
            return s;
        }
        synchronized (LOCK) {
            if (instance == null) {
                try {
                    instance = new ThreadStarts();
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("thread starts are not recorded (JFR streaming is not available): {}", e.toString());
                    return null;
                }
            }
            return instance;
        }
    }

    /** The process's stream, or null when it was never started. */
    public static ThreadStarts get() {
        return instance;
    }

    /**
     * Where the thread with this id was started, as text ({@code started by thread "main" at:} and the frames), or
     * null when that is not recorded. Waits (boundedly) for the stream to catch up when it has not seen it yet.
     */
    public String startedAt(long threadId) {
        String text = lookup(threadId);
        if (text == null && awaitCatchUp()) {
            text = lookup(threadId);
        }
        if (text == null && awaitFlushes(3)) {
            // JFR writes a blocked thread's start at a later flush than a mark committed after it, at times
            text = lookup(threadId);
        }
        return text;
    }

    /** Waits (within the catch-up bound) until the streams have delivered {@code count} more flushes. */
    private boolean awaitFlushes(int count) {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        synchronized (flushes) {
            long target = flushes[0] + count;
            try {
                while (flushes[0] < target) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    TimeUnit.NANOSECONDS.timedWait(flushes, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return true;
        }
    }

    private void flushed() {
        synchronized (flushes) {
            flushes[0]++;
            flushes.notifyAll();
        }
    }

    /** Where the thread with this id was started, as far as the stream has delivered; null when not (yet) seen. */
    public String recorded(long threadId) {
        return lookup(threadId);
    }

    private String lookup(long threadId) {
        synchronized (startedAt) {
            return startedAt.get(threadId);
        }
    }

    /**
     * Commits a mark and waits until the stream delivers it (every thread started before this call is then
     * recorded); false when it did not within the bound.
     */
    public boolean awaitCatchUp() {
        long id = nextMark.incrementAndGet();
        CountDownLatch seen = new CountDownLatch(1);
        synchronized (marks) {
            marks.put(id, seen);
        }
        commitMark(id);
        try {
            return seen.await(CATCH_UP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            synchronized (marks) {
                marks.remove(id);
            }
        }
    }

    int size() {
        synchronized (startedAt) {
            return startedAt.size();
        }
    }

    /** How many times the stream was renewed. */
    int renewals() {
        return renewals.get();
    }

    private void started(RecordedEvent event) {
        RecordedThread thread = event.getThread("thread");
        if (thread == null || thread.getJavaThreadId() <= 0) {
            return;
        }
        StringBuilder text = new StringBuilder();
        // The starting thread: the event's parentThread field (the event itself is the new thread's, with the
        // starter's stack at its start() call).
        RecordedThread parent = event.hasField("parentThread") ? event.getThread("parentThread") : null;
        if (parent == null) {
            parent = event.getThread();
        }
        text.append("started by thread \"").append(parent == null ? "?" : parent.getJavaName()).append("\" at:");
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null) {
            text.append("\n\t(no stack recorded)");
        } else {
            for (RecordedFrame frame : stack.getFrames()) {
                if (!frame.isJavaFrame()) {
                    continue;
                }
                text.append("\n\tat ").append(frame.getMethod().getType().getName()).append('.')
                        .append(frame.getMethod().getName());
                text.append(frame.getLineNumber() > 0 ? "(line " + frame.getLineNumber() + ")" : "()");
            }
            if (stack.isTruncated()) {
                text.append("\n\t...");
            }
        }
        synchronized (startedAt) {
            startedAt.put(thread.getJavaThreadId(), text.toString());
        }
        if (startsSinceRenewal.incrementAndGet() >= RENEW_AFTER && renewing.compareAndSet(false, true)) {
            daemon(this::renew, THREAD_NAME + "-renewal").start(); // not on a stream's thread: it closes one
        }
    }

    private void ended(RecordedEvent event) {
        RecordedThread thread = event.getThread();
        if (thread != null) {
            synchronized (startedAt) {
                startedAt.remove(thread.getJavaThreadId());
            }
        }
    }

    private void marked(RecordedEvent event) {
        CountDownLatch latch;
        synchronized (marks) {
            latch = marks.get(event.getLong("mark"));
        }
        if (latch != null) {
            latch.countDown();
        }
    }
}
