package org.wdf4j.host;

import java.util.BitSet;
import java.util.function.IntPredicate;

/**
 * The instance numbers of one instance ID prefix ({@code ROOT\ECHO}), 0000 to 9999. Numbers are given in rising order,
 * so that none is given twice while the host lives (nor across restarts: {@link PnpManager#reserveInstanceId}); past
 * 9999 they wrap to the lowest number that no node has and that is not kept for a remembered node, as Linux wraps
 * process IDs, so that a host adding and removing devices for years never runs out (before, the 10,001st device of a
 * hardware ID was refused however many had been removed). Not thread-safe: {@link PnpManager} guards it with its node
 * map.
 */
final class InstanceNumbers {
    static final int LIMIT = 10_000;
    /** The next number to give before the first wrap; {@link #LIMIT} after it. */
    private int next;
    /** The numbers of remembered nodes not brought back (--clean-start). */
    private final BitSet reserved = new BitSet();

    /** The number for a new node, or -1 when every number is a node's or reserved. */
    int next(IntPredicate inUse) {
        if (next < LIMIT) {
            return next++;
        }
        for (int n = reserved.nextClearBit(0); n < LIMIT; n = reserved.nextClearBit(n + 1)) {
            if (!inUse.test(n)) {
                return n;
            }
        }
        return -1;
    }

    /** A node brought back with {@code number}: later nodes get higher numbers. */
    void given(int number) {
        next = Math.max(next, number + 1);
    }

    void reserve(int number) {
        reserved.set(number);
        given(number);
    }
}
