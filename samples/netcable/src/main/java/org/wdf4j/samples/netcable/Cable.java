package org.wdf4j.samples.netcable;

import org.wdf4j.net.MediaConnectState;
import org.wdf4j.net.NetAdapter;

/**
 * The cable's two ends: which device is which end, and the link state of both (connected while both ends exist).
 * Thread-safe: ends are plugged in and out by PnP callbacks while the other end's transmit queue uses them.
 */
final class Cable {

    /** One end: its number and adapter. */
    record End(int number, NetAdapter adapter) {
    }

    /** Guarded by this: a reserved end without an adapter yet is {@link #RESERVED}. */
    private final End[] ends = new End[2];
    private static final End RESERVED = new End(-1, null);

    /** Reserves the lowest free end; -1 when both are taken. */
    synchronized int reserveEnd() {
        for (int n = 0; n < ends.length; n++) {
            if (ends[n] == null) {
                ends[n] = RESERVED;
                return n;
            }
        }
        return -1;
    }

    /** Plugs the adapter in at end {@code n}; both links come up when the other end is there. */
    End plugIn(int n, NetAdapter adapter) {
        End end = new End(n, adapter);
        End other;
        synchronized (this) {
            ends[n] = end;
            other = live(1 - n);
        }
        if (other != null) {
            adapter.setLinkState(MediaConnectState.CONNECTED);
            other.adapter().setLinkState(MediaConnectState.CONNECTED);
        }
        return end;
    }

    /** Frees end {@code n} (its device is gone or failed to come); the other end's link goes down. */
    void release(int n, End end) {
        End other;
        synchronized (this) {
            if (ends[n] != end && ends[n] != RESERVED) {
                return;
            }
            ends[n] = null;
            other = live(1 - n);
        }
        if (other != null) {
            other.adapter().setLinkState(MediaConnectState.DISCONNECTED);
        }
    }

    /** The adapter at the other end of {@code end}, or null when it is not plugged in. */
    synchronized NetAdapter otherEnd(End end) {
        End other = live(1 - end.number());
        return other == null ? null : other.adapter();
    }

    private End live(int n) {
        End e = ends[n];
        return e == null || e == RESERVED ? null : e;
    }
}
