package org.wdf4j.host.leak;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/** Big-endian buffered reads over an HPROF file, with seeks; ids are 4 or 8 bytes as the header says. */
final class HprofReader implements AutoCloseable {

    private final FileChannel channel;
    private final long size;
    private ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.BIG_ENDIAN);
    private long bufStart; // file position of buf[0]
    int idSize = 8;

    HprofReader(FileChannel channel) throws IOException {
        this.channel = channel;
        this.size = channel.size();
        buf.limit(0);
    }

    long size() {
        return size;
    }

    long position() {
        return bufStart + buf.position();
    }

    void seek(long pos) {
        if (pos >= bufStart && pos <= bufStart + buf.limit()) {
            buf.position((int) (pos - bufStart));
        } else {
            bufStart = pos;
            buf.clear().limit(0);
        }
    }

    void skip(long n) {
        seek(position() + n);
    }

    /** Makes n bytes readable from the buffer. */
    void ensure(int n) throws IOException {
        if (buf.remaining() >= n) {
            return;
        }
        if (n > buf.capacity()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(n, buf.capacity() * 2)).order(ByteOrder.BIG_ENDIAN);
            bufStart += buf.position();
            bigger.put(buf);
            bigger.flip();
            buf = bigger;
        }
        bufStart += buf.position();
        buf.compact();
        while (buf.position() < n) {
            int read = channel.read(buf, bufStart + buf.position());
            if (read < 0) {
                buf.flip();
                throw new EOFException("heap dump ends early at " + (bufStart + buf.limit()));
            }
        }
        buf.flip();
    }

    boolean atEnd() {
        return position() >= size;
    }

    int u1() throws IOException {
        ensure(1);
        return buf.get() & 0xff;
    }

    int u2() throws IOException {
        ensure(2);
        return buf.getShort() & 0xffff;
    }

    int i4() throws IOException {
        ensure(4);
        return buf.getInt();
    }

    long u4() throws IOException {
        return i4() & 0xffffffffL;
    }

    long i8() throws IOException {
        ensure(8);
        return buf.getLong();
    }

    long id() throws IOException {
        return idSize == 8 ? i8() : u4();
    }

    byte[] bytes(int n) throws IOException {
        ensure(n);
        byte[] out = new byte[n];
        buf.get(out);
        return out;
    }

    /** An id at an offset from the current position, without moving (the caller has ensured the bytes). */
    long idAt(int offset) {
        int p = buf.position() + offset;
        return idSize == 8 ? buf.getLong(p) : buf.getInt(p) & 0xffffffffL;
    }

    byte byteAt(int offset) {
        return buf.get(buf.position() + offset);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
