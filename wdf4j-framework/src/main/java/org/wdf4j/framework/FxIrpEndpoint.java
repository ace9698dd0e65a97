package org.wdf4j.framework;

import java.util.concurrent.CompletableFuture;

/**
 * The client's side of one I/O request, wherever the driver runs: {@link FxIrp} in the host's process, or the
 * host's proxy of a request sent to a driver host process.
 */
public interface FxIrpEndpoint {

    /** Completes once, with the status the request was completed with; never exceptionally. */
    CompletableFuture<FxIoStatus> future();

    /**
     * Asks to cancel ({@code IoCancelIrp}).
     *
     * @return false when the request had already completed
     */
    boolean cancel();

    /**
     * Waits briefly, on the calling thread, for the completion where that saves waking a thread: a request to a driver
     * host reads its answer itself if it comes within the channel's spin (microseconds). Never waits for long, nor for
     * a driver's code. In the host's process it returns at once.
     */
    default void awaitBriefly() {
    }
}
