package org.wdf4j.host.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The JFR record of where threads start: text only, caught up on demand, pruned when the thread ends. */
class ThreadStartsTest {

    // The recording lasts as long as the process: its thread must never keep a JVM that embeds a host from exiting.
    @Test
    void theRecordingThreadIsADaemonWithoutADriversLoader() {
        assertThat(ThreadStarts.start()).isNotNull();
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> t.getName().equals(ThreadStarts.THREAD_NAME))
                .singleElement().satisfies(t -> {
                    assertThat(t.isDaemon()).isTrue();
                    assertThat(t.getContextClassLoader()).isSameAs(ThreadStarts.class.getClassLoader());
                });
    }

    @Test
    void recordsWhereAThreadWasStartedAndForgetsItWhenItEnds() throws Exception {
        ThreadStarts starts = ThreadStarts.start();
        assertThat(starts).as("JFR streaming is available on this JDK").isNotNull();
        CountDownLatch release = new CountDownLatch(1);
        Thread probe = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "thread-starts-probe");
        probe.start();
        long id = probe.threadId();
        try {
            assertThat(starts.startedAt(id)).as("waits for the stream to catch up")
                    .startsWith("started by thread \"" + Thread.currentThread().getName() + "\" at:")
                    .contains("at org.wdf4j.host.leak.ThreadStartsTest.recordsWhereAThreadWasStartedAndForgetsItWhenItEnds(line ");
        } finally {
            release.countDown();
            probe.join();
        }
        // Polled, not caught up with a mark: the JVM posts jdk.ThreadEnd after join() has returned (the thread
        // wakes its joiners before it leaves JFR), so a mark committed after join may be delivered before it.
        await().atMost(Duration.ofSeconds(30)).alias("pruned on jdk.ThreadEnd")
                .until(() -> starts.recorded(id) == null);
        assertThat(starts.size()).isLessThanOrEqualTo(ThreadStarts.MAX_THREADS);
    }

    // Issue #11: the stream's parser kept a RecordedThread for every thread it saw. The stream is renewed after
    // RENEW_AFTER thread starts; what the reports need, the starts of the live threads, stays recorded across it, and
    // the new stream records and prunes. (A start is polled for: JFR delivers a blocked thread's events at its next
    // flush, about a second later.)
    @Test
    void theStreamIsRenewedAfterManyThreadStartsAndKeepsTheStartsOfLiveThreads() throws Exception {
        ThreadStarts starts = ThreadStarts.start();
        assertThat(starts).as("JFR streaming is available on this JDK").isNotNull();
        CountDownLatch release = new CountDownLatch(1);
        Thread live = blocked("thread-starts-live", release);
        Thread after = null;
        try {
            awaitRecorded(starts, live);
            int renewalsBefore = starts.renewals();
            for (int i = 0; i < 2 * ThreadStarts.RENEW_AFTER; i++) {
                Thread shortLived = new Thread(() -> { }, "thread-starts-churn");
                shortLived.start();
                shortLived.join();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> starts.renewals() > renewalsBefore);
            assertThat(starts.recorded(live.threadId())).as("kept across the renewal")
                    .contains("theStreamIsRenewedAfterManyThreadStarts");
            after = blocked("thread-starts-after", release);
            awaitRecorded(starts, after);
        } finally {
            release.countDown();
            live.join();
            if (after != null) {
                after.join();
            }
        }
        await().atMost(Duration.ofSeconds(30)).alias("the new stream prunes on jdk.ThreadEnd")
                .until(() -> starts.recorded(live.threadId()) == null);
        assertThat(Thread.getAllStackTraces().keySet()).as("one stream, or two while a renewal runs")
                .filteredOn(t -> t.getName().equals(ThreadStarts.THREAD_NAME)).hasSizeBetween(1, 2);
    }

    private static Thread blocked(String name, CountDownLatch release) {
        Thread thread = new Thread(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        thread.start();
        return thread;
    }

    private static void awaitRecorded(ThreadStarts starts, Thread thread) {
        await().atMost(Duration.ofSeconds(30)).alias("the start of " + thread.getName() + " is recorded")
                .until(() -> starts.recorded(thread.threadId()) != null);
        assertThat(starts.recorded(thread.threadId())).contains("theStreamIsRenewedAfterManyThreadStarts");
    }
}
