package org.wdf4j.host.leak;

import static org.assertj.core.api.Assertions.assertThat;

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
        assertThat(starts.awaitCatchUp()).isTrue();
        assertThat(starts.recorded(id)).as("pruned on jdk.ThreadEnd").isNull();
        assertThat(starts.size()).isLessThanOrEqualTo(ThreadStarts.MAX_THREADS);
    }
}
