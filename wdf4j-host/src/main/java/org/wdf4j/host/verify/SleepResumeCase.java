package org.wdf4j.host.verify;

import java.util.List;
import java.util.random.RandomGenerator;
import org.wdf4j.host.client.DeviceHandle;

/**
 * The system sleeps and wakes (the PnP manager's power operations: every device to D3 and back to D0) with I/O in
 * flight, and more I/O sent while it sleeps: every request completes once the system is awake.
 */
final class SleepResumeCase extends InFlightCase {

    @Override
    public String name() {
        return "sleep-resume";
    }

    @Override
    public String description() {
        return "sleep (D3) and wake (D0) with I/O in flight and I/O sent while asleep";
    }

    @Override
    String operate(Trial trial, List<DeviceHandle> handles, RandomGenerator random, CaseLog log) {
        trial.pnp().sleep();
        trial.sendMix(handles, random, REQUESTS_PER_HANDLE);
        trial.pnp().wake();
        return "the system slept and woke";
    }
}
