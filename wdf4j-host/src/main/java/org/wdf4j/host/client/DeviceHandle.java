package org.wdf4j.host.client;

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

    PendingIo deviceIoControlAsync(int ioControlCode, byte[] input, int outputLength);

    /** {@code CancelIoEx(handle, NULL)}: cancels every request of this handle still in flight; answers how many were asked to cancel. */
    int cancelAll();

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
