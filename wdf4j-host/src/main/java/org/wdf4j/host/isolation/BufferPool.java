package org.wdf4j.host.isolation;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;

/**
 * Buffers a transport lends to requests and takes back: a request's data lies in one until the request is done, then
 * it serves a later one, so a busy transport allocates none once warm (issue #14). Used for the FUSE session's messages
 * and read replies (native segments) and for a driver-host channel's request data (arrays). Sizes are powers of two
 * from {@link #SMALLEST}.
 *
 * <p>Thread-safe: one lock-free stack per size, each holding at most {@code kept} idle buffers (the rest go with the
 * collector).
 *
 * @param <B> the buffer type
 */
public final class BufferPool<B> {

    public static final int SMALLEST = 4096;
    private static final int SIZES = 20; // 4 KiB to 2 GiB

    private final IntFunction<B> allocate;
    private final ToLongFunction<B> size;
    private final int kept;
    private final ConcurrentLinkedDeque<B>[] idle;
    private final AtomicInteger[] idleCount;

    /**
     * @param allocate makes a buffer of the given size
     * @param size a buffer's size
     * @param kept the most idle buffers kept per size
     */
    @SuppressWarnings("unchecked")
    public BufferPool(IntFunction<B> allocate, ToLongFunction<B> size, int kept) {
        this.allocate = allocate;
        this.size = size;
        this.kept = kept;
        idle = new ConcurrentLinkedDeque[SIZES];
        idleCount = new AtomicInteger[SIZES];
        for (int i = 0; i < SIZES; i++) {
            idle[i] = new ConcurrentLinkedDeque<>();
            idleCount[i] = new AtomicInteger();
        }
    }

    /** A buffer of at least {@code bytes}: an idle one, else a new one. */
    public B take(long bytes) {
        int index = sizeIndex(bytes);
        B b = idle[index].pollFirst();
        if (b != null) {
            idleCount[index].decrementAndGet();
            return b;
        }
        return allocate.apply(SMALLEST << index);
    }

    /** Gives {@code buffer} (from {@link #take}; others are ignored) back; nobody may use it after. */
    public void give(B buffer) {
        long bytes = size.applyAsLong(buffer);
        int index = sizeIndex(bytes);
        if (bytes != (long) SMALLEST << index) {
            return; // not one of the pool's
        }
        if (idleCount[index].incrementAndGet() <= kept) {
            idle[index].offerFirst(buffer);
        } else {
            idleCount[index].decrementAndGet();
        }
    }

    private static int sizeIndex(long bytes) {
        long b = Math.max(bytes, SMALLEST);
        int index = 64 - Long.numberOfLeadingZeros((b - 1) / SMALLEST);
        if (index >= SIZES) {
            throw new IllegalArgumentException("a pooled buffer of " + bytes + " bytes");
        }
        return index;
    }
}
