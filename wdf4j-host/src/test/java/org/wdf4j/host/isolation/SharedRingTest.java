package org.wdf4j.host.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The shared-memory ring under a driver host's channel: bytes arrive whole and in order whatever the sizes (across the
 * ring's end, in writes larger than the ring), with and without spinning (so both the spin and the futex sleep are
 * taken); a closed ring ends the reader after what was written and fails the writer; a peer that dies without closing
 * is noticed.
 */
class SharedRingTest {

    private static final int CAPACITY = 4096;
    private static final long SEED = Long.getLong("wdf4j.test.seed", System.nanoTime());

    private static SharedRing ring(Arena arena, long spinNanos, java.util.function.BooleanSupplier peerAlive) {
        MemorySegment region = arena.allocate(SharedRing.size(CAPACITY), 64);
        return new SharedRing(region, CAPACITY, spinNanos, peerAlive);
    }

    /** Byte {@code n} of the test stream. */
    private static byte at(long n) {
        return (byte) (n * 31 + (n >>> 8));
    }

    @ParameterizedTest(name = "spin {0} ns")
    @ValueSource(longs = {0, 50_000})
    void bytesArriveWholeAndInOrderAcrossTheEndAndInWritesLargerThanTheRing(long spinNanos) throws Exception {
        System.out.println("SharedRingTest seed " + SEED + " (-Dwdf4j.test.seed=" + SEED + " repeats it)");
        long total = 3L * 1024 * 1024;
        try (Arena arena = Arena.ofShared()) {
            SharedRing ring = ring(arena, spinNanos, () -> true);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                SplittableRandom random = new SplittableRandom(SEED);
                try (OutputStream out = ring.writer()) {
                    long n = 0;
                    while (n < total) {
                        int size = (int) Math.min(total - n, random.nextInt(1, 3 * CAPACITY));
                        byte[] chunk = new byte[size];
                        for (int i = 0; i < size; i++) {
                            chunk[i] = at(n + i);
                        }
                        out.write(chunk);
                        n += size;
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            SplittableRandom random = new SplittableRandom(SEED ^ 0x5DEECE66DL);
            InputStream in = ring.reader();
            long n = 0;
            while (true) {
                byte[] buffer = new byte[random.nextInt(1, 2 * CAPACITY)];
                int got = in.read(buffer, 0, buffer.length);
                if (got < 0) {
                    break;
                }
                for (int i = 0; i < got; i++) {
                    if (buffer[i] != at(n + i)) {
                        throw new AssertionError("byte " + (n + i) + " differs (seed " + SEED + ")");
                    }
                }
                n += got;
            }
            writer.get(30, TimeUnit.SECONDS);
            assertThat(n).as("seed %d", SEED).isEqualTo(total);
        }
    }

    @Test
    void aClosedRingGivesItsReaderWhatWasWrittenThenTheEnd() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            SharedRing ring = ring(arena, 0, () -> true);
            ring.writer().write(new byte[] {1, 2, 3});
            ring.close();
            InputStream in = ring.reader();
            byte[] buffer = new byte[8];
            assertThat(in.read(buffer, 0, 8)).isEqualTo(3);
            assertThat(buffer).startsWith(1, 2, 3);
            assertThat(in.read(buffer, 0, 8)).isEqualTo(-1);
        }
    }

    @Test
    void aWriterWaitingForSpaceFailsWhenTheRingCloses() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            SharedRing ring = ring(arena, 0, () -> true);
            CountDownLatch full = new CountDownLatch(1);
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = ring.writer();
                    out.write(new byte[CAPACITY]);
                    full.countDown();
                    out.write(new byte[1]); // no space: waits
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(full.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(writer).isNotDone();
            ring.close();
            assertThatThrownBy(() -> writer.get(30, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IOException.class)
                    .rootCause().hasMessageContaining("closed");
        }
    }

    @Test
    void aReaderNoticesAPeerThatDiedWithoutClosing() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            SharedRing ring = ring(arena, 0, () -> false);
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> ring.reader().read(new byte[4], 0, 4));
            // It sleeps at most SLEEP_NANOS before it asks whether the peer lives.
            assertThat(read.get(SharedRing.SLEEP_NANOS / 1_000_000 + 30_000, TimeUnit.MILLISECONDS)).isEqualTo(-1);
            assertThat(ring.isClosed()).isTrue();
        }
    }

    @Test
    void spinGivesUpWhenAskedOrAtItsEndAndAnswersAtOnceWhenThereIsSomethingToRead() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            SharedRing ring = ring(arena, 20_000, () -> true);
            SharedRing.Reader in = ring.reader();
            assertThat(in.spin(() -> true, 1_000_000_000L)).as("stop holds").isFalse();
            assertThat(in.spin(() -> false, 20_000)).as("the spin ends").isFalse();
            ring.writer().write(7);
            assertThat(in.spin(() -> true, 0)).isTrue();
            assertThat(in.read()).isEqualTo(7);
        }
    }

    @Test
    void aSleeperIsWokenByAWriteUnlessWakesAreHeldAndThenWhenTheyAreAllowedAgain() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            SharedRing ring = ring(arena, 0, () -> true);
            SharedRing.Reader in = ring.reader();
            CountDownLatch woke = new CountDownLatch(1);
            Thread sleeper = Thread.ofPlatform().start(() -> {
                in.sleep(() -> false);
                woke.countDown();
            });
            org.awaitility.Awaitility.await().until(() -> sleeper.getState() == Thread.State.RUNNABLE
                    || sleeper.getState() == Thread.State.TERMINATED);
            in.holdWakes();
            ring.writer().write(1); // held: the writer does not wake it (it would sleep up to SLEEP_NANOS)
            in.allowWakes(); // something is there: woken now
            assertThat(woke.await(SharedRing.SLEEP_NANOS / 2, TimeUnit.NANOSECONDS)).isTrue();
            assertThat(in.read()).isEqualTo(1);
        }
    }

    // A thread that sleeps while another holds the wakes (ChannelReader's reader thread while a direct reader reads):
    // a write does not wake it, allowWakes does when something is there, and with nothing there allowWakes lets the
    // next write wake it. Its sleep returns at once when the wakes are not held.
    @Test
    void aHeldSleeperIsWokenWhenWakesAreAllowedAgainAndNotByWritesBefore() throws Exception {
        try (Arena arena = Arena.ofShared()) {
            SharedRing ring = ring(arena, 0, () -> true);
            SharedRing.Reader in = ring.reader();
            in.allowWakes(); // not held
            long start = System.nanoTime();
            in.sleepHeld();
            assertThat(System.nanoTime() - start).as("not held: at once").isLessThan(SharedRing.SLEEP_NANOS / 2);

            for (boolean somethingThere : new boolean[] {true, false}) {
                in.holdWakes();
                CountDownLatch woke = new CountDownLatch(1);
                Thread sleeper = Thread.ofPlatform().start(() -> {
                    in.sleepHeld();
                    woke.countDown();
                });
                org.awaitility.Awaitility.await().until(() -> sleeper.getState() == Thread.State.RUNNABLE
                        || sleeper.getState() == Thread.State.TERMINATED);
                if (somethingThere) {
                    ring.writer().write(1); // held: no wake
                    assertThat(woke.await(50, TimeUnit.MILLISECONDS)).as("a held write wakes nobody").isFalse();
                    in.allowWakes(); // something is there: woken now
                } else {
                    in.allowWakes(); // nothing there: still asleep, but the next write wakes it
                    assertThat(woke.await(50, TimeUnit.MILLISECONDS)).as("nothing to read yet").isFalse();
                    ring.writer().write(2);
                }
                assertThat(woke.await(SharedRing.SLEEP_NANOS / 2, TimeUnit.NANOSECONDS)).isTrue();
                assertThat(in.read()).isEqualTo(somethingThere ? 1 : 2);
                sleeper.join();
            }
        }
    }
}
