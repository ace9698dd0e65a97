package org.wdf4j.memory;

import java.nio.ByteBuffer;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.spi.WdfFunctions;

/**
 * {@code WDFMEMORY}: a framework memory object, a buffer with a handle. A driver creates one ({@link #create}) to send
 * data with a request it formats for an I/O target, or retrieves the buffers of a request it received as memory
 * objects ({@code WdfRequest.retrieveInputMemory}, {@code retrieveOutputMemory}).
 *
 * <p>A memory object is a node of the object tree: its parent (by default the driver object; a request, a device or
 * any object named in the attributes) deletes it with itself. The memory objects of a request's buffers belong to the
 * request and go when it completes; the driver cannot delete them (STATUS_CANNOT_DELETE).
 *
 * <p>Every copy is checked against the buffer's size: nothing is copied past its end.
 */
public interface WdfMemory extends WdfObject {

    /** The largest buffer {@link #create} makes (a Java array's limit). */
    long MAX_SIZE = Integer.MAX_VALUE - 8;

    /**
     * {@code WdfMemoryCreate}: a zeroed buffer of {@code bufferSize} bytes. The pool type and pool tag of WDF have no
     * meaning here and are not taken. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the memory object; STATUS_INVALID_PARAMETER for a size of 0, a negative size or one above
     *     {@link #MAX_SIZE}; STATUS_INSUFFICIENT_RESOURCES; STATUS_DELETE_PENDING when the parent is being deleted
     */
    static NtResult<WdfMemory> create(WdfObjectAttributes attributes, long bufferSize) {
        return WdfFunctions.get().memoryCreate(attributes, bufferSize);
    }

    /**
     * {@code WdfMemoryGetBuffer}: the whole buffer, from 0 to its size. Writes through it change the memory.
     * IRQL: any.
     */
    ByteBuffer buffer();

    /** The buffer's size in bytes ({@code WdfMemoryGetBuffer}'s BufferSize). IRQL: any. */
    long size();

    /**
     * {@code WdfMemoryCopyToBuffer}: copies {@code numBytesToCopyTo} bytes of this memory, from {@code sourceOffset},
     * into {@code buffer} at index 0. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return STATUS_SUCCESS; STATUS_BUFFER_TOO_SMALL when this memory holds fewer than {@code sourceOffset +
     *     numBytesToCopyTo} bytes; STATUS_INVALID_PARAMETER for a negative offset or count, or a {@code buffer} too
     *     small for the count (a null buffer is a bug check). Nothing is copied on failure.
     */
    NtStatus copyToBuffer(long sourceOffset, byte[] buffer, long numBytesToCopyTo);

    /**
     * {@code WdfMemoryCopyFromBuffer}: copies {@code numBytesToCopyFrom} bytes of {@code buffer}, from index 0, into
     * this memory at {@code destinationOffset}. IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return STATUS_SUCCESS; STATUS_INVALID_BUFFER_SIZE when this memory holds fewer than {@code destinationOffset +
     *     numBytesToCopyFrom} bytes; STATUS_INVALID_PARAMETER for a negative offset or count, or a {@code buffer}
     *     shorter than the count (a null buffer is a bug check). Nothing is copied on failure.
     */
    NtStatus copyFromBuffer(long destinationOffset, byte[] buffer, long numBytesToCopyFrom);
}
