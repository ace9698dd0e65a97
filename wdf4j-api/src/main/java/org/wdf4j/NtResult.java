package org.wdf4j;

import java.util.Objects;

/**
 * What a WDF function returns when C returns an NTSTATUS and an out handle: the status, and the
 * object when the status is a success.
 *
 * <pre>{@code
 * NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, attributes, config);
 * if (!created.isSuccess()) {
 *     return created.status();
 * }
 * WdfDriver driver = created.value();
 * }</pre>
 *
 * <p>Some informational statuses carry a value as well: {@code allocateContext} answers
 * {@link NtStatus#STATUS_OBJECT_NAME_EXISTS} together with the context already attached.
 *
 * @param status the status of the call, never null
 * @param value the object, present for success statuses, null for failures
 * @param <T> the type of the object
 */
public record NtResult<T>(NtStatus status, T value) {

    public NtResult {
        Objects.requireNonNull(status, "status");
        if (!status.isSuccess() && value != null) {
            throw new IllegalArgumentException("a failed " + status + " carries no value");
        }
    }

    public static <T> NtResult<T> success(T value) {
        return new NtResult<>(NtStatus.STATUS_SUCCESS, Objects.requireNonNull(value, "value"));
    }

    public static <T> NtResult<T> failure(NtStatus status) {
        if (status.isSuccess()) {
            throw new IllegalArgumentException(status + " is not a failure");
        }
        return new NtResult<>(status, null);
    }

    /** {@code NT_SUCCESS(status)}. */
    public boolean isSuccess() {
        return status.isSuccess();
    }
}
