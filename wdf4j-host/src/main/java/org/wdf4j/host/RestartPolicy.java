package org.wdf4j.host;

import java.time.Duration;

/**
 * What the host does when an isolated driver's driver host ends without being asked to (H6), with UMDF's numbers as
 * defaults: the driver is restarted in a new driver host up to {@code maxRestarts} times, and its failure count goes
 * back to one when {@code resetAfter} has passed since its previous failure.
 *
 * @param maxRestarts how many restarts a driver gets before it is left failed (0: never restarted)
 * @param resetAfter the quiet time after which a failure counts as the first again
 */
public record RestartPolicy(int maxRestarts, Duration resetAfter) {

    /** UMDF's: five restarts, the count reset after thirty minutes without a failure. */
    public static final RestartPolicy DEFAULT = new RestartPolicy(5, Duration.ofMinutes(30));

    public RestartPolicy {
        if (maxRestarts < 0) {
            throw new IllegalArgumentException("maxRestarts must be 0 or more, was " + maxRestarts);
        }
        if (resetAfter == null || resetAfter.isNegative()) {
            throw new IllegalArgumentException("resetAfter must be 0 or more, was " + resetAfter);
        }
    }
}
