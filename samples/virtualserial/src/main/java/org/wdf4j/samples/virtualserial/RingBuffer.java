package org.wdf4j.samples.virtualserial;

/**
 * The bytes a device has received and not yet given to a read (VirtualSerial2's {@code ringbuffer.c}): a fixed
 * circular buffer. Not thread-safe: the device's synchronization scope serializes every caller.
 */
final class RingBuffer {

    private final byte[] data;
    /** Where the oldest byte is. */
    private int head;
    /** How many bytes are stored. */
    private int size;

    RingBuffer(int capacity) {
        data = new byte[capacity];
    }

    /** Stores as many of {@code bytes[offset, offset + length)} as fit; answers how many. */
    int write(byte[] bytes, int offset, int length) {
        int n = Math.min(length, data.length - size);
        for (int i = 0; i < n; i++) {
            data[(head + size + i) % data.length] = bytes[offset + i];
        }
        size += n;
        return n;
    }

    /** Takes up to {@code max} of the oldest bytes. */
    byte[] read(int max) {
        int n = Math.min(max, size);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = data[(head + i) % data.length];
        }
        head = (head + n) % data.length;
        size -= n;
        return out;
    }

    int available() {
        return size;
    }

    void clear() {
        head = 0;
        size = 0;
    }
}
