package org.wdf4j.host.client;

import java.util.Arrays;
import org.wdf4j.NtStatus;

/**
 * How an I/O operation ended: Win32's {@code IO_STATUS_BLOCK}, with the bytes a read or control code returned.
 *
 * @param status the status the driver (or the framework) completed the request with
 * @param information the request's information: bytes read, written or returned
 * @param data for reads and control codes: the first {@code information} bytes of the output buffer (empty for
 *     writes and failures)
 */
public record IoResult(NtStatus status, long information, byte[] data) {

    public IoResult {
        data = data == null ? new byte[0] : data;
    }

    public boolean isSuccess() {
        return status.isSuccess();
    }

    /**
     * Whether the request failed because the device or the handle is gone (removed, deleted, closed, or its driver
     * host ended), so that more requests on the handle are pointless.
     */
    public boolean isDeviceGone() {
        return status.equals(NtStatus.STATUS_NO_SUCH_DEVICE) || status.equals(NtStatus.STATUS_DEVICE_REMOVED)
                || status.equals(NtStatus.STATUS_DELETE_PENDING) || status.equals(NtStatus.STATUS_FILE_CLOSED)
                || status.equals(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED);
    }

    /** This result, or an {@link IoException} naming the status when it is not a success. */
    public IoResult orThrow(String what) {
        if (!status.isSuccess()) {
            throw new IoException(what, status);
        }
        return this;
    }

    @Override
    public String toString() {
        return "IoResult[" + status + ", information=" + information + ", data=" + data.length + " bytes]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IoResult r && r.status.equals(status) && r.information == information
                && Arrays.equals(r.data, data);
    }

    @Override
    public int hashCode() {
        return status.hashCode() * 31 + Long.hashCode(information) * 17 + Arrays.hashCode(data);
    }
}
