package org.wdf4j.host.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a door's threads (a serial port's, a network adapter's) are told to stop while they wait in {@code poll(2)}: an
 * eventfd polled beside the descriptor they wait on. Thread-safe; {@link #close} once no thread waits any more.
 */
final class StopEvent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StopEvent.class);

    private final int fd;
    /** Set by {@link #signal}, before the eventfd is written. */
    private volatile boolean signalled;

    StopEvent() throws ErrnoException {
        this.fd = LibC.eventfd();
    }

    /**
     * Wakes every thread waiting in {@link #waitFor}, and every later wait answers at once. Should the eventfd not take
     * the write, a warning names {@code owner} (the door whose threads may then sleep until their descriptor wakes
     * them).
     */
    void signal(Object owner) {
        signalled = true;
        try (Arena arena = Arena.ofConfined()) {
            LibC.write(fd, arena.allocateFrom(ValueLayout.JAVA_LONG, 1L), 8);
        } catch (ErrnoException e) {
            LOG.warn("could not wake the pumps of {}", owner, e);
        }
    }

    /**
     * Waits until {@code target} has {@code events}, or (with {@code target} -1) for {@code timeoutMillis}, or until
     * {@link #signal}. Answers true when {@code target} is ready, false when stopped; with {@code target} -1, true when
     * stopped (the pause was cut short).
     */
    boolean waitFor(int target, short events, int timeoutMillis) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(16);
            fds.set(ValueLayout.JAVA_INT, 0, fd);
            fds.set(ValueLayout.JAVA_SHORT, 4, LibC.POLL_IN);
            fds.set(ValueLayout.JAVA_INT, 8, target);
            fds.set(ValueLayout.JAVA_SHORT, 12, events);
            while (true) {
                int ready = LibC.poll(fds, 2, timeoutMillis);
                boolean stopped = signalled || fds.get(ValueLayout.JAVA_SHORT, 6) != 0;
                if (target < 0) {
                    return stopped;
                }
                if (stopped) {
                    return false;
                }
                if (ready > 0 && fds.get(ValueLayout.JAVA_SHORT, 14) != 0) {
                    return true;
                }
            }
        }
    }

    @Override
    public void close() {
        TunInterface.closeQuietly(fd);
    }
}
