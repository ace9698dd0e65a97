package org.wdf4j.framework;

import java.nio.ByteBuffer;
import org.wdf4j.io.WdfIoReadiness;

/**
 * A client's open of a device (the handle {@code CreateFile} returns), wherever the device's driver runs:
 * {@link FxFileHandle} in the host's process, or the host's proxy of an open in a driver host process.
 * Thread-safe.
 */
public interface FxFileEndpoint {

    /** The device it opened. */
    FxDeviceEndpoint device();

    /** {@code ReadFile} of up to {@code length} bytes. */
    default FxIrpEndpoint read(int length) {
        return read(length, 0);
    }

    /** {@code ReadFile} of up to {@code length} bytes at byte {@code offset} of the device (its DeviceOffset). */
    FxIrpEndpoint read(int length, long offset);

    /** {@code WriteFile}; the data is copied before this returns. */
    default FxIrpEndpoint write(byte[] data) {
        return write(data, 0);
    }

    /** {@code WriteFile} at byte {@code offset} of the device; the data is copied before this returns. */
    FxIrpEndpoint write(byte[] data, long offset);

    /** {@code WriteFile} of an array the caller hands over and never touches again (no copy). */
    default FxIrpEndpoint writeOwned(byte[] data) {
        return writeOwned(data, 0);
    }

    /** {@code WriteFile} at {@code offset} of an array the caller hands over and never touches again (no copy). */
    FxIrpEndpoint writeOwned(byte[] data, long offset);

    /**
     * {@code ReadFile} of up to {@code into.remaining()} bytes at {@code offset} straight into the caller's buffer (from
     * its position): the driver writes there itself where it can. {@code into} is the request's until its future
     * completes, and the caller's again after, when its first {@code information} bytes from its position are the data
     * (the status's output is empty). Neither position nor limit is changed.
     */
    FxIrpEndpoint readInto(ByteBuffer into, long offset);

    /**
     * {@code WriteFile} at {@code offset} of the bytes from {@code data}'s position to its limit, lent to the request
     * without a copy: the caller must not touch them until the request's future completes.
     */
    FxIrpEndpoint writeLent(ByteBuffer data, long offset);

    /** {@code FlushFileBuffers}: a {@code FLUSH_BUFFERS} request, which the driver sees in its EvtIoDefault. */
    FxIrpEndpoint flushBuffers();

    /** {@code DeviceIoControl}. */
    FxIrpEndpoint deviceIoControl(int ioControlCode, byte[] input, int outputLength);

    /** {@code CancelIoEx(handle, NULL)}: answers how many requests were asked to cancel. */
    int cancelAll();

    /** What a program polling this open is told (the file object's readiness, else the device's). */
    WdfIoReadiness ioReadiness();

    /**
     * Calls {@code listener} whenever the driver sets a readiness on this open's file object that makes a read or
     * write possible; it must not block. One listener; null removes it.
     */
    void setReadinessListener(Runnable listener);

    /** Whether the open still reaches its device (not closed, device not deleted). */
    boolean isOpen();

    /** {@code CloseHandle}: cleanup now, close once every request of the open has completed. Never throws. */
    void close();
}
