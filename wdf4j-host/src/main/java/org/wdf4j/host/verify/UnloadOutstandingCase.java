package org.wdf4j.host.verify;

import java.util.List;
import java.util.random.RandomGenerator;
import org.wdf4j.host.client.DeviceHandle;

/**
 * Unload with requests outstanding: the driver is stopped (its devices removed first, U7) while its requests are in
 * flight and its handles open; every request completes and the unload is clean.
 */
final class UnloadOutstandingCase extends InFlightCase {

    @Override
    public String name() {
        return "unload-outstanding";
    }

    @Override
    public String description() {
        return "stop the driver with requests outstanding and handles open";
    }

    @Override
    String callbackRule() {
        return "U7";
    }

    @Override
    String operate(Trial trial, List<DeviceHandle> handles, RandomGenerator random, CaseLog log) {
        trial.stop();
        return "the driver was stopped";
    }
}
