package org.wdf4j.host.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.wdf4j.host.client.DeviceHandle;

/**
 * A cancellation storm: many requests sent, and cancelled at seeded random moments (right after they were sent, a few
 * requests later, or all of a handle's at once with {@code CancelIoEx}); each completes exactly once (ST7), cancelled
 * or not, within the bound.
 */
final class CancelStormCase extends InFlightCase {

    /** Requests sent on each handle in the storm. */
    static final int STORM_PER_HANDLE = 64;

    @Override
    public String name() {
        return "cancel-storm";
    }

    @Override
    public String description() {
        return STORM_PER_HANDLE + " requests a handle cancelled at seeded random moments";
    }

    @Override
    String callbackRule() {
        return "ST7";
    }

    @Override
    String operate(Trial trial, List<DeviceHandle> handles, RandomGenerator random, CaseLog log) {
        List<IoLedger.Sent> live = new ArrayList<>();
        int cancelled = 0;
        for (int i = 0; i < STORM_PER_HANDLE; i++) {
            for (DeviceHandle h : handles) {
                IoLedger.Sent sent = IoMix.send(h, random, trial.ledger());
                int moment = random.nextInt(8);
                if (moment == 0) {
                    cancelled += sent.io().cancel() ? 1 : 0; // at once, racing its presentation to the driver
                } else if (moment < 5) {
                    live.add(sent);
                }
                if (!live.isEmpty() && random.nextInt(3) == 0) {
                    cancelled += live.remove(random.nextInt(live.size())).io().cancel() ? 1 : 0; // some requests later
                }
                for (int spin = random.nextInt(200); spin > 0; spin--) {
                    Thread.onSpinWait(); // a seeded pause before the next step
                }
            }
            if (random.nextInt(STORM_PER_HANDLE) == 0 && !handles.isEmpty()) {
                cancelled += handles.get(random.nextInt(handles.size())).cancelAll();
            }
        }
        for (IoLedger.Sent s : live) {
            cancelled += s.io().cancel() ? 1 : 0;
        }
        log.note(cancelled + " cancels asked");
        return "the storm of cancels";
    }
}
