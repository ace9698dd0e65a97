package org.wdf4j.host;

/**
 * An orderly removal of a device (remove, disable, eject) was vetoed by a driver that keeps a remote I/O target open
 * on it (ST9: its {@code EvtIoTargetQueryRemove} failed, or left the target open): the device stays as it was.
 */
public final class RemovalVetoedException extends IllegalStateException {

    public RemovalVetoedException(String instanceId, String vetoer) {
        super("the removal of device " + instanceId + " was vetoed: " + vetoer + " keeps it open (its "
                + "EvtIoTargetQueryRemove failed or did not close the target); the device stays. Stop that driver, or "
                + "have it close its target, and try again");
    }
}
