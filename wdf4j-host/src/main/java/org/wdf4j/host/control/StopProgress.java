package org.wdf4j.host.control;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.wdf4j.framework.FxInspection;
import org.wdf4j.host.HostedDriver;

/**
 * While a stop waits for a driver, says what it waits for: after {@link #FIRST}, and then whenever that changes or
 * {@link #EVERY} has passed, one line on standard error naming what the framework runs or waits for (a PnP transition
 * and its step, a wait for requests, EvtDriverUnload, a timer callback) and every request the driver holds, with its
 * type, length, age and queue. Reads {@link HostedDriver#inspect()}, which an isolated driver answers while its stop
 * waits. Closing it stops the watch, and no line is written after {@link #close()} returns.
 */
final class StopProgress implements AutoCloseable {

    /** How long a stop runs before the first progress line. */
    static final Duration FIRST = Duration.ofSeconds(1);
    /** The longest time between two progress lines while nothing changes. */
    static final Duration EVERY = Duration.ofSeconds(5);

    private final HostedDriver driver;
    private final Output out;
    private final long start = System.nanoTime();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread thread;
    /** Held while a line is written, and by {@link #close()}: no line after close. */
    private final Object writing = new Object();
    /** Set by {@link #close()}; guarded by {@link #writing}. */
    private boolean closed;

    private StopProgress(HostedDriver driver, Output out) {
        this.driver = driver;
        this.out = out;
        this.thread = Thread.ofVirtual().name("wdf4j-stop-progress-" + driver.name()).unstarted(this::watch);
    }

    /** Starts watching the stop of {@code driver}; progress lines go to {@code out}'s standard error. */
    static StopProgress watch(HostedDriver driver, Output out) {
        StopProgress p = new StopProgress(driver, out);
        p.thread.start();
        return p;
    }

    private void watch() {
        try {
            if (done.await(FIRST.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
            String said = null;
            long saidAt = 0;
            while (true) {
                FxInspection x = driver.inspect();
                String what = signature(x);
                if (!what.equals(said) || System.nanoTime() - saidAt >= EVERY.toNanos()) {
                    synchronized (writing) {
                        if (closed) {
                            return;
                        }
                        out.err(line(driver.name(), x, System.nanoTime() - start));
                    }
                    said = what;
                    saidAt = System.nanoTime();
                }
                if (done.await(1, TimeUnit.SECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            synchronized (writing) {
                if (!closed) {
                    out.err("cannot say what the stop of " + driver.name() + " waits for: " + e);
                }
            }
        }
    }

    /** What is waited for, without the times: a change of it is worth a line at once. */
    private static String signature(FxInspection x) {
        List<String> parts = new ArrayList<>();
        x.busy().forEach(b -> parts.add(b.what()));
        x.heldRequests().forEach(r -> parts.add(r.handle()));
        return String.join("|", parts);
    }

    /** {@code still stopping driver X after 3.0 s: PnP REMOVE of ... (for 3.0 s); waiting for ...; the driver holds ...}. */
    static String line(String driver, FxInspection x, long nanos) {
        StringBuilder line = new StringBuilder("still stopping driver ").append(driver).append(" after ")
                .append(FxInspection.seconds(nanos)).append(" (").append(x.state()).append("): ");
        List<String> parts = new ArrayList<>();
        x.busy().forEach(b -> parts.add(b.describe()));
        List<FxInspection.Request> held = x.heldRequests();
        if (!held.isEmpty()) {
            List<String> names = new ArrayList<>();
            held.forEach(r -> names.add(r.describe() + " from " + r.queue()));
            parts.add("the driver holds " + String.join(", ", names));
        }
        if (parts.isEmpty()) {
            parts.add(x.state() == org.wdf4j.framework.FxDriverState.UNLOADED
                    ? "the driver has unloaded; the host checks that its code is gone (its class loader collected)"
                    : "the framework is finishing the unload (nothing of the driver runs or is held)");
        }
        return line.append(String.join("; ", parts)).toString();
    }

    @Override
    public void close() {
        done.countDown();
        synchronized (writing) {
            closed = true;
        }
    }
}
