package org.wdf4j.host.fuse;

import java.io.IOException;

/**
 * A system call made through {@link LibC} failed. Carries the name of the call and the
 * {@code errno} the C library reported right after it, so callers can react to specific errors
 * (for example {@code EPERM} from mount(2) when the process may not mount, or {@code ENODEV} from a
 * read on {@code /dev/fuse} once the file system has been unmounted).
 */
public final class ErrnoException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    ErrnoException(String call, String detail, int errno) {
        super(call + (detail == null ? "" : "(" + detail + ")") + " failed: " + LibC.errnoName(errno)
                + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    /** The name of the failed C function, for example {@code "mount"}. */
    public String call() {
        return call;
    }

    /** The positive {@code errno} value the call left behind. */
    public int errno() {
        return errno;
    }
}
