package org.wdf4j.framework;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The buffers the verifier hands a driver for one client request instead of the transport's (see {@link FxIrp}): one
 * segment of a shared arena of the request's own, the input copied in at the start, the output copied out at
 * completion. At completion it is {@linkplain #retire retired}: filled with {@link #PATTERN} and kept by the driver's
 * {@link FxBufferQuarantine}, which reports a change of the pattern (the driver wrote into the buffer of a completed
 * request) and later closes the arena, after which every access through a buffer the driver kept throws
 * {@link IllegalStateException}. Never reused, so a driver that keeps a buffer cannot reach a later request's data.
 */
final class FxGuardedBuffers {

    /** What a retired buffer is filled with. */
    static final byte PATTERN = (byte) 0xDB;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment segment;
    private final FxMemory.Region input;
    private final FxMemory.Region output;
    private final java.util.concurrent.atomic.AtomicBoolean retired = new java.util.concurrent.atomic.AtomicBoolean();
    /** The request's name, for a finding; set once at retirement. */
    private volatile String request;

    /** Buffers for a request with {@code input} (copied in now) and an output of {@code outputLength} bytes. */
    FxGuardedBuffers(FxMemory.Region input, int outputLength) {
        int inLength = input.length();
        segment = arena.allocate(Math.max(1, (long) inLength + outputLength), 8);
        MemorySegment in = segment.asSlice(0, inLength);
        if (inLength > 0) {
            MemorySegment.copy(MemorySegment.ofBuffer(input.view()), 0, in, 0, inLength);
        }
        this.input = new FxMemory.Region(in.asByteBuffer(), 0, inLength);
        this.output = new FxMemory.Region(segment.asSlice(inLength, outputLength).asByteBuffer(), 0, outputLength);
    }

    FxMemory.Region input() {
        return input;
    }

    FxMemory.Region output() {
        return output;
    }

    /** The request completed (its output copied out): fill, and hand to {@code globals}' quarantine; once. */
    void retire(FxDriverGlobals globals, String requestName) {
        if (!retired.compareAndSet(false, true)) {
            return; // a second finish of the same request (refused there): retired already
        }
        request = requestName;
        segment.fill(PATTERN);
        globals.bufferQuarantine().admit(this);
    }

    String request() {
        return request;
    }

    /** Whether the driver wrote into the buffers since they were retired. */
    boolean written() {
        long n = segment.byteSize();
        for (long i = 0; i + 8 <= n; i += 8) {
            if (segment.get(ValueLayout.JAVA_LONG_UNALIGNED, i) != PATTERN_LONG) {
                return true;
            }
        }
        for (long i = n & ~7L; i < n; i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, i) != PATTERN) {
                return true;
            }
        }
        return false;
    }

    private static final long PATTERN_LONG = 0xDBDBDBDBDBDBDBDBL;

    /** Fills again after a reported write, so that the same write is reported once. */
    void refill() {
        segment.fill(PATTERN);
    }

    /** Frees the memory: any later access through a buffer over it throws {@link IllegalStateException}. */
    void close() {
        try {
            arena.close();
        } catch (IllegalStateException e) {
            // a driver thread is in the middle of an access: it fails, and the memory goes with the arena's cleaner
        }
    }
}
