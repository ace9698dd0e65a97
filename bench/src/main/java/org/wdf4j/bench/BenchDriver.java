package org.wdf4j.bench;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A driver loaded without a host, verifier off, for the benchmarks: its driver object is the parent
 * of every object a benchmark creates. {@link #stop()} unloads it.
 */
final class BenchDriver {

    final FxDriverGlobals globals;
    final WdfDriver driver;

    private BenchDriver(FxDriverGlobals globals, WdfDriver driver) {
        this.globals = globals;
        this.driver = driver;
    }

    static BenchDriver load(String name) {
        FxDriverGlobals globals = FxDriverGlobals.create(name,
                "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\" + name,
                BenchDriver.class.getClassLoader(), false, VerifierSettings.OFF, null);
        FxDriverGlobals.EntryOutcome out = globals.callDriverEntry((driverObject, path) ->
                WdfDriver.create(driverObject, path, WdfObjectAttributes.NONE,
                        WdfDriverConfig.init(null).withUnload(d -> { })).status());
        if (!out.status().isSuccess()) {
            throw new IllegalStateException("DriverEntry of the benchmark driver failed: " + out);
        }
        return new BenchDriver(globals, (WdfDriver) globals.driverObject());
    }

    /**
     * Fails unless only the driver object is left alive, i.e. every object a benchmark made is
     * destroyed. {@code liveObjects()} walks the driver's object tree (O(live objects)), so this
     * belongs in setup or teardown, never in a measured method.
     */
    void checkOnlyDriverLeft(String when) {
        int live = globals.liveObjects();
        if (live != 1 || !globals.driverObject().children().isEmpty()) {
            throw new IllegalStateException(when + ": " + live + " framework objects alive, "
                    + globals.driverObject().children().size() + " children of the driver object; expected only the driver object");
        }
    }

    void stop() {
        FxDriverGlobals.StopOutcome out = globals.stop();
        if (out.refused() || out.hung()) {
            throw new IllegalStateException("stopping the benchmark driver: " + out);
        }
        if (!globals.findings().isEmpty()) {
            throw new IllegalStateException("the benchmark driver has findings: " + globals.findings());
        }
    }

    static void check(NtStatus status, String what) {
        if (!status.isSuccess()) {
            throw new IllegalStateException(what + " failed: " + status);
        }
    }
}
