package org.wdf4j.host.verify;

import java.util.List;
import java.util.random.RandomGenerator;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.client.DeviceHandle;

/**
 * Seeded random delays at the framework's interleaving points ({@link VerifierSettings.InterleavingDelays}: queue
 * dispatch, completion, cancel, PnP, power, timer and work item callbacks), the way Fuchsia fuzzes driver shutdown:
 * with the delays on, I/O in flight, some of it cancelled, the system slept and woken, then the driver unloaded.
 */
final class InterleavingCase extends InFlightCase {

    @Override
    public String name() {
        return "interleaving";
    }

    @Override
    public String description() {
        return "seeded delays at the framework's interleaving points; cancel, sleep, wake and unload with I/O in flight";
    }

    @Override
    VerifierSettings verifier(VerifyTarget target) {
        return target.verifier().withInterleavingDelays(VerifierSettings.InterleavingDelays.seeded(target.seed()));
    }

    @Override
    String operate(Trial trial, List<DeviceHandle> handles, RandomGenerator random, CaseLog log) {
        for (IoLedger.Sent s : trial.ledger().all()) {
            if (random.nextBoolean()) {
                s.io().cancel();
            }
        }
        trial.pnp().sleep();
        trial.pnp().wake();
        trial.sendMix(handles, random, REQUESTS_PER_HANDLE);
        trial.stop();
        return "the cancels, the sleep and wake and the unload";
    }
}
