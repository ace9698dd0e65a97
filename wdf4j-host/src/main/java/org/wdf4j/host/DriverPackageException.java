package org.wdf4j.host;

/** A driver package that cannot be loaded; the message names what is wrong and how to fix it. */
public final class DriverPackageException extends Exception {
    private static final long serialVersionUID = 1L;

    public DriverPackageException(String message) {
        super(message);
    }

    public DriverPackageException(String message, Throwable cause) {
        super(message, cause);
    }
}
