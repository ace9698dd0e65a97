package org.wdf4j.host.client;

import java.nio.ByteBuffer;
import org.wdf4j.io.WdfIoReadiness;
import org.wdf4j.io.WdfRequestor;

/**
 * An open device (a Win32 {@code HANDLE} from {@code CreateFile}): reads, writes and device I/O controls go to the
 * device's queues as requests through the file object this open made. Thread-safe: many threads may have requests in
 * flight on one handle.
 *
 * <p>The synchronous calls wait until the request completes, however long the driver keeps it; use the
 * {@code Async} forms to bound the wait or cancel.
 */
public interface DeviceHandle extends AutoCloseable {

    /** {@code ReadFile}: reads up to {@code length} bytes. */
    IoResult read(int length);

    /** {@code WriteFile}. */
    IoResult write(byte[] data);

    /**
     * {@code DeviceIoControl}: sends {@code ioControlCode} with {@code input} (may be empty) and an output buffer of
     * {@code outputLength} bytes.
     */
    IoResult deviceIoControl(int ioControlCode, byte[] input, int outputLength);

    /** {@code ReadFile} with an {@code OVERLAPPED}: answers at once. */
    PendingIo readAsync(int length);

    PendingIo writeAsync(byte[] data);

    /** {@code WriteFile} of the buffer's remaining bytes (consumed): one copy, made before this returns. */
    PendingIo writeAsync(ByteBuffer data);

    PendingIo deviceIoControlAsync(int ioControlCode, byte[] input, int outputLength);

    /**
     * {@code ReadFile} with an {@code OVERLAPPED} offset: reads up to {@code length} bytes at byte {@code offset} of
     * the device, which the driver sees as the request's {@code deviceOffset} (a disk's). Answers at once.
     */
    PendingIo readAsync(int length, long offset);

    /** {@code WriteFile} of the buffer's remaining bytes (consumed, one copy) at byte {@code offset} of the device. */
    PendingIo writeAsync(ByteBuffer data, long offset);

    /**
     * {@code ReadFile} of up to {@code into.remaining()} bytes at byte {@code offset} of the device straight into
     * {@code into} (from its position; position and limit are left alone): where the driver runs in this process it
     * writes there itself, without a copy. The buffer is the request's until the result completes: the caller must not
     * touch it before. Then the result's {@code information()} bytes from the position are the data (its
     * {@code data()} is empty). What the host's device files use; answers at once.
     */
    PendingIo readIntoAsync(ByteBuffer into, long offset);

    /**
     * {@code WriteFile} of the buffer's remaining bytes at byte {@code offset}, lent to the request without a copy
     * (position left alone): the caller must not touch them until the result completes. Answers at once.
     */
    PendingIo writeLentAsync(ByteBuffer data, long offset);

    /** {@code FlushFileBuffers}: a {@code FLUSH_BUFFERS} request, which the driver sees in its EvtIoDefault. */
    PendingIo flushBuffersAsync();

    /** {@code CancelIoEx(handle, NULL)}: cancels every request of this handle still in flight; answers how many were asked to cancel. */
    int cancelAll();

    /**
     * Whether a read or write would complete now, as the driver tells it ({@code WdfFileObject.setIoReadiness}, else
     * {@code WdfDevice.setIoReadiness}; ready both ways until the driver says otherwise). What {@code poll(2)} on the
     * device's FUSE file answers. A handle that no longer reaches its device is ready both ways (the call then fails
     * at once).
     */
    WdfIoReadiness ioReadiness();

    /**
     * Calls {@code listener} whenever the driver makes a read or write possible on this handle (its file object's
     * readiness or its device's). It runs on the driver's thread and must not block. One listener per handle; null
     * removes it; closing the handle removes it.
     */
    void setReadinessListener(Runnable listener);

    /** Who this handle opened the device as. */
    WdfRequestor requestor();

    /** The path it was opened by. */
    String path();

    /**
     * {@code CloseHandle}: the driver sees EvtFileCleanup (requests still in flight are cancelled as Windows does at
     * cleanup: those in queues; those the driver marked cancelable) and, once every request of the handle completed,
     * EvtFileClose. Later calls on the handle fail with STATUS_FILE_CLOSED (I/O) or do nothing (close). Never throws.
     */
    @Override
    void close();
}
