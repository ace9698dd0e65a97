package org.wdf4j.host.isolation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;

/**
 * A one-way byte stream from one process to another through a ring buffer in memory both map (a pipe without the
 * kernel): one writer at a time in one process, one reader in the other. The reader that finds it empty, and the
 * writer that finds it full, first spin for a while (a request's answer usually comes within a few microseconds, and
 * a thread that sleeps costs two context switches to wake; how long each side spins, up to {@code spinNanos}, it
 * learns from its recent waits: {@link AdaptiveSpin}), then sleep on a {@link Futex} until the other side wakes them.
 *
 * <p>Layout of the region, each word on a cache line of its own so that the two sides do not share a line they both
 * write:
 * <pre>
 *   0  tail          long  bytes the writer has published, ever (only the writer stores it)
 *  64  head          long  bytes the reader has consumed, ever (only the reader stores it)
 * 128  readerAsleep  int   futex word: 1 while a reading-side thread sleeps or is about to, and wants the writer to
 *                          wake it (stored by both; a thread that reads sets 0 to hold back the wakes of another that
 *                          sleeps in Reader.sleep, and 1 again when it is done: holdWakes, allowWakes)
 * 192  writerAsleep  int   futex word: 1 while the writer waits for space (stored by both)
 * 256  closed        int   1 once either side closed the stream, or its process ended (never reset)
 * 320  data          capacity bytes, a power of two; byte n of the stream is at data[n mod capacity]
 * </pre>
 *
 * <p>Invariants: {@code head <= tail <= head + capacity}; the bytes in {@code [head, tail)} are written and not yet
 * read. A side that sleeps sets its flag, then checks its condition again (full fence between, a volatile store then
 * a volatile load); a side that makes progress stores its counter, then reads the other's flag (the same fence), so
 * at least one of the two sees the other and no wake-up is lost. A waker clears the flag before calling
 * {@link Futex#wake}, so a sleeper that has not yet called {@link Futex#await} returns from it at once.
 *
 * <p>Sleeps are bounded ({@link #SLEEP_NANOS}): a side that wakes without progress asks {@code peerAlive}, so the end
 * of the other process is seen even if nothing closed the ring; {@link #close()} wakes every sleeper whatever the
 * flags say. The reading side may be several threads taking turns (the caller serializes them: a thread reads only
 * while it holds the caller's read role), one of which may sleep in {@link Reader#sleep} without reading.
 */
public final class SharedRing {

    /** Bytes before the data. */
    public static final long HEADER = 320;
    private static final long TAIL = 0;
    private static final long HEAD = 64;
    private static final long READER_ASLEEP = 128;
    private static final long WRITER_ASLEEP = 192;
    private static final long CLOSED = 256;
    /** The longest sleep before the peer's life is checked again. */
    static final long SLEEP_NANOS = 1_000_000_000L;

    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private final MemorySegment region;
    private final MemorySegment data;
    private final int capacity;
    private final long mask;
    /** The reading side's spin; used by the thread that reads (one at a time). */
    private final AdaptiveSpin readerSpin;
    /** The writing side's spin; used by the thread that writes (one at a time). */
    private final AdaptiveSpin writerSpin;
    private final BooleanSupplier peerAlive;

    /**
     * @param region the ring's memory: {@link #HEADER} bytes, then {@code capacity}; zero when new
     * @param capacity the data's size, a power of two
     * @param spinNanos the longest a side spins before it sleeps (0: never spins); each side learns how long to
     *     spin ({@link AdaptiveSpin})
     * @param peerAlive whether the other process is alive (asked after a sleep without progress)
     */
    public SharedRing(MemorySegment region, int capacity, long spinNanos, BooleanSupplier peerAlive) {
        if (Integer.bitCount(capacity) != 1 || region.byteSize() < HEADER + capacity) {
            throw new IllegalArgumentException("a ring of " + capacity + " bytes in a region of " + region.byteSize());
        }
        this.region = region;
        this.data = region.asSlice(HEADER, capacity);
        this.capacity = capacity;
        this.mask = capacity - 1L;
        this.readerSpin = new AdaptiveSpin(spinNanos);
        this.writerSpin = new AdaptiveSpin(spinNanos);
        this.peerAlive = peerAlive;
    }

    /** The bytes a ring of {@code capacity} needs. */
    public static long size(int capacity) {
        return HEADER + capacity;
    }

    /** Marks the stream closed and wakes both sides: the reader reads what is left, then the end; the writer fails. */
    public void close() {
        INT.setVolatile(region, CLOSED, 1);
        // Whatever the flags say (a reader may hold the writer's wakes back): every sleeper wakes and sees the end.
        INT.setVolatile(region, READER_ASLEEP, 0);
        INT.setVolatile(region, WRITER_ASLEEP, 0);
        Futex.wake(region.asSlice(READER_ASLEEP, 4), Integer.MAX_VALUE);
        Futex.wake(region.asSlice(WRITER_ASLEEP, 4), Integer.MAX_VALUE);
    }

    /** Whether {@link #close()} was called, on either side. */
    public boolean isClosed() {
        return (int) INT.getVolatile(region, CLOSED) != 0;
    }

    /** The reading end; one thread reads at a time. Closing it closes the ring. */
    public Reader reader() {
        return new Reader();
    }

    /** The writing end; one thread writes at a time (the caller serializes). Closing it closes the ring. */
    public OutputStream writer() {
        return new Writer();
    }

    private long tail() {
        return (long) LONG.getVolatile(region, TAIL);
    }

    private long head() {
        return (long) LONG.getVolatile(region, HEAD);
    }

    private void wake(long flag) {
        if ((int) INT.getVolatile(region, flag) != 0) {
            INT.setVolatile(region, flag, 0);
            Futex.wake(region.asSlice(flag, 4), Integer.MAX_VALUE);
        }
    }

    /**
     * Waits until {@code ready} holds: spins (at most {@code spin}'s next spin), then sleeps on {@code flag}. False when
     * the ring closed (or the peer died) first. Teaches {@code spin} how long the wait took.
     */
    private boolean await(BooleanSupplier ready, long flag, AdaptiveSpin spin) {
        if (ready.getAsBoolean()) {
            return true;
        }
        long start = System.nanoTime();
        if (spinUntil(ready, NEVER, spin.next())) {
            spin.ended(System.nanoTime() - start);
            return true;
        }
        MemorySegment word = region.asSlice(flag, 4);
        while (true) {
            INT.setVolatile(region, flag, 1);
            if (ready.getAsBoolean()) {
                INT.setVolatile(region, flag, 0);
                spin.ended(System.nanoTime() - start);
                return true;
            }
            if (isClosed()) {
                INT.setVolatile(region, flag, 0);
                return false;
            }
            Futex.await(word, 1, SLEEP_NANOS);
            if (ready.getAsBoolean()) {
                INT.setVolatile(region, flag, 0);
                spin.ended(System.nanoTime() - start);
                return true;
            }
            if (!isClosed() && (int) INT.getVolatile(region, flag) != 0 && !peerAlive.getAsBoolean()) {
                close(); // the peer died without closing: what it published is still read, then the end
            }
        }
    }

    private static final BooleanSupplier NEVER = () -> false;

    /**
     * Spins, at most {@code nanos}, until {@code ready} holds; gives up early when {@code stop} holds (asked every few
     * dozen spins). Answers whether {@code ready} holds.
     *
     * <p>Every few dozen spins the spinner yields its CPU to any thread waiting for one (a system call that returns at
     * once when none is): on a machine with few CPUs the threads that make the next message (the program doing the
     * I/O, the host's device-file reader) otherwise wait for the scheduler to preempt the spinner. On two CPUs this
     * took isolated 4 KiB device-file reads from 30-32 to 36-44 thousand a second (BENCHMARKS.md, section 8).
     */
    private static boolean spinUntil(BooleanSupplier ready, BooleanSupplier stop, long nanos) {
        if (ready.getAsBoolean()) {
            return true;
        }
        long deadline = System.nanoTime() + nanos;
        while (nanos > 0 && System.nanoTime() - deadline < 0) {
            for (int i = 0; i < 64; i++) {
                Thread.onSpinWait();
                if (ready.getAsBoolean()) {
                    return true;
                }
            }
            if (stop.getAsBoolean()) {
                return false;
            }
            Thread.yield();
        }
        return ready.getAsBoolean();
    }

    /** The reading end of a ring. */
    public final class Reader extends InputStream {

        /** The reader's own copy of head: only the reading thread stores head. */
        private long head = head();

        private Reader() {
        }

        /**
         * Spins, at most {@code nanos}, until there is something to read (or the end); gives up early when
         * {@code stop} holds (asked every few dozen spins). Only the reading thread calls it.
         *
         * @return whether a read would now return without waiting
         */
        public boolean spin(BooleanSupplier stop, long nanos) {
            long h = head;
            return spinUntil(() -> tail() != h || isClosed(), stop, nanos);
        }

        /**
         * Sleeps until something is written after what has been read (or the ring closes), or {@code stop} holds
         * (asked once, before sleeping), or {@link #SLEEP_NANOS} passed; reads nothing, so a thread that does not read
         * may call it (one at a time), while another reads. May return early: the caller looks again.
         */
        public void sleep(BooleanSupplier stop) {
            long h = head();
            INT.setVolatile(region, READER_ASLEEP, 1);
            if (tail() != h || isClosed() || stop.getAsBoolean()) {
                INT.setVolatile(region, READER_ASLEEP, 0);
                return;
            }
            Futex.await(region.asSlice(READER_ASLEEP, 4), 1, SLEEP_NANOS);
            boolean woken = (int) INT.getVolatile(region, READER_ASLEEP) == 0;
            INT.setVolatile(region, READER_ASLEEP, 0);
            if (!woken && tail() == head() && !isClosed() && !peerAlive.getAsBoolean()) {
                close(); // the peer died without closing
            }
        }

        /**
         * Sleeps while the writer's wakes are held back ({@link #holdWakes}: another thread reads meanwhile) until that
         * thread lets them be again ({@link #allowWakes}, which wakes this one if something is there to read), a
         * wake, or {@link #SLEEP_NANOS}; returns at once if they are not held. Reads nothing; may return early: the
         * caller looks again. The caller must make sure whoever holds the wakes lets them be after this thread
         * sleeps (see {@code ChannelReader}).
         */
        public void sleepHeld() {
            Futex.await(region.asSlice(READER_ASLEEP, 4), 0, SLEEP_NANOS);
        }

        /** Keeps the writer from waking a thread in {@link #sleep} (the caller reads meanwhile). */
        public void holdWakes() {
            INT.setVolatile(region, READER_ASLEEP, 0);
        }

        /** Lets the writer wake a thread in {@link #sleep} again; wakes it now if something is there to read. */
        public void allowWakes() {
            INT.setVolatile(region, READER_ASLEEP, 1);
            if (tail() != head() || isClosed()) {
                wake(READER_ASLEEP);
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            long h = head;
            if (!SharedRing.this.await(() -> tail() != h, READER_ASLEEP, readerSpin)) {
                if (tail() == h) {
                    return -1;
                }
            }
            long available = tail() - h;
            int n = (int) Math.min(len, available);
            int at = (int) (h & mask);
            int first = Math.min(n, capacity - at);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, b, off, first);
            if (first < n) {
                MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, b, off + first, n - first);
            }
            head = h + n;
            LONG.setVolatile(region, HEAD, head);
            wake(WRITER_ASLEEP);
            return n;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, tail() - head);
        }

        @Override
        public void close() {
            SharedRing.this.close();
        }
    }

    private final class Writer extends OutputStream {

        /** The writer's own copy of tail: only the writing thread (one at a time) stores tail. */
        private long tail = tail();

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        /** Copies as much as fits and publishes it, until all is written: a write larger than the ring streams. */
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            while (len > 0) {
                if (isClosed()) {
                    throw new IOException("the driver-host channel is closed");
                }
                long t = tail;
                if (!SharedRing.this.await(() -> t - head() < capacity, WRITER_ASLEEP, writerSpin)) {
                    throw new IOException("the driver-host channel is closed");
                }
                int free = (int) (capacity - (t - head()));
                int n = Math.min(len, free);
                int at = (int) (t & mask);
                int first = Math.min(n, capacity - at);
                MemorySegment.copy(b, off, data, ValueLayout.JAVA_BYTE, at, first);
                if (first < n) {
                    MemorySegment.copy(b, off + first, data, ValueLayout.JAVA_BYTE, 0, n - first);
                }
                tail = t + n;
                LONG.setVolatile(region, TAIL, tail);
                wake(READER_ASLEEP);
                off += n;
                len -= n;
            }
        }

        @Override
        public void close() {
            SharedRing.this.close();
        }
    }
}
