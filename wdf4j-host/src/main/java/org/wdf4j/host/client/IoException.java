package org.wdf4j.host.client;

import org.wdf4j.NtStatus;

/** An I/O operation failed with {@link #status()}; the message names the operation and the status. */
public final class IoException extends RuntimeException {

    private final NtStatus status;

    public IoException(String what, NtStatus status) {
        super(what + " failed: " + status);
        this.status = status;
    }

    public NtStatus status() {
        return status;
    }
}
