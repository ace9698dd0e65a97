package org.wdf4j.host.isolation;

/**
 * How long a waiting side spins next, learnt from how its recent waits ended, as the JVM's adaptive spinning learns
 * for a monitor: a wait whose message came within the longest spin (spinning served it, or would have) lengthens the
 * next spin to at least twice that wait, up to the longest; a wait that spinning did not serve, and that slept longer than the longest spin,
 * halves it. So a busy channel spins and an idle one, or one on an overloaded machine where a spinner only keeps the
 * other side from running, soon sleeps at once. A spin of 0 learns back through the waits' lengths.
 *
 * <p>Not thread-safe by design: each side's waits are made by one thread at a time (the channel's reader, or its
 * writer, under the caller's serialization), and a lost update of this heuristic changes one spin.
 */
public final class AdaptiveSpin {

    private final long longest;
    /** The next spin, 0 to {@link #longest}; see the class comment for who writes it. */
    private long next;

    /** @param longest the longest spin, in nanoseconds; 0 never spins */
    public AdaptiveSpin(long longest) {
        this.longest = longest;
        this.next = longest;
    }

    /** The next wait's spin, in nanoseconds. */
    public long next() {
        return next;
    }

    /** The longest spin. */
    public long longest() {
        return longest;
    }

    /** A wait ended after {@code waitedNanos}: its message came then (spinning, or after a sleep). */
    public void ended(long waitedNanos) {
        if (waitedNanos <= longest) {
            next = Math.min(longest, Math.max(Math.max(2 * next, 2 * waitedNanos), longest / 16));
        } else {
            next = next / 2 < longest / 64 ? 0 : next / 2;
        }
    }
}
