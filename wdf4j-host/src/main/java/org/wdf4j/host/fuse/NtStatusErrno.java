package org.wdf4j.host.fuse;

import java.util.Map;
import org.wdf4j.NtStatus;

/**
 * The one table from the status a request was completed with to the {@code errno} a program sees through a FUSE
 * file. A success needs no errno; a warning that carried data (a read answered with STATUS_BUFFER_OVERFLOW and some
 * bytes) is a short success; any status this table does not name is {@code EIO}.
 *
 * <table>
 *   <caption>NTSTATUS to errno</caption>
 *   <tr><th>Status</th><th>errno</th></tr>
 *   <tr><td>STATUS_CANCELLED</td><td>EINTR (the program's interrupted call)</td></tr>
 *   <tr><td>STATUS_INVALID_DEVICE_REQUEST</td><td>ENOTTY for a control code, else EINVAL</td></tr>
 *   <tr><td>STATUS_INVALID_PARAMETER, STATUS_BUFFER_TOO_SMALL</td><td>EINVAL</td></tr>
 *   <tr><td>STATUS_NO_SUCH_DEVICE, STATUS_DEVICE_REMOVED, STATUS_DELETE_PENDING</td><td>ENODEV</td></tr>
 *   <tr><td>STATUS_OBJECT_NAME_NOT_FOUND</td><td>ENOENT</td></tr>
 *   <tr><td>STATUS_ACCESS_DENIED</td><td>EACCES</td></tr>
 *   <tr><td>STATUS_SHARING_VIOLATION</td><td>EBUSY</td></tr>
 *   <tr><td>STATUS_DEVICE_NOT_READY</td><td>EAGAIN</td></tr>
 *   <tr><td>STATUS_FILE_CLOSED</td><td>EBADF</td></tr>
 *   <tr><td>STATUS_INSUFFICIENT_RESOURCES</td><td>ENOMEM</td></tr>
 *   <tr><td>STATUS_NOT_SUPPORTED, STATUS_NOT_IMPLEMENTED</td><td>EOPNOTSUPP</td></tr>
 *   <tr><td>STATUS_BUFFER_OVERFLOW (without data)</td><td>EOVERFLOW</td></tr>
 *   <tr><td>STATUS_TIMEOUT</td><td>ETIMEDOUT</td></tr>
 *   <tr><td>STATUS_MEDIA_WRITE_PROTECTED</td><td>EROFS</td></tr>
 *   <tr><td>STATUS_DRIVER_PROCESS_TERMINATED (the driver's driver host ended with the request in it; the file's later
 *   calls get ENODEV, and the file comes back when the driver is restarted)</td><td>EIO</td></tr>
 *   <tr><td>anything else that failed</td><td>EIO</td></tr>
 * </table>
 */
public final class NtStatusErrno {

    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EBADF = 9;
    static final int EAGAIN = 11;
    static final int ENOMEM = 12;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENOTTY = 25;
    static final int ENOENT = 2;
    static final int EOVERFLOW = 75;
    static final int EOPNOTSUPP = 95;
    static final int ETIMEDOUT = 110;

    private static final Map<NtStatus, Integer> TABLE = Map.ofEntries(
            Map.entry(NtStatus.STATUS_CANCELLED, EINTR),
            Map.entry(NtStatus.STATUS_INVALID_PARAMETER, EINVAL),
            Map.entry(NtStatus.STATUS_BUFFER_TOO_SMALL, EINVAL),
            Map.entry(NtStatus.STATUS_NO_SUCH_DEVICE, ENODEV),
            Map.entry(NtStatus.STATUS_DEVICE_REMOVED, ENODEV),
            Map.entry(NtStatus.STATUS_DELETE_PENDING, ENODEV),
            Map.entry(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND, ENOENT),
            Map.entry(NtStatus.STATUS_ACCESS_DENIED, EACCES),
            Map.entry(NtStatus.STATUS_SHARING_VIOLATION, EBUSY),
            Map.entry(NtStatus.STATUS_DEVICE_NOT_READY, EAGAIN),
            Map.entry(NtStatus.STATUS_FILE_CLOSED, EBADF),
            Map.entry(NtStatus.STATUS_INSUFFICIENT_RESOURCES, ENOMEM),
            Map.entry(NtStatus.STATUS_NOT_SUPPORTED, EOPNOTSUPP),
            Map.entry(NtStatus.STATUS_NOT_IMPLEMENTED, EOPNOTSUPP),
            Map.entry(NtStatus.STATUS_BUFFER_OVERFLOW, EOVERFLOW),
            Map.entry(NtStatus.STATUS_TIMEOUT, ETIMEDOUT),
            Map.entry(NtStatus.STATUS_MEDIA_WRITE_PROTECTED, LibC.EROFS),
            Map.entry(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED, EIO));

    private NtStatusErrno() {
    }

    /**
     * The errno for a request that ended with {@code status}, or 0 when the program's call succeeds.
     *
     * @param information the request's information (bytes moved): a warning with data is a (short) success
     * @param controlCode whether the request was a device I/O control (STATUS_INVALID_DEVICE_REQUEST is then ENOTTY,
     *     "inappropriate ioctl for device")
     */
    public static int errno(NtStatus status, long information, boolean controlCode) {
        if (status.isSuccess() && !status.isWarning()) {
            return 0;
        }
        if (status.isWarning() && information > 0) {
            return 0;
        }
        if (status.equals(NtStatus.STATUS_INVALID_DEVICE_REQUEST)) {
            return controlCode ? ENOTTY : EINVAL;
        }
        return TABLE.getOrDefault(status, status.isSuccess() ? 0 : EIO);
    }
}
