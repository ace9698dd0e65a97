package org.wdf4j.host;

/** A store operation refused (not installed, already installed, running); nothing was changed. */
public final class DriverStoreException extends Exception {
    private static final long serialVersionUID = 1L;

    public DriverStoreException(String message) {
        super(message);
    }
}
