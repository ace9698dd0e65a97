package org.wdf4j.framework;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.wdf4j.Irql;

/**
 * A driver's dispatch-level framework threads ({@code wdf4j-<driver>-dispatch-<n>}): the system timer
 * queue of the driver's timers. The threads run at DISPATCH_LEVEL, with the driver's class loader as
 * context loader, like DPCs on several processors: two timers of one driver may expire at once, which
 * is what automatic serialization is for. Made when the driver creates its first timer, ended at unload.
 */
final class FxDispatchWorker {

    /** Like DPCs on a few processors: more than one, so that callbacks of one driver can overlap. */
    static final int THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final ScheduledThreadPoolExecutor executor;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    FxDispatchWorker(String driverName, ClassLoader contextLoader) {
        AtomicInteger number = new AtomicInteger();
        this.executor = new ScheduledThreadPoolExecutor(THREADS, task -> {
            FxThread thread = new FxThread(() -> {
                try {
                    task.run();
                } finally {
                    // A terminated thread still holds its context loader; let it go with the driver.
                    Thread.currentThread().setContextClassLoader(null);
                }
            }, "wdf4j-" + driverName + "-dispatch-" + number.incrementAndGet(), contextLoader);
            thread.state.irql = Irql.DISPATCH_LEVEL;
            threads.add(thread);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    /** Runs {@code task} once after {@code delayNanos}; null when the worker is shut down. */
    ScheduledFuture<?> schedule(Runnable task, long delayNanos) {
        if (executor.isShutdown()) {
            return null;
        }
        return executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Runs {@code task} after {@code delayNanos}, then every {@code periodNanos}; null when shut down. */
    ScheduledFuture<?> scheduleAtFixedRate(Runnable task, long delayNanos, long periodNanos) {
        if (executor.isShutdown()) {
            return null;
        }
        return executor.scheduleAtFixedRate(task, delayNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    boolean isWorkerThread() {
        return threads.contains(Thread.currentThread());
    }

    /** Drops the pending expirations; the threads end when their current callbacks return, without waiting for them. */
    void shutdownLater() {
        executor.shutdown();
    }

    /** Drops the pending expirations and waits for the threads to end; answers whether they did within the timeout. */
    boolean shutdown(long timeout, TimeUnit unit) throws InterruptedException {
        executor.shutdown();
        if (isWorkerThread()) {
            return false;
        }
        if (!executor.awaitTermination(timeout, unit)) {
            return false;
        }
        for (Thread t : threads) {
            t.join(unit.toMillis(timeout)); // the pool is terminated; the threads are leaving their run methods
        }
        return threads.stream().noneMatch(Thread::isAlive);
    }

    List<Thread> threads() {
        return List.copyOf(threads);
    }
}
