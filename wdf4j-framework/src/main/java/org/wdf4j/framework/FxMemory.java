package org.wdf4j.framework;

import java.nio.ByteBuffer;
import org.wdf4j.Irql;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.memory.WdfMemory;
import org.wdf4j.memory.WdfMemoryOffset;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * {@code WDFMEMORY}: a region of a buffer (heap or direct) with a handle. Either a buffer of its own ({@code WdfMemoryCreate}, a
 * child of the object its attributes name, by default the driver object), or a view of a request's input or output
 * (a child of the request, which the driver cannot delete; it goes when the request completes).
 *
 * <p>The region never changes, so reads of it need no lock: the bytes are the driver's to synchronize, as in WDF.
 */
final class FxMemory extends FxObject implements WdfMemory {

    /**
     * A part of a buffer: {@code length} bytes from index {@code offset} of {@code buffer} (absolute: the buffer's
     * position and limit do not matter). The buffer is a heap array's, a direct one the transport owns (a FUSE message,
     * a reply being built, a driver host's pooled buffer), or a verifier-guarded segment of one request.
     */
    record Region(ByteBuffer buffer, int offset, int length) {

        static final Region EMPTY = of(FxIoStatus.NO_BYTES);

        /** All of {@code array}. */
        static Region of(byte[] array) {
            return new Region(ByteBuffer.wrap(array), 0, array.length);
        }

        /** The bytes from {@code buffer}'s position to its limit. */
        static Region of(ByteBuffer buffer) {
            return new Region(buffer, buffer.position(), buffer.remaining());
        }

        /** A new buffer over the region, from 0 to its length. */
        ByteBuffer view() {
            return buffer.slice(offset, length);
        }

        /** The part of {@code length} bytes from {@code start} of this region. */
        Region part(int start, int length) {
            return new Region(buffer, offset + start, length);
        }

        /** Copies {@code count} bytes from {@code at} of this region into {@code to} from 0. */
        void copyTo(int at, byte[] to, int count) {
            buffer.get(offset + at, to, 0, count);
        }
    }

    private final Region region;
    /** A view of a request's buffer: it belongs to the request. */
    private final boolean ofRequest;

    FxMemory(FxDriverGlobals globals, FxObject parent, WdfObjectAttributes attributes, Region region, boolean ofRequest) {
        super(globals, parent, attributes);
        this.region = region;
        this.ofRequest = ofRequest;
    }

    @Override
    public String objectType() {
        return "WDFMEMORY";
    }

    @Override
    boolean canBeDeletedByDriver() {
        return !ofRequest;
    }

    Region region() {
        return region;
    }

    /**
     * The part of this memory {@code offset} names (all of it for null; a length of 0 means to the end), or null when
     * it lies outside the buffer.
     */
    Region part(WdfMemoryOffset offset) {
        if (offset == null) {
            return region;
        }
        long start = offset.bufferOffset();
        long length = offset.bufferLength() == 0 ? region.length() - start : offset.bufferLength();
        if (start > region.length() || length < 0 || start + length > region.length()) {
            return null;
        }
        return region.part((int) start, (int) length);
    }

    @Override
    public ByteBuffer buffer() {
        checkValid("WdfMemoryGetBuffer");
        return region.view();
    }

    @Override
    public long size() {
        checkValid("WdfMemoryGetBuffer");
        return region.length();
    }

    @Override
    public NtStatus copyToBuffer(long sourceOffset, byte[] buffer, long numBytesToCopyTo) {
        NtStatus refused = checkCopy("WdfMemoryCopyToBuffer", sourceOffset, buffer, numBytesToCopyTo,
                NtStatus.STATUS_BUFFER_TOO_SMALL);
        if (refused != null) {
            return refused;
        }
        region.copyTo((int) sourceOffset, buffer, (int) numBytesToCopyTo);
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public NtStatus copyFromBuffer(long destinationOffset, byte[] buffer, long numBytesToCopyFrom) {
        NtStatus refused = checkCopy("WdfMemoryCopyFromBuffer", destinationOffset, buffer, numBytesToCopyFrom,
                NtStatus.STATUS_INVALID_BUFFER_SIZE);
        if (refused != null) {
            return refused;
        }
        region.buffer().put(region.offset() + (int) destinationOffset, buffer, 0, (int) numBytesToCopyFrom);
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * The checks of a copy of {@code count} bytes between this memory at {@code offset} and {@code buffer} from 0: null
     * when it may be made; else the status that refuses it ({@code pastEnd} when it would go past this memory's end).
     */
    private NtStatus checkCopy(String function, long offset, byte[] buffer, long count, NtStatus pastEnd) {
        checkHandle(function, Irql.DISPATCH_LEVEL);
        if (buffer == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL, function + ": Buffer is null");
        }
        if (offset < 0 || count < 0 || count > buffer.length) {
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        return offset + count > region.length() ? pastEnd : null;
    }

    @Override
    public String toString() {
        return handleName() + " (" + region.length() + " bytes" + (ofRequest ? " of a request" : "") + ")";
    }
}
