package org.wdf4j.host.isolation;

import java.io.IOException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Who reads the host's end of a driver host's channel, and when: one reader thread ({@link #run}), and any thread that
 * waits for its own answer ({@link #awaitDirect}), which reads the channel itself for a while so that a quick answer
 * wakes nobody (leader and followers; BENCHMARKS.md, section 8). Every message received, by whichever thread, is given
 * to the handler on that thread, in the order received.
 *
 * <p>On the pipes ({@link Channel#isShared()} false) there are no direct reads: the reader thread receives everything.
 * On shared memory the reader thread spins for a message (on a machine of more than two CPUs only), learnt from its
 * recent waits ({@link AdaptiveSpin}), gives way to direct readers, and otherwise sleeps on the channel without the
 * read role, the driver host's wake held back while a direct reader reads.
 *
 * <p>Thread-safe: {@link #run} is called by one thread; {@link #awaitDirect} and {@link #answered} by any.
 */
public final class ChannelReader {

    /** What the reader thread's look answers when there was nothing for it (never sent). */
    private static final Message NOTHING = new Message.Exit();

    private final Channel channel;
    /** Receives each message, on the thread that received it; its exceptions are its own to handle. */
    private final Consumer<Message> handler;
    /** Told when a direct reader found the channel broken (part of a message may have been read): end the process. */
    private final Consumer<IOException> broken;
    /** How long each side spins for a message before it sleeps; 0 on the pipes (no direct reads). Immutable. */
    private final long spinNanos;
    /**
     * Held by the thread that reads the channel: the reader thread, or a thread in {@link #awaitDirect} (which the
     * reader thread gives way to). Held only while a message is awaited and received, never while it is handled, so
     * messages are received in order by one thread at a time and handled in that order by their receivers.
     */
    private final ReentrantLock readRole = new ReentrantLock();
    /**
     * How long the reader thread spins for a message before it sleeps: long while messages come to it within the spin,
     * none while direct readers take them (its spin would only keep them from a CPU), and never on a machine of two
     * CPUs or fewer. The reader thread's own.
     */
    private final AdaptiveSpin readerSpin;
    /** Threads in {@link #awaitDirect}: while there are any, the reader thread gives way. */
    private final AtomicInteger directReaders = new AtomicInteger();
    /**
     * How long {@link #awaitDirect} waits: learnt from how long recent requests took to be answered, whoever read the
     * answer ({@link #answered}), so that a driver that answers slowly, or an overloaded machine, is not met with
     * spinning. Used racily by the threads that handle answers (a heuristic: a lost update changes one wait).
     */
    private final AdaptiveSpin directSpin;
    /**
     * Set while the reader thread sleeps on the channel without the read role: a direct reader then keeps the driver
     * host from waking it while it reads, and lets it be woken again when it leaves.
     */
    private volatile boolean readerAsleep;

    /**
     * @param spinNanos the longest spin of either side; ignored (0) on the pipes
     * @param handler receives each message
     * @param broken told when a direct reader finds the channel broken
     */
    public ChannelReader(Channel channel, long spinNanos, Consumer<Message> handler, Consumer<IOException> broken) {
        this.channel = channel;
        this.handler = handler;
        this.broken = broken;
        this.spinNanos = channel.isShared() ? spinNanos : 0;
        // The reader thread spins only with a CPU to spare for it: on two, while direct readers take the answers,
        // its spin kept the device-file readers and the program from a CPU (a 4 KiB read through an isolated
        // driver's device file took 41-63 µs with it and 24-36 µs without, BENCHMARKS.md section 8.6).
        this.readerSpin = new AdaptiveSpin(Runtime.getRuntime().availableProcessors() > 2 ? this.spinNanos : 0);
        this.directSpin = new AdaptiveSpin(this.spinNanos);
    }

    /**
     * The reader thread's loop, on the calling thread: receives and handles messages until the channel ends.
     *
     * @throws IOException when the channel broke
     */
    public void run() throws IOException {
        while (true) {
            Message m = channel.isShared() ? look() : channel.receive(); // the pipes: no direct readers, receive waits
            if (m == NOTHING) {
                waitForMessages();
            } else if (m == null) {
                return;
            } else {
                handler.accept(m);
            }
        }
    }

    /** Spins for a message with the read role, giving way to a thread waiting for its own answer; or NOTHING. */
    private Message look() throws IOException {
        if (!readRole.tryLock()) {
            return NOTHING;
        }
        try {
            long start = System.nanoTime();
            if (channel.spinForMessage(() -> directReaders.get() > 0, readerSpin.next())) {
                readerSpin.ended(System.nanoTime() - start);
                return channel.receive();
            }
            return NOTHING;
        } finally {
            readRole.unlock();
        }
    }

    /**
     * Nothing came to the reader thread's look: it sleeps on the channel, without the read role, until a message
     * comes that no direct reader reads. While direct readers read, it sleeps without asking the driver host for a
     * wake (they hold the wakes back), and the last of them to leave lets the driver host wake it again (waking it at
     * once if messages wait): so the reader thread takes no CPU while direct readers take the answers.
     */
    private void waitForMessages() {
        long start = System.nanoTime();
        readerAsleep = true;
        boolean held;
        try {
            // After readerAsleep is set: a direct reader that leaves after this look sees it and lets wakes be again;
            // one that left before it is seen gone here (both are volatile), and then this thread asks for wakes.
            held = directReaders.get() > 0;
            if (held) {
                channel.sleepHeld();
            } else {
                channel.sleep(() -> directReaders.get() > 0);
            }
        } finally {
            readerAsleep = false;
        }
        if (held) {
            readerSpin.ended(Long.MAX_VALUE); // the direct readers read: this thread's spin is wasted
        } else if (directReaders.get() == 0) { // woken by a message, or a second passed: would a spin have done?
            readerSpin.ended(System.nanoTime() - start);
        }
    }

    /**
     * Waits on the calling thread, at most the channel's spin, for {@code future} to complete: it reads and handles the
     * driver host's messages itself while the reader thread gives way, so that an answer that comes within the spin
     * wakes nobody. Never waits longer than the spin, nor for a driver: a caller that must have the result waits on the
     * future afterwards, and the reader thread completes it.
     *
     * @return whether {@code future} is complete
     */
    public boolean awaitDirect(Future<?> future) {
        if (spinNanos == 0 || future.isDone()) {
            return future.isDone();
        }
        long spin = directSpin.next();
        if (spin == 0) { // recent answers came later than the longest spin: waiting here would only burn a CPU
            return false;
        }
        long deadline = System.nanoTime() + spin;
        BooleanSupplier stop = () -> future.isDone() || System.nanoTime() - deadline > 0;
        directReaders.incrementAndGet();
        try {
            while (!stop.getAsBoolean()) {
                if (!readRole.tryLock()) {
                    Thread.onSpinWait(); // the reader thread gives way at its next look
                    continue;
                }
                Message m;
                try {
                    channel.holdWakes(); // the answer is read here: the driver host need not wake the reader thread
                    if (!channel.spinForMessage(stop, spinNanos)) {
                        break;
                    }
                    m = channel.receive();
                } finally {
                    readRole.unlock();
                }
                if (m == null) {
                    break; // the end: the reader thread sees it too, and fails what was in flight
                }
                handler.accept(m);
            }
        } catch (IOException e) {
            broken.accept(e);
        } finally {
            // The last one out lets the driver host wake the sleeping reader thread again (waking it now if messages
            // wait). A reader thread not asleep looks again by itself: it sees no direct reader when it decides.
            if (directReaders.decrementAndGet() == 0 && readerAsleep) {
                channel.allowWakes();
            }
        }
        return future.isDone();
    }

    /** An answer came {@code delayNanos} after its request was sent: how long direct reads wait learns from it. */
    public void answered(long delayNanos) {
        directSpin.ended(delayNanos);
    }
}
