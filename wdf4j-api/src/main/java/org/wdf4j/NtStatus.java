package org.wdf4j;

import java.util.HashMap;
import java.util.Map;

/**
 * An NTSTATUS value: the 32-bit status code that every WDF operation that can fail returns.
 *
 * <p>The codes are the real Windows values, so a status logged by wdf4j can be looked up in
 * {@code ntstatus.h}. A status is a success when its signed value is {@code >= 0} (severity
 * success or informational), exactly as {@code NT_SUCCESS} defines it; warnings and errors are
 * failures. Two statuses are equal when their codes are equal.
 *
 * <p>A driver writes {@code if (!status.isSuccess()) return status;} as it would in C.
 * {@link #toString()} gives the name and the hex code, e.g. {@code STATUS_CANCELLED (0xC0000120)}.
 *
 * @param code the 32-bit NTSTATUS code
 */
public record NtStatus(int code) {

    private static final Map<Integer, String> NAMES = new HashMap<>();

    public static final NtStatus STATUS_SUCCESS = define(0x00000000, "STATUS_SUCCESS");
    public static final NtStatus STATUS_TIMEOUT = define(0x00000102, "STATUS_TIMEOUT");
    public static final NtStatus STATUS_PENDING = define(0x00000103, "STATUS_PENDING");
    public static final NtStatus STATUS_OBJECT_NAME_EXISTS = define(0x40000000, "STATUS_OBJECT_NAME_EXISTS");
    public static final NtStatus STATUS_BUFFER_OVERFLOW = define(0x80000005, "STATUS_BUFFER_OVERFLOW");
    public static final NtStatus STATUS_NO_MORE_ENTRIES = define(0x8000001A, "STATUS_NO_MORE_ENTRIES");
    public static final NtStatus STATUS_UNSUCCESSFUL = define(0xC0000001, "STATUS_UNSUCCESSFUL");
    public static final NtStatus STATUS_NOT_IMPLEMENTED = define(0xC0000002, "STATUS_NOT_IMPLEMENTED");
    public static final NtStatus STATUS_INFO_LENGTH_MISMATCH = define(0xC0000004, "STATUS_INFO_LENGTH_MISMATCH");
    public static final NtStatus STATUS_INVALID_HANDLE = define(0xC0000008, "STATUS_INVALID_HANDLE");
    public static final NtStatus STATUS_INVALID_PARAMETER = define(0xC000000D, "STATUS_INVALID_PARAMETER");
    public static final NtStatus STATUS_NO_SUCH_DEVICE = define(0xC000000E, "STATUS_NO_SUCH_DEVICE");
    public static final NtStatus STATUS_INVALID_DEVICE_REQUEST = define(0xC0000010, "STATUS_INVALID_DEVICE_REQUEST");
    public static final NtStatus STATUS_ACCESS_DENIED = define(0xC0000022, "STATUS_ACCESS_DENIED");
    public static final NtStatus STATUS_BUFFER_TOO_SMALL = define(0xC0000023, "STATUS_BUFFER_TOO_SMALL");
    public static final NtStatus STATUS_OBJECT_TYPE_MISMATCH = define(0xC0000024, "STATUS_OBJECT_TYPE_MISMATCH");
    public static final NtStatus STATUS_OBJECT_NAME_INVALID = define(0xC0000033, "STATUS_OBJECT_NAME_INVALID");
    public static final NtStatus STATUS_OBJECT_NAME_NOT_FOUND = define(0xC0000034, "STATUS_OBJECT_NAME_NOT_FOUND");
    public static final NtStatus STATUS_OBJECT_NAME_COLLISION = define(0xC0000035, "STATUS_OBJECT_NAME_COLLISION");
    public static final NtStatus STATUS_SHARING_VIOLATION = define(0xC0000043, "STATUS_SHARING_VIOLATION");
    public static final NtStatus STATUS_DELETE_PENDING = define(0xC0000056, "STATUS_DELETE_PENDING");
    public static final NtStatus STATUS_INSUFFICIENT_RESOURCES = define(0xC000009A, "STATUS_INSUFFICIENT_RESOURCES");
    /** The medium cannot be written (a read-only disk's answer to a write and to {@code IOCTL_DISK_IS_WRITABLE}). */
    public static final NtStatus STATUS_MEDIA_WRITE_PROTECTED = define(0xC00000A2, "STATUS_MEDIA_WRITE_PROTECTED");
    public static final NtStatus STATUS_IO_TIMEOUT = define(0xC00000B5, "STATUS_IO_TIMEOUT");
    public static final NtStatus STATUS_DEVICE_NOT_READY = define(0xC00000A3, "STATUS_DEVICE_NOT_READY");
    public static final NtStatus STATUS_NOT_SUPPORTED = define(0xC00000BB, "STATUS_NOT_SUPPORTED");
    public static final NtStatus STATUS_CANCELLED = define(0xC0000120, "STATUS_CANCELLED");
    public static final NtStatus STATUS_CANNOT_DELETE = define(0xC0000121, "STATUS_CANNOT_DELETE");
    public static final NtStatus STATUS_FILE_CLOSED = define(0xC0000128, "STATUS_FILE_CLOSED");
    public static final NtStatus STATUS_DRIVER_INTERNAL_ERROR = define(0xC0000183, "STATUS_DRIVER_INTERNAL_ERROR");
    public static final NtStatus STATUS_INVALID_DEVICE_STATE = define(0xC0000184, "STATUS_INVALID_DEVICE_STATE");
    public static final NtStatus STATUS_DEVICE_REMOVED = define(0xC00002B6, "STATUS_DEVICE_REMOVED");
    public static final NtStatus STATUS_INVALID_BUFFER_SIZE = define(0xC0000206, "STATUS_INVALID_BUFFER_SIZE");
    public static final NtStatus STATUS_NOT_FOUND = define(0xC0000225, "STATUS_NOT_FOUND");
    /** The driver host process that ran the request's driver ended (UMDF: the host process terminated). */
    public static final NtStatus STATUS_DRIVER_PROCESS_TERMINATED = define(0xC0000450, "STATUS_DRIVER_PROCESS_TERMINATED");
    public static final NtStatus STATUS_WDF_BUSY = define(0xC0200203, "STATUS_WDF_BUSY");
    public static final NtStatus STATUS_WDF_PAUSED = define(0xC0200204, "STATUS_WDF_PAUSED");
    public static final NtStatus STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL = define(0xC020020C, "STATUS_WDF_INCOMPATIBLE_EXECUTION_LEVEL");
    public static final NtStatus STATUS_WDF_PARENT_ALREADY_ASSIGNED = define(0xC020020D, "STATUS_WDF_PARENT_ALREADY_ASSIGNED");
    public static final NtStatus STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED = define(0xC020020F, "STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED");
    public static final NtStatus STATUS_WDF_PARENT_NOT_SPECIFIED = define(0xC0200212, "STATUS_WDF_PARENT_NOT_SPECIFIED");

    private static NtStatus define(int code, String name) {
        NAMES.put(code, name);
        return new NtStatus(code);
    }

    /** The status with this code; known codes print with their name. */
    public static NtStatus of(int code) {
        return new NtStatus(code);
    }

    /** {@code NT_SUCCESS}: true for success and informational codes (signed value {@code >= 0}). */
    public boolean isSuccess() {
        return code >= 0;
    }

    /** True for informational codes (severity 1), such as {@link #STATUS_OBJECT_NAME_EXISTS}. */
    public boolean isInformational() {
        return (code >>> 30) == 1;
    }

    /** True for warning codes (severity 2), such as {@link #STATUS_BUFFER_OVERFLOW}. */
    public boolean isWarning() {
        return (code >>> 30) == 2;
    }

    /** True for error codes (severity 3). */
    public boolean isError() {
        return (code >>> 30) == 3;
    }

    /** The symbolic name, or {@code NTSTATUS} for a code this table does not know. */
    public String name() {
        return NAMES.getOrDefault(code, "NTSTATUS");
    }

    @Override
    public String toString() {
        return String.format("%s (0x%08X)", name(), code);
    }
}
