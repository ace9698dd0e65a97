package org.wdf4j.host.verify;

import java.util.ArrayList;
import java.util.List;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.framework.VerifierSettings.AllocateFail;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.client.DeviceHandle;

/**
 * Every framework allocation failed in turn: runs the driver (devices added, every interface opened, a little I/O,
 * then unload) with the verifier's {@link AllocateFail#only(int) fail-only-the-Nth} for N = 1, 2, ... until a run in
 * which no allocation was failed (the driver made fewer than N). Each run must end with a clean unload: whatever
 * failed, the driver lets go of what it made (U2, V2), finds nothing wrong, and does not hang. DriverEntry or a device
 * failing to start is the driver's right answer to a failed allocation, not a finding.
 */
final class AllocateFailCase implements VerifyCase {

    /** The most runs: a driver still allocating after this many is noted, not failed. */
    static final int MAX_RUNS = 200;

    /** When not null, only this N runs (the replay of one finding). */
    private final Integer only;

    AllocateFailCase(Integer only) {
        this.only = only;
    }

    @Override
    public String name() {
        return "allocate-fail";
    }

    @Override
    public String description() {
        return "fail only the Nth framework allocation, for N = 1.. until the driver makes no more; each unload clean";
    }

    @Override
    public CaseResult run(VerifyTarget target) {
        CaseLog log = new CaseLog(this, target);
        int first = only == null ? 1 : only;
        int last = only == null ? MAX_RUNS : only;
        int n = first;
        for (; n <= last; n++) {
            if (!runOnce(target, n, log)) {
                break;
            }
        }
        if (only == null) {
            log.note(n > last ? "stopped after " + MAX_RUNS + " runs: the driver still allocates"
                    : (n - 1) + " allocations failed in turn, run " + n + " failed none");
        }
        return log.result();
    }

    /** One run with allocation N failed; answers whether an allocation was failed. */
    private boolean runOnce(VerifyTarget target, int n, CaseLog log) {
        String replay = "--allocate-fail " + n;
        VerifierSettings verifier = target.verifier().withAllocateFail(AllocateFail.only(n));
        try (Trial trial = Trial.start(target, verifier)) {
            if (trial.report() == null) {
                List<DeviceHandle> handles = trial.openAll(new ArrayList<>());
                trial.sendMix(handles, VerifyCase.random(target.seed(), name()), 1);
                log.stuck(trial.ledger().awaitAll(target.requestBound()), "allocation " + n + " was failed", replay);
                trial.closeHandles();
                trial.stop();
            }
            log.report(trial, true, "V1", replay);
            return trial.report() == null || trial.report().callbacks().stream()
                    .anyMatch(line -> line.startsWith("verifier failed "));
        } catch (DriverPackageException e) {
            log.add("D1", "the driver package cannot be loaded: " + e.getMessage(), replay);
            return false;
        } catch (RuntimeException e) {
            log.add("V1", "with allocation " + n + " failed, the case could not go on: " + e, replay);
            return false;
        }
    }
}
