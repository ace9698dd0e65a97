package org.wdf4j.framework;

import java.nio.ByteBuffer;
import org.wdf4j.Irql;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.memory.WdfMemory;
import org.wdf4j.memory.WdfMemoryOffset;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * {@code WDFMEMORY}: a region of a byte array with a handle. Either a buffer of its own ({@code WdfMemoryCreate}, a
 * child of the object its attributes name, by default the driver object), or a view of a request's input or output
 * (a child of the request, which the driver cannot delete; it goes when the request completes).
 *
 * <p>The region never changes, so reads of it need no lock: the bytes are the driver's to synchronize, as in WDF.
 */
final class FxMemory extends FxObject implements WdfMemory {

    /** A part of an array. */
    record Region(byte[] array, int offset, int length) {
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
        return new Region(region.array(), region.offset() + (int) start, (int) length);
    }

    @Override
    public ByteBuffer buffer() {
        checkValid("WdfMemoryGetBuffer");
        return ByteBuffer.wrap(region.array(), region.offset(), region.length()).slice();
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
        System.arraycopy(region.array(), region.offset() + (int) sourceOffset, buffer, 0, (int) numBytesToCopyTo);
        return NtStatus.STATUS_SUCCESS;
    }

    @Override
    public NtStatus copyFromBuffer(long destinationOffset, byte[] buffer, long numBytesToCopyFrom) {
        NtStatus refused = checkCopy("WdfMemoryCopyFromBuffer", destinationOffset, buffer, numBytesToCopyFrom,
                NtStatus.STATUS_INVALID_BUFFER_SIZE);
        if (refused != null) {
            return refused;
        }
        System.arraycopy(buffer, 0, region.array(), region.offset() + (int) destinationOffset, (int) numBytesToCopyFrom);
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
