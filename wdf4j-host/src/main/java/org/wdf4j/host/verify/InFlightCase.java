package org.wdf4j.host.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.client.DeviceHandle;

/**
 * The shape of the cases that do something to the driver with I/O in flight: start the driver and add the devices,
 * open every interface, send a seeded mix of requests, {@link #operate}, then check that every request completed within
 * the bound, stop the driver and check its unload report.
 */
abstract class InFlightCase implements VerifyCase {

    /** Requests sent on each handle before the operation. */
    static final int REQUESTS_PER_HANDLE = 4;

    /**
     * Does the case's operation while the requests are in flight (it may send more); answers what it did, in words,
     * for a finding about requests that did not complete after it.
     */
    abstract String operate(Trial trial, List<DeviceHandle> handles, RandomGenerator random, CaseLog log);

    /** The rule a crash in a driver callback during the case breaks. */
    String callbackRule() {
        return "ST4";
    }

    /** The verifier settings of the case's run. */
    VerifierSettings verifier(VerifyTarget target) {
        return target.verifier();
    }

    @Override
    public final CaseResult run(VerifyTarget target) {
        CaseLog log = new CaseLog(this, target);
        String replay = target.seedOption();
        RandomGenerator random = VerifyCase.random(target.seed(), name());
        try (Trial trial = Trial.start(target, verifier(target))) {
            if (trial.report() == null) {
                trial.notStarted().forEach(n -> log.add(callbackRule(), "the device did not start: " + n));
                List<String> refused = new ArrayList<>();
                List<DeviceHandle> handles = trial.openAll(refused);
                refused.forEach(log::note);
                trial.sendMix(handles, random, REQUESTS_PER_HANDLE);
                String after = operate(trial, handles, random, log);
                log.stuck(trial.ledger().awaitAll(target.requestBound()), after, replay);
                trial.closeHandles();
                trial.stop();
                IoLedger ledger = trial.ledger();
                log.note(ledger.size() + " requests on " + handles.size() + " handles: " + ledger.succeeded()
                        + " succeeded, " + ledger.notHandled() + " not handled by the driver");
            }
            log.report(trial, false, callbackRule(), replay);
        } catch (DriverPackageException e) {
            log.add("D1", "the driver package cannot be loaded: " + e.getMessage());
        } catch (RuntimeException e) {
            log.add(callbackRule(), "the case could not go on: " + e);
        }
        return log.result();
    }
}
