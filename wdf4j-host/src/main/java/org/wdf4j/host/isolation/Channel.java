package org.wdf4j.host.isolation;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * One end of the connection between the host and a driver host process: {@link Message}s written whole, one at a
 * time, by any thread, and read in order by one thread at a time. It lies in memory both processes map
 * ({@link SharedChannelFile}), or on the driver host's standard input and output.
 */
public final class Channel implements AutoCloseable {

    private final DataInputStream in;
    /** The ring under {@link #in} when the channel is in shared memory; null on pipes. */
    private final SharedRing.Reader ring;
    /** Guarded by itself: one message is written and flushed at a time. */
    private final DataOutputStream out;
    /**
     * Where a completion's output goes, by request number (null: into a new array); set once before the channel is
     * read.
     */
    private volatile java.util.function.LongFunction<java.nio.ByteBuffer> outputSinks;

    public Channel(InputStream in, OutputStream out) {
        this.ring = in instanceof SharedRing.Reader r ? r : null;
        this.in = new DataInputStream(new BufferedInputStream(in, 64 * 1024));
        this.out = new DataOutputStream(new BufferedOutputStream(out, 64 * 1024));
    }

    /**
     * Writes and flushes one message.
     *
     * @throws IOException when the other end is gone
     */
    public void send(Message message) throws IOException {
        synchronized (out) {
            out.writeByte(message.tag());
            message.write(out);
            out.flush();
        }
    }

    /**
     * Reads the next message; one thread at a time calls this (the callers serialize: see DriverHostProcess).
     *
     * @return the message, or null when the other end closed the connection between messages
     * @throws IOException when the connection broke or the bytes are not a message
     */
    public Message receive() throws IOException {
        int tag = in.read();
        if (tag < 0) {
            return null;
        }
        try {
            return Message.read(tag, in, outputSinks);
        } catch (EOFException e) {
            throw new IOException("driver-host protocol: the connection ended inside a message (tag " + tag + ")", e);
        }
    }

    /**
     * Lets the reader of this end put the output of a request's {@code IoDone} straight into the buffer {@code sinks}
     * answers for its number (null: none; a new array), without an array of its size per request.
     */
    public void outputSinks(java.util.function.LongFunction<java.nio.ByteBuffer> sinks) {
        this.outputSinks = sinks;
    }

    /**
     * Spins, at most {@code nanos}, until {@link #receive()} would find the start of a message, or the end, or until
     * {@code stop} holds (asked every few dozen spins). Only the thread that may receive calls it. On pipes it answers
     * at once whether bytes are buffered.
     *
     * @return whether a message (or the end) can be received
     */
    public boolean spinForMessage(java.util.function.BooleanSupplier stop, long nanos) throws IOException {
        if (in.available() > 0) {
            return true;
        }
        return ring != null && ring.spin(stop, nanos);
    }

    /** Whether the channel lies in shared memory (and so offers the waits below without receiving). */
    public boolean isShared() {
        return ring != null;
    }

    /**
     * Sleeps until something may be received, or {@code stop} holds (asked before sleeping), or a while has passed;
     * any thread may call it, without receiving (shared memory only). See {@link SharedRing.Reader#sleep}.
     */
    public void sleep(java.util.function.BooleanSupplier stop) {
        ring.sleep(stop);
    }

    /**
     * Sleeps while the other side's wakes are held back ({@link #holdWakes}) until they are let be again
     * ({@link #allowWakes}); shared memory only. See {@link SharedRing.Reader#sleepHeld}.
     */
    public void sleepHeld() {
        ring.sleepHeld();
    }

    /** Keeps the other side from waking a thread in {@link #sleep} (while another thread reads). */
    public void holdWakes() {
        ring.holdWakes();
    }

    /** Lets the other side wake a thread in {@link #sleep} again, and wakes it now if something came meanwhile. */
    public void allowWakes() {
        ring.allowWakes();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing a pipe whose other end died
        }
        synchronized (out) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the other end is gone
            }
        }
    }
}
