package org.wdf4j.host.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.client.DeviceHandle;

/**
 * PnP disable and enable with I/O in flight ({@code devcon disable}, then {@code enable}): the requests in flight
 * complete when the device is disabled, the device starts again, and new handles on it take I/O.
 */
final class DisableEnableCase extends InFlightCase {

    @Override
    public String name() {
        return "disable-enable";
    }

    @Override
    public String description() {
        return "disable every device with I/O in flight, enable it, send I/O again";
    }

    @Override
    String operate(Trial trial, List<DeviceHandle> handles, RandomGenerator random, CaseLog log) {
        for (String id : trial.instanceIds()) {
            trial.pnp().disable(id);
        }
        log.stuck(trial.ledger().awaitAll(trial.target().requestBound()), "the devices were disabled",
                trial.target().seedOption());
        trial.closeHandles();
        for (String id : trial.instanceIds()) {
            PnpManager.DevNode node = trial.pnp().enable(id);
            if (node.status() != PnpManager.Status.STARTED) {
                log.add(callbackRule(), "the device did not start again after it was enabled: " + node);
            }
        }
        List<DeviceHandle> again = trial.openAll(new ArrayList<>());
        trial.sendMix(again, random, REQUESTS_PER_HANDLE);
        return "the devices were enabled again";
    }
}
