package org.wdf4j.host;

/** A stop the framework refused (U7): the driver keeps running; the message says why and what to change. */
public final class DriverStopRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DriverStopRefusedException(String message) {
        super(message);
    }
}
