package org.wdf4j.framework;

import org.wdf4j.NtStatus;

/**
 * How an I/O request ended, as the client sees it ({@code IO_STATUS_BLOCK} plus the returned bytes).
 *
 * @param status the completion status
 * @param information the request's information (bytes read, written or returned)
 * @param output for reads and control codes that succeeded (or warned): the first {@code information} bytes of the
 *     output buffer; otherwise empty
 */
public record FxIoStatus(NtStatus status, long information, byte[] output) {

    static final byte[] NO_BYTES = new byte[0];

    static FxIoStatus of(NtStatus status) {
        return new FxIoStatus(status, 0, NO_BYTES);
    }
}
