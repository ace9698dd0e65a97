package org.wdf4j.framework;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A driver's passive-level framework thread: DriverEntry, EvtDriverUnload and every deferred
 * cleanup or destroy run here, one at a time, with the driver's class loader as context loader.
 * The thread ends when the driver is unloaded, so it never keeps a driver's classes alive.
 */
final class FxPassiveWorker {

    private static final Runnable STOP = () -> { };

    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final FxThread thread;
    private volatile boolean shutdown;

    FxPassiveWorker(String driverName, ClassLoader contextLoader) {
        this.thread = new FxThread(this::loop, "wdf4j-" + driverName + "-passive", contextLoader);
        this.thread.start();
    }

    private void loop() {
        try {
            while (true) {
                Runnable task = queue.take();
                if (task == STOP) {
                    return;
                }
                task.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // A terminated thread still holds its context loader; let it go with the driver.
            Thread.currentThread().setContextClassLoader(null);
        }
    }

    /** Queues a task; false when the worker is shut down (the task is not run). */
    boolean execute(Runnable task) {
        if (shutdown) {
            return false;
        }
        queue.add(task);
        return true;
    }

    /** Runs {@code task} on the worker; the future completes with its result or exception. */
    <T> CompletableFuture<T> submit(Callable<T> task) {
        CompletableFuture<T> future = new CompletableFuture<>();
        boolean queued = execute(() -> {
            try {
                future.complete(task.call());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        if (!queued) {
            future.completeExceptionally(new IllegalStateException("the driver's passive worker is shut down"));
        }
        return future;
    }

    boolean isWorkerThread() {
        return Thread.currentThread() == thread;
    }

    /** On the worker thread: runs every task queued so far, and those they queue, until none is left. */
    void runPending() {
        if (!isWorkerThread()) {
            throw new IllegalStateException("runPending is for the passive worker thread");
        }
        Runnable task;
        while ((task = queue.poll()) != null) {
            if (task == STOP) {
                queue.add(STOP);
                return;
            }
            task.run();
        }
    }

    /** On the worker thread: runs one queued task, if any; answers whether it ran one. */
    boolean runOne() {
        if (!isWorkerThread()) {
            return false;
        }
        Runnable task = queue.poll();
        if (task == null) {
            return false;
        }
        if (task == STOP) {
            queue.add(STOP);
            return false;
        }
        task.run();
        return true;
    }

    /**
     * Ends the thread after the tasks already queued without waiting for it: for a driver abandoned because a
     * callback hung, so that the thread ends (and lets go of the driver's loader) once that callback returns.
     */
    void shutdownLater() {
        shutdown = true;
        queue.add(STOP);
    }

    /** Ends the thread after the tasks already queued; answers whether it ended within the timeout. */
    boolean shutdown(long timeout, TimeUnit unit) throws InterruptedException {
        shutdown = true;
        queue.add(STOP);
        if (isWorkerThread()) {
            return false;
        }
        thread.join(unit.toMillis(timeout));
        return !thread.isAlive();
    }

    Thread thread() {
        return thread;
    }
}
