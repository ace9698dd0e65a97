package org.wdf4j.host;

/**
 * An installed driver's directory in the store cannot be used: its record, package or parameters are missing or not
 * valid. Nothing was changed; the message says what is wrong and how to repair or remove the driver.
 */
public final class DamagedDriverException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    private final transient DriverStore.DamagedDriver damaged;

    public DamagedDriverException(DriverStore.DamagedDriver damaged) {
        super("driver " + damaged.name() + " is damaged: " + damaged.problem() + ". " + damaged.fix());
        this.damaged = damaged;
    }

    public DriverStore.DamagedDriver damaged() {
        return damaged;
    }
}
