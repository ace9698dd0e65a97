package org.wdf4j.host.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.wdf4j.NtStatus;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;

/**
 * The requests a case sent, so that it can check that every one completes (once: the client's result is a future
 * that completes once, and a second completion by the driver is a bug check the framework reports) within a bound.
 * Thread-safe: guarded by itself.
 */
final class IoLedger {

    /** A request sent: what it was, e.g. {@code write of 17 bytes to \\?\ROOT#ECHO#0000#{...}}, and its operation. */
    record Sent(String what, PendingIo io) {
    }

    /** Guarded by this. */
    private final List<Sent> sent = new ArrayList<>();

    synchronized Sent add(String what, PendingIo io) {
        Sent s = new Sent(what, io);
        sent.add(s);
        return s;
    }

    synchronized List<Sent> all() {
        return List.copyOf(sent);
    }

    /**
     * Waits, at most {@code bound} in all, for every request sent so far to complete; answers those that did not, in
     * the order they were sent.
     */
    List<Sent> awaitAll(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        List<Sent> stuck = new ArrayList<>();
        for (Sent s : all()) {
            CompletableFuture<IoResult> result = s.io().result();
            try {
                result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                stuck.add(s);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stuck.add(s);
            } catch (ExecutionException e) {
                // completed (exceptionally, which the client API does not do): it did complete
            }
        }
        return stuck;
    }

    /** How many completed requests the driver did not handle (STATUS_INVALID_DEVICE_REQUEST, STATUS_NOT_SUPPORTED). */
    int notHandled() {
        int n = 0;
        for (Sent s : all()) {
            IoResult r = s.io().result().getNow(null);
            if (r != null && (r.status().equals(NtStatus.STATUS_INVALID_DEVICE_REQUEST)
                    || r.status().equals(NtStatus.STATUS_NOT_SUPPORTED))) {
                n++;
            }
        }
        return n;
    }

    /** How many completed requests the driver completed with success. */
    int succeeded() {
        int n = 0;
        for (Sent s : all()) {
            IoResult r = s.io().result().getNow(null);
            if (r != null && r.isSuccess()) {
                n++;
            }
        }
        return n;
    }

    synchronized int size() {
        return sent.size();
    }
}
