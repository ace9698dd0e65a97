package org.wdf4j.host.leak;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * its stack, pruned on {@code jdk.ThreadEnd}). One stream per process; it keeps text only (thread id to stack
 * text), never a thread, a class or an object, and at most {@link #MAX_THREADS} entries (the oldest go first).
 */
public final class ThreadStarts {

    static final int MAX_THREADS = 10_000;
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
    private final Map<Long, CountDownLatch> marks = new LinkedHashMap<>();
    private final AtomicLong nextMark = new AtomicLong();
    private final RecordingStream stream;

    /** Marks a point in the stream: once the stream has delivered it, every earlier thread start has been seen. */
    @Name("org.wdf4j.host.leak.StreamMark")
    @Label("wdf4j stream mark")
    @StackTrace(false)
    static final class StreamMark extends Event {
        @Label("Mark")
        long mark;
    }

    private ThreadStarts() {
        stream = new RecordingStream();
        stream.setMaxAge(Duration.ofMinutes(1)); // bounded on disk too: the map is all that is kept
        stream.setMaxSize(16L << 20);
        stream.enable("jdk.ThreadStart").withStackTrace();
        stream.enable("jdk.ThreadEnd");
        stream.enable(StreamMark.class);
        stream.onEvent("jdk.ThreadStart", this::started);
        stream.onEvent("jdk.ThreadEnd", this::ended);
        stream.onEvent(StreamMark.class.getAnnotation(Name.class).value(), this::marked);
        // Our own thread rather than startAsync(): it must be a daemon (the recording lasts as long as the process and
        // must never keep a JVM that embeds a host from exiting), and its context class loader never a driver's.
        Thread thread = new Thread(stream::start, THREAD_NAME);
        thread.setDaemon(true);
        thread.setContextClassLoader(ThreadStarts.class.getClassLoader());
        thread.start();
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
        return text;
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
        StreamMark mark = new StreamMark();
        mark.mark = id;
        mark.commit();
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
