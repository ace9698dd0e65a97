package org.wdf4j.host.verify;

import java.util.List;
import java.util.random.RandomGenerator;
import org.wdf4j.host.client.DeviceHandle;

/** An orderly removal ({@code devcon remove}: query-remove, then remove) of every device with I/O in flight. */
final class RemoveCase extends InFlightCase {

    @Override
    public String name() {
        return "remove";
    }

    @Override
    public String description() {
        return "remove every device (orderly) with I/O in flight";
    }

    @Override
    String operate(Trial trial, List<DeviceHandle> handles, RandomGenerator random, CaseLog log) {
        for (String id : trial.instanceIds().reversed()) {
            trial.pnp().removeDevice(id);
        }
        return "the devices were removed";
    }
}
