package org.wdf4j.host.isolation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The primitive encodings of the driver-host protocol: nullable strings, byte arrays, UUIDs and lists, over a
 * {@link DataOutputStream} / {@link DataInputStream}. One place for them, so both ends agree.
 */
public final class Wire {

    private Wire() {
    }

    /** Reads one element of a list. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    /** Writes one element of a list. */
    @FunctionalInterface
    public interface Writer<T> {
        void write(DataOutputStream out, T value) throws IOException;
    }

    /** A string that may be null (a flag, then modified UTF-8 in chunks so that any length fits). */
    public static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        bytes(out, bytes);
    }

    public static String string(DataInputStream in) throws IOException {
        byte[] bytes = bytesOrNull(in);
        return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A byte array that may be null: its length (-1 for null), then its bytes. */
    public static void bytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    /**
     * The bytes from {@code b}'s position to its limit (position left alone), encoded as {@link #bytes(DataOutputStream,
     * byte[])} does: an array's are written from it (one copy, into the channel: a large write goes past the stream's
     * buffer, straight to the ring); a direct buffer's through a small array of this thread's.
     */
    public static void bytes(DataOutputStream out, java.nio.ByteBuffer b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        int n = b.remaining();
        out.writeInt(n);
        if (b.hasArray()) {
            out.write(b.array(), b.arrayOffset() + b.position(), n);
            return;
        }
        byte[] chunk = SCRATCH.get();
        for (int done = 0; done < n; ) {
            int part = Math.min(chunk.length, n - done);
            b.get(b.position() + done, chunk, 0, part);
            out.write(chunk, 0, part);
            done += part;
        }
    }

    /**
     * As large as the channel's stream buffer, so that a read through it bypasses that buffer (one copy from the ring
     * into it, one on into a native buffer).
     */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    /**
     * Bytes written by {@link #bytes(DataOutputStream, java.nio.ByteBuffer)}: read into {@code into} from its position
     * when it has room for them (then {@code into} itself is answered; its position and limit are left alone), else
     * into a new array (answered wrapped; null for null).
     */
    public static java.nio.ByteBuffer bytesInto(DataInputStream in, java.nio.ByteBuffer into) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (into == null || into.remaining() < n) {
            byte[] b = new byte[n];
            in.readFully(b);
            return java.nio.ByteBuffer.wrap(b);
        }
        if (into.hasArray()) {
            in.readFully(into.array(), into.arrayOffset() + into.position(), n);
            return into;
        }
        byte[] chunk = SCRATCH.get();
        for (int done = 0; done < n; ) {
            int part = Math.min(chunk.length, n - done);
            in.readFully(chunk, 0, part);
            into.put(into.position() + done, chunk, 0, part);
            done += part;
        }
        return into;
    }

    /**
     * Bytes written by {@link #bytes(DataOutputStream, java.nio.ByteBuffer)}, read into an array of {@code pool} (its
     * reader gives it back when done); null read back as empty.
     */
    public static java.nio.ByteBuffer pooledBytes(DataInputStream in, BufferPool<byte[]> pool) throws IOException {
        int n = in.readInt();
        if (n <= 0) {
            return java.nio.ByteBuffer.allocate(0);
        }
        byte[] b = pool.take(n);
        in.readFully(b, 0, n);
        return java.nio.ByteBuffer.wrap(b, 0, n);
    }

    public static byte[] bytesOrNull(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    /** A byte array, never null (null is read back as empty). */
    public static byte[] bytes(DataInputStream in) throws IOException {
        byte[] b = bytesOrNull(in);
        return b == null ? new byte[0] : b;
    }

    public static void uuid(DataOutputStream out, UUID u) throws IOException {
        out.writeLong(u.getMostSignificantBits());
        out.writeLong(u.getLeastSignificantBits());
    }

    public static UUID uuid(DataInputStream in) throws IOException {
        return new UUID(in.readLong(), in.readLong());
    }

    public static <T> void list(DataOutputStream out, List<T> list, Writer<T> writer) throws IOException {
        out.writeInt(list.size());
        for (T t : list) {
            writer.write(out, t);
        }
    }

    public static <T> List<T> list(DataInputStream in, Reader<T> reader) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 10_000_000) {
            throw new IOException("driver-host protocol: a list of " + n + " elements");
        }
        List<T> list = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            list.add(reader.read(in));
        }
        return list;
    }

    /** A readiness that may be null, as one byte: -1, or bit 0 readable and bit 1 writable. */
    public static void readiness(DataOutputStream out, org.wdf4j.io.WdfIoReadiness r) throws IOException {
        out.writeByte(r == null ? -1 : (r.readable() ? 1 : 0) | (r.writable() ? 2 : 0));
    }

    public static org.wdf4j.io.WdfIoReadiness readiness(DataInputStream in) throws IOException {
        int b = in.readByte();
        return b < 0 ? null : org.wdf4j.io.WdfIoReadiness.of((b & 1) != 0, (b & 2) != 0);
    }

    public static <E extends Enum<E>> void enumValue(DataOutputStream out, E e) throws IOException {
        out.writeByte(e == null ? -1 : e.ordinal());
    }

    public static <E extends Enum<E>> E enumValue(DataInputStream in, Class<E> type) throws IOException {
        int ordinal = in.readByte();
        if (ordinal < 0) {
            return null;
        }
        E[] values = type.getEnumConstants();
        if (ordinal >= values.length) {
            throw new IOException("driver-host protocol: no " + type.getSimpleName() + " #" + ordinal);
        }
        return values[ordinal];
    }
}
