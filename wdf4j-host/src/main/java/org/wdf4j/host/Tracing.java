package org.wdf4j.host;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The host's live trace ({@code wdf4j trace}): hands the framework's events to those who watch, each filtered by
 * driver. While anyone watches, the host streams its own events ({@link TraceStream}: in-process drivers) and every
 * driver host streams its drivers' over its channel ({@code TraceStart} ... {@code TraceStop}); when the last watcher
 * goes, both stop, so a driver host pays for JFR only while someone traces.
 */
final class Tracing {

    /** One watcher: the driver it wants (null: every driver), where its events go, what to run when the host closes. */
    private record Watcher(String driver, Consumer<TraceEvent> sink, Runnable ended) {
    }

    /** Who watches; guarded by {@code this}. Read without the lock by {@link #publish} (copy on write). */
    private volatile List<Watcher> watchers = List.of();
    /** The stream of this process's events while anyone watches, else null; guarded by {@code this}. */
    private TraceStream local;
    /** The driver hosts asked to stream their events; guarded by {@code this}. */
    private final Set<DriverHostProcess> streaming = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Set by {@link #close()}: a watch that comes later ends at once. Guarded by {@code this}. */
    private boolean closed;

    /**
     * Starts handing the events of {@code driver} (null: of every driver) to {@code sink}, until the answer is closed
     * or the host closes ({@code ended} runs then, after the last events).
     *
     * @param processes the driver hosts that run now, each asked to stream its drivers' events
     */
    synchronized AutoCloseable watch(String driver, Consumer<TraceEvent> sink, Runnable ended,
                                     List<DriverHostProcess> processes) {
        if (closed) {
            ended.run(); // the host is closing: nothing more will happen in it
            return () -> { };
        }
        Watcher w = new Watcher(driver, sink, ended);
        List<Watcher> more = new ArrayList<>(watchers);
        more.add(w);
        watchers = List.copyOf(more);
        if (local == null) {
            local = TraceStream.start(this::publish);
        }
        List<java.util.concurrent.CompletableFuture<?>> started = new ArrayList<>();
        for (DriverHostProcess p : processes) {
            started.add(attachLocked(p));
        }
        for (java.util.concurrent.CompletableFuture<?> f : started) {
            try {
                f.get(5, java.util.concurrent.TimeUnit.SECONDS); // each records before the watcher is told it runs
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // a driver host that ended or does not answer: its drivers' events are not traced
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return () -> unwatch(w);
    }

    private synchronized void unwatch(Watcher w) {
        List<Watcher> fewer = new ArrayList<>(watchers);
        if (!fewer.remove(w)) {
            return;
        }
        watchers = List.copyOf(fewer);
        if (fewer.isEmpty()) {
            stopLocked();
        }
    }

    /** How many watch now. */
    int watchers() {
        return watchers.size();
    }

    /** A driver host that has started: asked to stream too when someone watches, and waited for (bounded). */
    void attach(DriverHostProcess process) {
        java.util.concurrent.CompletableFuture<?> started;
        synchronized (this) {
            if (watchers.isEmpty()) {
                return;
            }
            started = attachLocked(process);
        }
        try {
            started.get(5, java.util.concurrent.TimeUnit.SECONDS); // so that its driver's DriverEntry is traced
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // it ended or does not answer: its drivers' events are not traced
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private java.util.concurrent.CompletableFuture<?> attachLocked(DriverHostProcess process) {
        assert Thread.holdsLock(this);
        return streaming.add(process) ? process.traceStart(this::publish)
                : java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    private void stopLocked() {
        assert Thread.holdsLock(this);
        for (DriverHostProcess p : streaming) {
            p.traceStop();
        }
        streaming.clear();
        TraceStream s = local;
        local = null;
        if (s != null) {
            s.close();
        }
    }

    /** Ends every watch (the host closes): what was recorded until now is handed on first, then each is told. */
    void close() {
        List<Watcher> ended;
        synchronized (this) {
            closed = true;
            stopLocked();
            ended = watchers;
            watchers = List.of();
        }
        ended.forEach(w -> w.ended().run());
    }

    /** Hands one event to each watcher that wants it (on a stream's thread or a driver host's reader). */
    void publish(TraceEvent e) {
        for (Watcher w : watchers) {
            if (w.driver() == null || w.driver().equalsIgnoreCase(e.driver())) {
                try {
                    w.sink().accept(e);
                } catch (RuntimeException ignored) {
                    // a watcher that has gone: its own end unwatches it
                }
            }
        }
    }
}
