package org.wdf4j.host.fuse;

import static org.wdf4j.host.fuse.FuseProtocol.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of a program on a file of a {@link FuseSession}, to be answered exactly once. The answer goes back on the
 * {@code /dev/fuse} channel the request came from (the kernel looks it up there). Every method may be called from any
 * thread; only the first answer counts, later ones are ignored (so a late completion after the session answered
 * {@code EINTR} is harmless).
 */
public final class FuseRequest {

    private static final Logger LOG = LoggerFactory.getLogger(FuseRequest.class);

    /** The reply of each thread is built in its own native buffer, grown as needed. */
    private static final ThreadLocal<MemorySegment[]> REPLY_BUFFER =
            ThreadLocal.withInitial(() -> new MemorySegment[] {Arena.ofAuto().allocate(64 * 1024, 8)});

    private final FuseSession session;
    private final int fd;
    private final long unique;
    /** An empty array, for an empty read. */
    static final byte[] NO_BYTES = new byte[0];
    /** The flags {@link #replyOpen} answers with; written by the reader thread before the handler sees it. */
    private int openFlags = FuseSession.DEVICE_OPEN_FLAGS;
    private final int uid;
    private final int gid;
    private final int pid;
    private final AtomicBoolean answered = new AtomicBoolean();
    /** Taken (set to null) by whoever runs it, so it runs at most once. */
    private final AtomicReference<Runnable> interruptAction = new AtomicReference<>();
    private volatile boolean interrupted;
    /**
     * Who gives back the message buffer a write's data lies in, when the handler keeps it past its call
     * ({@link #keepMessage}): {@link #MESSAGE_NOT_KEPT}, {@link #MESSAGE_KEPT} (the reader has not looked yet),
     * {@link #MESSAGE_RELEASED} (released before the reader looked: the reader reuses it) or {@link #MESSAGE_GIVEN_UP}
     * (the reader took another: the release gives it back to the pool).
     */
    private final AtomicInteger messageState = new AtomicInteger(MESSAGE_NOT_KEPT);
    private static final int MESSAGE_NOT_KEPT = 0;
    private static final int MESSAGE_KEPT = 1;
    private static final int MESSAGE_RELEASED = 2;
    private static final int MESSAGE_GIVEN_UP = 3;
    /** The message buffer the request came in; set by the reader before the handler sees the request. */
    private MemorySegment message;

    FuseRequest(FuseSession session, int fd, long unique, int uid, int gid, int pid) {
        this.session = session;
        this.fd = fd;
        this.unique = unique;
        this.uid = uid;
        this.gid = gid;
        this.pid = pid;
    }

    /** The calling process's effective user id. */
    public int uid() {
        return uid;
    }

    /** Its effective group id. */
    public int gid() {
        return gid;
    }

    /** Its process id (thread group id). */
    public int pid() {
        return pid;
    }

    /**
     * The {@code FOPEN_*} flags an open is answered with; set by the session's reader before the handler sees the
     * request (so every later reply, on any thread, sees it).
     */
    void openFlags(int flags) {
        this.openFlags = flags;
    }

    long unique() {
        return unique;
    }

    /** The reader's buffer this request's message lies in; before the handler sees the request. */
    void message(MemorySegment buffer) {
        this.message = buffer;
    }

    /**
     * The handler keeps the data of this write (a view of the message the reader read) past its call, without a copy:
     * the reader reads its next message into another buffer. The handler must call {@link #releaseMessage} once it no
     * longer needs the data (the device request completed), whoever answered the request.
     */
    public void keepMessage() {
        messageState.compareAndSet(MESSAGE_NOT_KEPT, MESSAGE_KEPT);
    }

    /** The data kept with {@link #keepMessage} is no longer needed: its buffer goes back to the reader or the pool. */
    public void releaseMessage() {
        if (!messageState.compareAndSet(MESSAGE_KEPT, MESSAGE_RELEASED)
                && messageState.get() == MESSAGE_GIVEN_UP && message != null) {
            session.buffers().give(message);
            message = null;
        }
    }

    /**
     * {@code data} (a view of this request's message) for a device request that keeps it until {@code release} runs:
     * the message itself ({@link #keepMessage}) while the session lends fewer than {@link FuseSession#LENT_MESSAGES}
     * messages, else a copy in a pooled buffer of the data's size. A message buffer holds a whole FUSE message (over
     * 1 MiB), so a driver holding thousands of small writes would otherwise hold gigabytes of the host's memory; with
     * the bound, pending writes beyond it hold memory in proportion to their data.
     *
     * @return the data to lend, and what to run once the device request no longer needs it
     */
    public Lent lendData(java.nio.ByteBuffer data) {
        if (session.lendMessage()) {
            keepMessage();
            return new Lent(data, () -> {
                releaseMessage();
                session.messageReturned();
            });
        }
        MemorySegment copy = session.buffers().take(data.remaining());
        java.nio.ByteBuffer bytes = copy.asSlice(0, data.remaining()).asByteBuffer().put(data.duplicate()).flip();
        return new Lent(bytes, () -> session.buffers().give(copy));
    }

    /** Data lent to a device request ({@link #lendData}) and what gives it back. */
    public record Lent(java.nio.ByteBuffer data, Runnable release) {
    }

    /**
     * The reader's turn, after the handler returned: whether the handler still keeps the message buffer (then the
     * reader takes another; the release gives this one back).
     */
    boolean messageKept() {
        return messageState.compareAndSet(MESSAGE_KEPT, MESSAGE_GIVEN_UP);
    }

    /** Whether the request was answered already. */
    public boolean isAnswered() {
        return answered.get();
    }

    /** Whether the program was signalled while it waited (FUSE_INTERRUPT). */
    public boolean isInterrupted() {
        return interrupted;
    }

    /**
     * What to do when the program is signalled while it waits (for example, cancel the device request). Runs at once
     * if the interrupt already came. The action runs on a reader thread and must not block.
     */
    public void onInterrupt(Runnable action) {
        interruptAction.set(action);
        if (interrupted) {
            runInterruptAction();
        }
    }

    /** The kernel sent FUSE_INTERRUPT for this request. */
    void interrupt() {
        interrupted = true;
        runInterruptAction();
    }

    private void runInterruptAction() {
        Runnable action = interruptAction.getAndSet(null);
        if (action != null && !answered.get()) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("interrupt action failed", e);
            }
        }
    }

    /**
     * Fails the call: the program sees {@code errno} (a positive number, for example {@code LibC.ENODEV}). Like every
     * reply method, answers whether this was the request's answer (false when it was answered before).
     */
    public boolean replyError(int errno) {
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive: " + errno);
        }
        if (!claim()) {
            return false;
        }
        send(buffer(0), -errno, 0);
        return true;
    }

    /**
     * Answers an open with the handle later calls receive: direct I/O always; no seeking and no file position for a
     * stream device, a file position for a disk (the session chose the flags from the file's handler).
     */
    public boolean replyOpen(long fh) {
        if (!claim()) {
            return false;
        }
        MemorySegment out = buffer(OPEN_OUT_SIZE);
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, OPEN_OUT_SIZE).fill((byte) 0);
        body.set(ValueLayout.JAVA_LONG_UNALIGNED, OPEN_OUT_FH, fh);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, OPEN_OUT_FLAGS, openFlags);
        send(out, 0, OPEN_OUT_SIZE);
        return true;
    }

    /** Answers a read with {@code length} bytes of {@code data} from {@code offset} (0 bytes is end of file). */
    public boolean replyRead(byte[] data, int offset, int length) {
        if (!claim()) {
            return false;
        }
        MemorySegment out = buffer(length);
        MemorySegment.copy(data, offset, out, ValueLayout.JAVA_BYTE, OUT_HEADER_SIZE, length);
        send(out, 0, length);
        return true;
    }

    /**
     * A buffer a read's data can be written into before {@link #replyRead(MemorySegment, int)} sends it: room for the
     * reply's header and {@code size} bytes, from the session's pool (the driver writes straight into it).
     */
    public MemorySegment replyBuffer(int size) {
        return session.buffers().take(OUT_HEADER_SIZE + (long) size);
    }

    /** Where the data goes in a buffer from {@link #replyBuffer}: {@code size} bytes after the header. */
    public static MemorySegment replyData(MemorySegment reply, int size) {
        return reply.asSlice(OUT_HEADER_SIZE, size);
    }

    /**
     * Answers a read with the first {@code length} bytes of the data in {@code reply} (from {@link #replyBuffer}),
     * without a copy; the buffer is the caller's to give back ({@link #giveReplyBuffer}) after.
     */
    public boolean replyRead(MemorySegment reply, int length) {
        if (!claim()) {
            return false;
        }
        send(reply, 0, length);
        return true;
    }

    /** Gives a buffer from {@link #replyBuffer} back to the pool; nobody may use it after. */
    public void giveReplyBuffer(MemorySegment reply) {
        session.buffers().give(reply);
    }

    /** Answers a read with {@code length} zero bytes (what a device with nothing but zeros answers). */
    public boolean replyZeros(int length) {
        if (!claim()) {
            return false;
        }
        MemorySegment out = buffer(length);
        out.asSlice(OUT_HEADER_SIZE, length).fill((byte) 0);
        send(out, 0, length);
        return true;
    }

    /** Answers a call that returns nothing (an {@code fsync}) with success. */
    public boolean replyOk() {
        if (!claim()) {
            return false;
        }
        send(buffer(0), 0, 0);
        return true;
    }

    /** Answers a write: {@code count} bytes were accepted. */
    public boolean replyWrite(int count) {
        if (!claim()) {
            return false;
        }
        MemorySegment out = buffer(WRITE_OUT_SIZE);
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, WRITE_OUT_SIZE).fill((byte) 0);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, 0, count);
        send(out, 0, WRITE_OUT_SIZE);
        return true;
    }

    /**
     * Answers an ioctl: {@code result} is what {@code ioctl(2)} returns to the program (usually 0), and the
     * {@code length} bytes of {@code data} from {@code offset} are copied to the program's argument.
     */
    public boolean replyIoctl(int result, byte[] data, int offset, int length) {
        if (!claim()) {
            return false;
        }
        MemorySegment out = buffer(IOCTL_OUT_SIZE + length);
        MemorySegment body = out.asSlice(OUT_HEADER_SIZE, IOCTL_OUT_SIZE).fill((byte) 0);
        body.set(ValueLayout.JAVA_INT_UNALIGNED, 0, result);
        if (length > 0) {
            MemorySegment.copy(data, offset, out, ValueLayout.JAVA_BYTE, OUT_HEADER_SIZE + IOCTL_OUT_SIZE,
                    length);
        }
        send(out, 0, IOCTL_OUT_SIZE + length);
        return true;
    }

    /** Answers with a body the caller wrote into {@link #buffer} after the header; for the session's own replies. */
    void replyBody(MemorySegment out, int bodyLength) {
        if (claim()) {
            send(out, 0, bodyLength);
        }
    }

    private boolean claim() {
        if (!answered.compareAndSet(false, true)) {
            return false;
        }
        interruptAction.set(null);
        session.answered(this);
        return true;
    }

    /** This thread's reply buffer, with room for the header and {@code bodyLength} bytes. */
    static MemorySegment buffer(int bodyLength) {
        MemorySegment[] holder = REPLY_BUFFER.get();
        long needed = OUT_HEADER_SIZE + (long) bodyLength;
        if (holder[0].byteSize() < needed) {
            holder[0] = Arena.ofAuto().allocate(Math.max(needed, holder[0].byteSize() * 2), 8);
        }
        return holder[0];
    }

    private void send(MemorySegment out, int error, int bodyLength) {
        session.send(fd, out, unique, error, error == 0 ? bodyLength : 0);
    }

    @Override
    public String toString() {
        return "FUSE request " + unique + " of pid " + pid;
    }
}
