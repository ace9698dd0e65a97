package org.wdf4j.host.verify;

import java.util.List;
import java.util.random.RandomGenerator;
import org.wdf4j.host.client.DeviceHandle;

/** Surprise removal (the device unplugged: SURPRISE_REMOVE, then REMOVE) of every device with I/O in flight. */
final class SurpriseRemoveCase extends InFlightCase {

    @Override
    public String name() {
        return "surprise-remove";
    }

    @Override
    public String description() {
        return "surprise-remove every device with I/O in flight";
    }

    @Override
    String operate(Trial trial, List<DeviceHandle> handles, RandomGenerator random, CaseLog log) {
        for (String id : trial.instanceIds().reversed()) {
            trial.pnp().surpriseRemove(id);
        }
        return "the devices were surprise-removed";
    }
}
