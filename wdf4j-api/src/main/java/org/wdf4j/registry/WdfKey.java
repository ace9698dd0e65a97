package org.wdf4j.registry;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.object.WdfObject;

/**
 * An open registry key ({@code WDFKEY}): today, a driver's Parameters key, opened with
 * {@link org.wdf4j.driver.WdfDriver#openParametersRegistryKey}.
 *
 * <p>A key holds named values of two types: strings ({@code REG_SZ}) and 32-bit unsigned numbers
 * ({@code REG_DWORD}, answered as a {@code long} from 0 to 0xFFFFFFFF). Value names compare without
 * regard to case, as in the registry, and are 1 to {@value #MAX_VALUE_NAME_LENGTH} characters long.
 * Every assignment and removal is written to the host's state before the call returns, so it
 * survives a restart of the driver and of the host.
 *
 * <p>Every method is callable at PASSIVE_LEVEL only. A null value name or value is a bug check
 * (WDF_REQUIRED_PARAMETER_IS_NULL). After {@link #close()} the handle is invalid: calling any method
 * of it is a bug check (WDF_INVALID_HANDLE).
 *
 * <pre>{@code
 * NtResult<WdfKey> opened = driver.openParametersRegistryKey(WdfKeyAccess.KEY_ALL_ACCESS, WdfObjectAttributes.NONE);
 * if (!opened.isSuccess()) {
 *     return opened.status();
 * }
 * try (WdfKey key = opened.value()) {
 *     NtResult<Long> size = key.queryULong("BufferSize");
 *     long bufferSize = size.isSuccess() ? size.value() : 4096;   // STATUS_OBJECT_NAME_NOT_FOUND: not set
 *     NtResult<Long> starts = key.queryULong("StartCount");
 *     key.assignULong("StartCount", starts.isSuccess() ? starts.value() + 1 : 1);
 * }
 * }</pre>
 */
public interface WdfKey extends WdfObject, AutoCloseable {

    /** The longest value name, in characters (the registry's limit). */
    int MAX_VALUE_NAME_LENGTH = 16_383;

    /** The largest {@code REG_DWORD} value: {@code 0xFFFFFFFF}. */
    long MAX_ULONG = 0xFFFF_FFFFL;

    /**
     * {@code WdfRegistryQueryString}: the string value of that name.
     *
     * @return the string; STATUS_OBJECT_NAME_NOT_FOUND when the key has no value of that name;
     *     STATUS_OBJECT_TYPE_MISMATCH when the value is a number; STATUS_OBJECT_NAME_INVALID for an
     *     empty or too long name; STATUS_ACCESS_DENIED for a key opened with KEY_WRITE;
     *     STATUS_UNSUCCESSFUL when the host cannot read its state
     */
    NtResult<String> queryString(String valueName);

    /**
     * {@code WdfRegistryQueryULong}: the 32-bit unsigned value of that name, from 0 to
     * {@value #MAX_ULONG}.
     *
     * @return the number; STATUS_OBJECT_NAME_NOT_FOUND when the key has no value of that name;
     *     STATUS_OBJECT_TYPE_MISMATCH when the value is a string; otherwise as {@link #queryString}
     */
    NtResult<Long> queryULong(String valueName);

    /**
     * {@code WdfRegistryAssignString}: sets the value to a string, creating it or replacing a value
     * of either type.
     *
     * @return STATUS_SUCCESS once the value is stored; STATUS_OBJECT_NAME_INVALID for an empty or
     *     too long name; STATUS_ACCESS_DENIED for a key opened with KEY_READ; STATUS_UNSUCCESSFUL
     *     when the host cannot write its state (nothing is changed)
     */
    NtStatus assignString(String valueName, String value);

    /**
     * {@code WdfRegistryAssignULong}: sets the value to a 32-bit unsigned number.
     *
     * @return as {@link #assignString}, and STATUS_INVALID_PARAMETER for a value outside 0 to
     *     {@value #MAX_ULONG}
     */
    NtStatus assignULong(String valueName, long value);

    /**
     * {@code WdfRegistryRemoveValue}: removes the value.
     *
     * @return STATUS_SUCCESS; STATUS_OBJECT_NAME_NOT_FOUND when there is no value of that name;
     *     otherwise as {@link #assignString}
     */
    NtStatus removeValue(String valueName);

    /**
     * {@code WdfRegistryClose}: closes the key and deletes its framework object. The key may not be
     * used afterwards. A key the driver does not close is closed with its parent.
     */
    @Override
    void close();
}
