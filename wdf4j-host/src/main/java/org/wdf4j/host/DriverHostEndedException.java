package org.wdf4j.host;

/** A call to a driver host could not be answered: the process ended (the message says how). */
final class DriverHostEndedException extends RuntimeException {

    DriverHostEndedException(String cause) {
        super(cause);
    }
}
