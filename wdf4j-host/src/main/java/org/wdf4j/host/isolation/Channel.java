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
 * time, by any thread, and read in order by one thread. The host uses the driver host's standard input and output;
 * the driver host the same streams from its side.
 */
public final class Channel implements AutoCloseable {

    private final DataInputStream in;
    /** Guarded by itself: one message is written and flushed at a time. */
    private final DataOutputStream out;

    public Channel(InputStream in, OutputStream out) {
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
     * Reads the next message; only one thread may call this.
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
            return Message.read(tag, in);
        } catch (EOFException e) {
            throw new IOException("driver-host protocol: the connection ended inside a message (tag " + tag + ")", e);
        }
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
