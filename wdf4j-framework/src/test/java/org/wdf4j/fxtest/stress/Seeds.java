package org.wdf4j.fxtest.stress;

import java.util.SplittableRandom;

/**
 * The seeds of the stress tests. Every random choice a stress test makes (what a client does next, what the driver
 * does with a request) comes from a {@link SplittableRandom} derived from one seed per test, so that a failure can be
 * replayed with the same choices: {@code -Dwdf4j.stress.seed=<seed>} (the thread interleaving itself is the JVM's and
 * is not replayed; the choices are).
 *
 * <p>Without the property each run draws a new seed, so that CI explores new choices every time; a failing test
 * names its seed in its failure message and on standard error.
 */
final class Seeds {

    /** The property that fixes the seed of every stress test. */
    static final String PROPERTY = "wdf4j.stress.seed";

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Seeds() {
    }

    /** The seed for one test: the property's value when set, else a fresh one. */
    static long seed() {
        String fixed = System.getProperty(PROPERTY);
        if (fixed != null && !fixed.isBlank()) {
            return Long.decode(fixed.trim());
        }
        return new SplittableRandom(System.nanoTime() ^ Thread.currentThread().threadId() * GOLDEN).nextLong();
    }

    /** A generator for one actor of the test (a client thread, a driver thread), from the test's seed. */
    static SplittableRandom forActor(long seed, int actor) {
        return new SplittableRandom(mix(seed + (actor + 1) * GOLDEN));
    }

    /**
     * A generator for one request, from the test's seed and the request's id: what the driver does with a request
     * depends only on the seed and the id, not on which thread handles it.
     */
    static SplittableRandom forRequest(long seed, long id) {
        return new SplittableRandom(mix(seed ^ mix(id + 0x5DEECE66DL)));
    }

    /** Runs {@code body}; a failure is wrapped in one that names the seed (and printed), so the run can be replayed. */
    static void reproducible(String test, long seed, ThrowingRunnable body) {
        try {
            body.run();
        } catch (Throwable t) {
            String message = test + " failed with seed " + seed + "; replay its choices with -D" + PROPERTY + "=" + seed;
            System.err.println(message);
            throw new AssertionError(message + "\n" + t.getMessage(), t);
        }
    }

    /** A test body. */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
