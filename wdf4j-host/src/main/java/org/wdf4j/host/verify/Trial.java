package org.wdf4j.host.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.wdf4j.NtResult;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.DriverStopRefusedException;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.host.client.DeviceHandle;

/**
 * One run of a case: a throw-away {@link DriverHost} with the driver started (verifier on) and the target's devices
 * added, the handles the case opened, the requests it sent ({@link #ledger()}), and at the end the driver's unload
 * report. Closing it closes the handles, stops the driver if the case did not, and closes the host. Used by one
 * thread, the case's, except {@link #ledger()}, which is thread-safe.
 */
final class Trial implements AutoCloseable {

    private final VerifyTarget target;
    private final DriverHost host;
    private final HostedDriver driver;
    private final List<PnpManager.DevNode> added;
    private final List<DeviceHandle> handles = new ArrayList<>();
    private final IoLedger ledger = new IoLedger();
    private UnloadReport report;
    private String stopRefused;

    private Trial(VerifyTarget target, DriverHost host, HostedDriver driver, List<PnpManager.DevNode> added) {
        this.target = target;
        this.host = host;
        this.driver = driver;
        this.added = added;
    }

    /**
     * Starts the driver with {@code verifier} in a new throw-away host and adds the target's devices. A driver whose
     * DriverEntry failed has no devices; its report is {@link #report()} at once.
     */
    static Trial start(VerifyTarget target, VerifierSettings verifier) throws DriverPackageException {
        // H7: a driver host that does not answer is ended within the case's bound, not after the default minute
        DriverHost host = DriverHost.create().hostProcessTimeout(target.requestBound());
        try {
            HostedDriver driver = host.start(target.driverPackage(), verifier, target.hosting());
            List<PnpManager.DevNode> added = new ArrayList<>();
            Trial trial = new Trial(target, host, driver, added);
            if (driver.report() != null) {
                trial.report = driver.report();
                return trial;
            }
            for (String id : target.hardwareIds()) {
                added.add(host.pnp().addDevice(id));
            }
            return trial;
        } catch (DriverPackageException | RuntimeException e) {
            host.close();
            throw e;
        }
    }

    DriverHost host() {
        return host;
    }

    PnpManager pnp() {
        return host.pnp();
    }

    IoLedger ledger() {
        return ledger;
    }

    /** The devices as they were added (their status then: STARTED, FAILED...). */
    List<PnpManager.DevNode> added() {
        return added;
    }

    /** The instance IDs of the devices added. */
    List<String> instanceIds() {
        return added.stream().map(PnpManager.DevNode::instanceId).toList();
    }

    /** The devices added that did not start, with why, e.g. {@code ROOT\ECHO\0000 (ROOT\ECHO) driver echo: FAILED ...}. */
    List<String> notStarted() {
        return added.stream().filter(n -> n.status() != PnpManager.Status.STARTED).map(Object::toString).toList();
    }

    /**
     * Opens a handle on every interface of every started device now; answers the handles opened. A device the driver
     * refuses to open is skipped (the status is in {@code refused}).
     */
    List<DeviceHandle> openAll(List<String> refused) {
        List<DeviceHandle> opened = new ArrayList<>();
        for (String id : instanceIds()) {
            PnpManager.DevNode node = host.pnp().device(id).orElse(null);
            if (node == null || node.status() != PnpManager.Status.STARTED) {
                continue;
            }
            for (String path : node.interfaces()) {
                NtResult<DeviceHandle> h = host.client().open(path);
                if (h.isSuccess()) {
                    opened.add(h.value());
                } else {
                    refused.add("open " + path + ": " + h.status());
                }
            }
        }
        handles.addAll(opened);
        return opened;
    }

    /** Sends {@code perHandle} random requests on each handle ({@link IoMix}). */
    void sendMix(List<DeviceHandle> on, RandomGenerator random, int perHandle) {
        for (int i = 0; i < perHandle; i++) {
            for (DeviceHandle h : on) {
                IoMix.send(h, random, ledger);
            }
        }
    }

    /** Closes the handles opened so far (EvtFileCleanup cancels what they still have in flight). */
    void closeHandles() {
        handles.forEach(DeviceHandle::close);
        handles.clear();
    }

    /** Stops the driver (its devices are removed first, U7) and answers its unload report; once. */
    UnloadReport stop() {
        if (report == null) {
            try {
                report = host.stop(driver);
            } catch (DriverStopRefusedException e) {
                stopRefused = e.getMessage();
            }
        }
        return report;
    }

    /** The unload report, once the driver is stopped or failed to start; else null. */
    UnloadReport report() {
        return report;
    }

    /** Why the framework refused to stop the driver, or null. */
    String stopRefused() {
        return stopRefused;
    }

    VerifyTarget target() {
        return target;
    }

    @Override
    public void close() {
        try {
            closeHandles();
            stop();
        } finally {
            host.close();
        }
    }
}
