package org.wdf4j.framework;

import java.util.concurrent.locks.LockSupport;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A driver's seeded random delays at the framework's interleaving points ({@link VerifierSettings.InterleavingDelays}).
 * Made only when they are on: a driver without them has none, and its interleaving points cost a null check.
 */
final class FxInterleaving {

    /** The draws, in the order the points are reached; guarded by itself (the generator is not thread-safe). */
    private final RandomGenerator random;
    private final long maxDelayNanos;
    private final int percent;

    private FxInterleaving(VerifierSettings.InterleavingDelays delays) {
        this.random = RandomGeneratorFactory.of("L64X128MixRandom").create(delays.seed());
        this.maxDelayNanos = delays.maxDelay().toNanos();
        this.percent = delays.percent();
    }

    /** The delays of these settings, or null when they are off. */
    static FxInterleaving of(VerifierSettings.InterleavingDelays delays) {
        return delays.on() ? new FxInterleaving(delays) : null;
    }

    /** An interleaving point: parks the calling thread for a random while, or not, as the next draws say. */
    void reached() {
        long delay;
        synchronized (random) {
            if (random.nextInt(100) >= percent) {
                return;
            }
            delay = 1 + random.nextLong(maxDelayNanos);
        }
        LockSupport.parkNanos(delay);
    }
}
