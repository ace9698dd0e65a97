package org.wdf4j.memory;

/**
 * {@code WDFMEMORY_OFFSET}: a part of a memory object's buffer, for formatting a request with part of a buffer.
 *
 * @param bufferOffset where the part starts, in bytes from the start of the buffer
 * @param bufferLength how many bytes it has; 0 means up to the end of the buffer
 */
public record WdfMemoryOffset(long bufferOffset, long bufferLength) {

    public WdfMemoryOffset {
        if (bufferOffset < 0 || bufferLength < 0) {
            throw new IllegalArgumentException("a memory offset and length are 0 or more, were " + bufferOffset + " and "
                    + bufferLength);
        }
    }
}
