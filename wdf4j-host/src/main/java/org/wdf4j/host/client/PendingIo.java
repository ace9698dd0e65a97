package org.wdf4j.host.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * An asynchronous operation in flight (Win32's {@code OVERLAPPED}): its result when it completes, and a way to
 * cancel it ({@code CancelIoEx} with this operation).
 */
public interface PendingIo {

    /** Completes with the result once the driver (or the framework) completed the request; never exceptionally. */
    CompletableFuture<IoResult> result();

    /**
     * Asks to cancel the request: a request still waiting in a queue is cancelled at once, one the driver marked
     * cancelable goes to its cancel routine, one the driver holds otherwise is cancelled when it marks it cancelable
     * (or completes whatever way the driver decides).
     *
     * @return false when the request had already completed
     */
    boolean cancel();

    /**
     * {@code GetOverlappedResult} with a bound: waits for the result.
     *
     * @throws IoException with STATUS_TIMEOUT when the request did not complete within {@code timeout} (it stays in
     *     flight)
     */
    IoResult await(Duration timeout);

    /**
     * Waits a few microseconds at most for the result, on the calling thread, where that is cheaper than being woken
     * when it comes: a request to a driver in a driver host reads its answer from the channel itself when the answer
     * comes within the channel's spin ({@code docs/hosting.md}). Never waits for a driver; an event loop that must not
     * block at all does not call it.
     *
     * @return whether the result is there ({@link #result()} is complete)
     */
    default boolean awaitBriefly() {
        return result().isDone();
    }
}
