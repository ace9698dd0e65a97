package org.wdf4j.host.fuse;

import java.io.IOException;
import java.util.ArrayList;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FuseSession} with handlers written in the test, and real programs ({@code ls}, {@code stat}, {@code sh},
 * {@code cat}, {@code dd}, the Python client) on the mount: the directory, permissions checked by the kernel, several
 * reader threads, interrupts, poll wake-ups and ioctls. Skipped, saying why, where {@code /dev/fuse} is missing or the
 * process may not mount.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FuseSessionTest {

    @TempDir
    Path dir;

    private FuseSession session;

    @AfterEach
    void unmount() {
        if (session != null) {
            session.close();
        }
    }

    /** Answers each open's first read with a greeting and then end of file; keeps what is written. */
    static class GreetingHandler implements FuseFileHandler {
        final Queue<String> written = new ConcurrentLinkedQueue<>();
        final Queue<Long> released = new ConcurrentLinkedQueue<>();
        final AtomicInteger opens = new AtomicInteger();
        final Queue<Long> greeted = new ConcurrentLinkedQueue<>();

        @Override
        public void open(FuseRequest request, int flags) {
            request.replyOpen(opens.incrementAndGet());
        }

        @Override
        public void read(FuseRequest request, long fh, int size) {
            byte[] hello = "hello\n".getBytes(StandardCharsets.UTF_8);
            if (greeted.contains(fh)) {
                request.replyRead(hello, 0, 0);
            } else {
                greeted.add(fh);
                request.replyRead(hello, 0, Math.min(size, hello.length));
            }
        }

        @Override
        public void write(FuseRequest request, long fh, ByteBuffer data) {
            written.add(StandardCharsets.UTF_8.decode(data).toString());
            request.replyWrite(data.limit());
        }

        @Override
        public void release(long fh) {
            released.add(fh);
        }
    }

    private FuseSession mount(int readers) throws Exception {
        session = FuseTests.mountOrSkip(dir.resolve("dev"), new FuseSession.Options(readers, Duration.ofMillis(100)));
        return session;
    }

    @Test
    void programsListStatWriteAndReadTheFilesAndRemovedFilesAreGone() throws Exception {
        mount(2);
        GreetingHandler handler = new GreetingHandler();
        session.addFile("greeter0", handler, 0, 0, 0644);
        session.addFile("other", new GreetingHandler(), 0, 0, 0600);
        Path file = session.path().resolve("greeter0");

        assertThat(FuseTests.ok("ls", session.path().toString()).lines().toList()).containsExactly("greeter0", "other");
        assertThat(FuseTests.ok("stat", "-c", "%F %a %u %g", file.toString()).trim())
                .isEqualTo("regular empty file 644 0 0");
        assertThat(FuseTests.ok("sh", "-c", "printf abc > \"$1\"", "sh", file.toString())).isEmpty();
        assertThat(handler.written).containsExactly("abc");
        assertThat(FuseTests.ok("cat", file.toString())).isEqualTo("hello\n");
        // The kernel sends RELEASE after close(2) has returned to the program: wait for it.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> handler.released.size() == 2);

        // Owner and mode are the driver's: chmod and creating files are refused.
        assertThat(FuseTests.run("chmod", "0666", file.toString()).output()).contains("Operation not permitted");
        assertThat(FuseTests.run("touch", session.path().resolve("new").toString()).exit()).isNotZero();

        assertThat(session.removeFile("greeter0")).isTrue();
        assertThat(FuseTests.ok("ls", session.path().toString()).lines().toList()).containsExactly("other");
        assertThat(FuseTests.run("cat", file.toString()).output()).contains("No such file or directory");
        assertThat(session.removeFile("greeter0")).isFalse();
    }

    @Test
    void theKernelChecksEachFilesOwnerAndMode() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        mount(1);
        session.addFile("private", new GreetingHandler(), 0, 0, 0600);
        session.addFile("public", new GreetingHandler(), 0, 0, 0666);
        String nobody = "--reuid=65534";
        FuseTests.Ran denied = FuseTests.run("setpriv", nobody, "--regid=65534", "--clear-groups", "cat",
                session.path().resolve("private").toString());
        assertThat(denied.exit()).isNotZero();
        assertThat(denied.output()).contains("Permission denied");
        assertThat(FuseTests.ok("setpriv", nobody, "--regid=65534", "--clear-groups", "cat",
                session.path().resolve("public").toString())).isEqualTo("hello\n");
    }

    @Test
    void severalReaderThreadsLetParallelProgramsReachTheHandlerAtOnce() throws Exception {
        mount(2);
        assertThat(session.readerThreads()).hasSize(2).allMatch(Thread::isAlive);
        CountDownLatch bothInside = new CountDownLatch(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        session.addFile("slow", new GreetingHandler() {
            @Override
            public void read(FuseRequest request, long fh, int size) {
                // Answers on the reader thread, and only once two reads are in here at the same time: with one
                // reader thread the second read could never arrive, and both programs would time out.
                most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                bothInside.countDown();
                try {
                    bothInside.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inside.decrementAndGet();
                request.replyRead(new byte[] {'x'}, 0, 1);
            }
        }, 0, 0, 0666);
        String file = session.path().resolve("slow").toString();
        try (FuseTests.Program first = FuseTests.Program.start("dd", "if=" + file, "bs=1", "count=1", "status=none");
                FuseTests.Program second = FuseTests.Program.start("dd", "if=" + file, "bs=1", "count=1",
                        "status=none")) {
            assertThat(first.awaitExit()).isZero();
            assertThat(second.awaitExit()).isZero();
        }
        assertThat(most.get()).isEqualTo(2);
    }

    /** Never answers a read on its own; what an interrupt does is up to the test. */
    static class HoldingHandler extends GreetingHandler {
        final CountDownLatch interrupted = new CountDownLatch(1);
        final CountDownLatch reading = new CountDownLatch(1);
        final boolean honourInterrupts;

        HoldingHandler(boolean honourInterrupts) {
            this.honourInterrupts = honourInterrupts;
        }

        @Override
        public void read(FuseRequest request, long fh, int size) {
            request.onInterrupt(() -> {
                interrupted.countDown();
                if (honourInterrupts) {
                    request.replyError(LibC.EINTR);
                }
            });
            reading.countDown();
        }
    }

    @Test
    void aSignalledProgramGetsEintrAndTheHandlerSeesTheInterrupt() throws Exception {
        mount(2);
        HoldingHandler handler = new HoldingHandler(true);
        session.addFile("held", handler, 0, 0, 0666);
        String result = FuseTests.client("read-interrupted", session.path().resolve("held").toString(), "300");
        assertThat(result.lines().toList()).containsExactly("reading", "errno EINTR");
        assertThat(handler.interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theSessionAnswersEintrItselfWhenTheHandlerDoesNotWithinTheGrace() throws Exception {
        mount(2);
        HoldingHandler handler = new HoldingHandler(false);
        session.addFile("stubborn", handler, 0, 0, 0666);
        String result = FuseTests.client("read-interrupted", session.path().resolve("stubborn").toString(), "300");
        assertThat(result.lines().toList().getLast()).isEqualTo("errno EINTR");
        assertThat(handler.interrupted.getCount()).isZero();
    }

    @Test
    void aProgramKilledInAReadEndsAndItsFileIsReleased() throws Exception {
        mount(2);
        HoldingHandler handler = new HoldingHandler(false);
        session.addFile("held", handler, 0, 0, 0666);
        try (FuseTests.Program reader = FuseTests.Program.client("read-block",
                session.path().resolve("held").toString())) {
            assertThat(reader.nextLine()).isEqualTo("reading");
            assertThat(handler.reading.await(10, TimeUnit.SECONDS)).isTrue();
            reader.kill();
            reader.awaitExit();
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> handler.released.size() == 1);
    }

    @Test
    void pollWaitsUntilTheHandlerWakesIt() throws Exception {
        mount(2);
        AtomicReference<Runnable> wakeup = new AtomicReference<>();
        AtomicInteger readiness = new AtomicInteger(FuseProtocol.POLLOUT);
        CountDownLatch polled = new CountDownLatch(1);
        session.addFile("pollable", new GreetingHandler() {
            @Override
            public int poll(long fh, Runnable wake) {
                if (wake != null) {
                    wakeup.set(wake);
                }
                polled.countDown();
                return readiness.get();
            }
        }, 0, 0, 0666);
        try (FuseTests.Program poller = FuseTests.Program.client("poll", session.path().resolve("pollable").toString(),
                "10000")) {
            assertThat(poller.nextLine()).isEqualTo("polling");
            assertThat(polled.await(10, TimeUnit.SECONDS)).isTrue();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> wakeup.get() != null);
            readiness.set(FuseProtocol.POLLIN | FuseProtocol.POLLOUT);
            wakeup.get().run();
            assertThat(poller.nextLine()).isEqualTo("events " + FuseProtocol.POLLIN);
            assertThat(poller.awaitExit()).isZero();
        }
    }

    @Test
    void ioctlsCarryTheBuffersTheirNumbersEncode() throws Exception {
        mount(1);
        AtomicReference<String> seen = new AtomicReference<>();
        int reverse = org.wdf4j.io.CtlCode.ioctlIowr('T', 1, 4);
        session.addFile("ctl", new GreetingHandler() {
            @Override
            public void ioctl(FuseRequest request, long fh, int command, ByteBuffer input, int outputSize) {
                byte[] in = new byte[input.remaining()];
                input.get(in);
                seen.set(Integer.toHexString(command) + " in " + HexFormat.of().formatHex(in) + " out " + outputSize);
                if (command != reverse) {
                    request.replyError(LibC.ENOTTY);
                    return;
                }
                byte[] out = new byte[in.length];
                for (int i = 0; i < in.length; i++) {
                    out[i] = in[in.length - 1 - i];
                }
                request.replyIoctl(0, out, 0, out.length);
            }
        }, 0, 0, 0666);
        String file = session.path().resolve("ctl").toString();
        assertThat(FuseTests.client("ioctl", file, Integer.toUnsignedString(reverse), "01020304", "4"))
                .isEqualTo("ok 0 04030201");
        assertThat(seen.get()).isEqualTo(Integer.toHexString(reverse) + " in 01020304 out 4");
        int unknown = org.wdf4j.io.CtlCode.ioctlIor('T', 9, 8);
        assertThat(FuseTests.client("ioctl", file, Integer.toUnsignedString(unknown), "-", "8")).isEqualTo("errno ENOTTY");
    }

    @Test
    void badNamesAndModesAreRefusedWithTheReason() throws Exception {
        mount(1);
        GreetingHandler h = new GreetingHandler();
        for (String bad : List.of("", ".", "..", "a/b", "x".repeat(256))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.addFile(bad, h, 0, 0, 0600))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid file name");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.addFile("f", h, 0, 0, 0100644))
                .hasMessageContaining("permission bits only");
        session.addFile("f", h, 0, 0, 0600);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.addFile("f", h, 0, 0, 0600))
                .hasMessageContaining("already");
    }

    // Issue #14: a write's data is lent to the device request as a view of the FUSE message, but a message buffer is
    // over 1 MiB: a handler that holds many small writes would hold gigabytes. Past FuseSession.LENT_MESSAGES the data
    // is copied into a buffer of its size, and every held write's data stays intact while the readers go on.
    @Test
    void pastTheLentMessagesBoundHeldWritesAreCopiesAndAllStayIntact() throws Exception {
        mount(2);
        int writes = FuseSession.LENT_MESSAGES + 8;
        Queue<FuseRequest> held = new ConcurrentLinkedQueue<>();
        Queue<FuseRequest.Lent> lent = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < writes; i++) {
            session.addFile("w" + i, new GreetingHandler() {
                @Override
                public void write(FuseRequest request, long fh, ByteBuffer data) {
                    lent.add(request.lendData(data)); // held: answered at the end
                    held.add(request);
                }
            }, 0, 0, 0600);
        }
        List<Thread> programs = new ArrayList<>();
        for (int i = 0; i < writes; i++) {
            Path file = session.path().resolve("w" + i);
            byte[] bytes = ("data of write " + i).getBytes(StandardCharsets.UTF_8);
            programs.add(Thread.ofPlatform().start(() -> {
                try {
                    Files.write(file, bytes);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> held.size() == writes);
            assertThat(session.lentMessages()).isEqualTo(FuseSession.LENT_MESSAGES);
            assertThat(lent).extracting(l -> StandardCharsets.UTF_8.decode(l.data().duplicate()).toString())
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.IntStream.range(0, writes)
                            .mapToObj(i -> "data of write " + i).toList());
        } finally { // answered whatever happened: a program blocked in write(2) would keep the mount busy
            for (FuseRequest request : held) {
                request.replyWrite(0);
            }
            lent.forEach(l -> l.release().run());
            for (Thread program : programs) {
                program.join(Duration.ofSeconds(10));
            }
        }
        assertThat(session.lentMessages()).isZero();
    }

    @Test
    void closingUnmountsAndEndsTheReaderThreads() throws Exception {
        mount(3);
        session.addFile("f", new GreetingHandler(), 0, 0, 0666);
        List<Thread> readers = session.readerThreads();
        Path mountPoint = session.path();
        session.close();
        session = null;
        for (Thread reader : readers) {
            assertThat(reader.join(Duration.ofSeconds(5))).as(reader.getName() + " ended").isTrue();
        }
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).noneMatch(l -> l.contains(mountPoint.toString()));
        assertThat(Files.exists(mountPoint.resolve("f"))).isFalse();
    }
}
