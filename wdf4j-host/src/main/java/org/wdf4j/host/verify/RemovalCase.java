package org.wdf4j.host.verify;

import java.util.List;
import java.util.random.RandomGenerator;
import org.wdf4j.host.client.DeviceHandle;

/**
 * The removal of every device with I/O in flight: orderly ({@code devcon remove}: query-remove, then remove) or a
 * surprise (the device unplugged: SURPRISE_REMOVE, then REMOVE).
 */
final class RemovalCase extends InFlightCase {

    private final boolean surprise;

    private RemovalCase(boolean surprise) {
        this.surprise = surprise;
    }

    static RemovalCase orderly() {
        return new RemovalCase(false);
    }

    static RemovalCase surprise() {
        return new RemovalCase(true);
    }

    @Override
    public String name() {
        return surprise ? "surprise-remove" : "remove";
    }

    @Override
    public String description() {
        return surprise ? "surprise-remove every device with I/O in flight"
                : "remove every device (orderly) with I/O in flight";
    }

    @Override
    String operate(Trial trial, List<DeviceHandle> handles, RandomGenerator random, CaseLog log) {
        for (String id : trial.instanceIds().reversed()) {
            if (surprise) {
                trial.pnp().surpriseRemove(id);
            } else {
                trial.pnp().removeDevice(id);
            }
        }
        return surprise ? "the devices were surprise-removed" : "the devices were removed";
    }
}
