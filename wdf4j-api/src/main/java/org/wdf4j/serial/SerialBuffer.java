package org.wdf4j.serial;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;
import java.util.function.Function;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.io.WdfRequest;

/**
 * How the serial buffers travel: little-endian C structs ({@code ULONG} 4 bytes, {@code UCHAR} 1), read from a
 * request's input buffer and written to its output buffer, or to and from bytes for clients.
 */
final class SerialBuffer {

    private SerialBuffer() {
    }

    /** Decodes {@code bytes}, which must hold at least {@code size} bytes for {@code what}. */
    static <T> T decode(byte[] bytes, int size, String what, Function<ByteBuffer, T> decoder) {
        if (bytes == null || bytes.length < size) {
            throw new IllegalArgumentException(what + " needs " + size + " bytes, got "
                    + (bytes == null ? "none" : bytes.length) + ": pass the whole buffer the control code returned");
        }
        return decoder.apply(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Encodes into {@code size} bytes. */
    static byte[] encode(int size, Consumer<ByteBuffer> encoder) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        encoder.accept(b);
        return b.array();
    }

    /**
     * Decodes the request's input buffer ({@code WdfRequestRetrieveInputBuffer} of at least {@code size} bytes):
     * STATUS_BUFFER_TOO_SMALL when the client sent less.
     */
    static <T> NtResult<T> fromInput(WdfRequest request, int size, Function<ByteBuffer, T> decoder) {
        NtResult<ByteBuffer> input = request.retrieveInputBuffer(size);
        if (!input.isSuccess()) {
            return NtResult.failure(input.status());
        }
        return NtResult.success(decoder.apply(input.value().duplicate().order(ByteOrder.LITTLE_ENDIAN)));
    }

    /**
     * Copies {@code bytes} into the request's output buffer and sets the request's information to their length (the
     * driver then completes it with STATUS_SUCCESS); STATUS_BUFFER_TOO_SMALL when the client's buffer is shorter.
     */
    static NtStatus toOutput(WdfRequest request, byte[] bytes) {
        NtResult<ByteBuffer> output = request.retrieveOutputBuffer(bytes.length);
        if (!output.isSuccess()) {
            return output.status();
        }
        output.value().put(0, bytes);
        request.setInformation(bytes.length);
        return NtStatus.STATUS_SUCCESS;
    }

    /** A ULONG's four bytes. */
    static byte[] ulong(int value) {
        return encode(4, b -> b.putInt(0, value));
    }

    /** A ULONG from a client's answer. */
    static int ulong(byte[] bytes, String what) {
        return decode(bytes, 4, what, b -> b.getInt(0));
    }
}
