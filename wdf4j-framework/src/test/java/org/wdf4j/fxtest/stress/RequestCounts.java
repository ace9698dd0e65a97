package org.wdf4j.fxtest.stress;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * What a stress test's driver counts per request id: presentations, requeues, and each completion it made, by path
 * (its normal completion, its own STATUS_CANCELLED completion, its cancel routine's). A driver counts a completion
 * before it makes it, so the counts are complete once the client's future is. {@link IoLedger#verify} checks them
 * against what the clients got.
 */
class RequestCounts {

    final AtomicIntegerArray presented;
    final AtomicIntegerArray requeued;
    final AtomicIntegerArray driverSuccess;
    final AtomicIntegerArray driverCancelled;
    final AtomicIntegerArray routineCancelled;
    /** What the driver saw go wrong (a callback in a state it should not be in, a completion that threw). */
    final Queue<String> errors = new ConcurrentLinkedQueue<>();

    RequestCounts(int capacity) {
        this.presented = new AtomicIntegerArray(capacity);
        this.requeued = new AtomicIntegerArray(capacity);
        this.driverSuccess = new AtomicIntegerArray(capacity);
        this.driverCancelled = new AtomicIntegerArray(capacity);
        this.routineCancelled = new AtomicIntegerArray(capacity);
    }
}
