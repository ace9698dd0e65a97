package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.FxObject;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Drivers for the framework's tests, made without a host: one {@link FxDriverGlobals} per driver, with the
 * driver classes taken from the test class path ({@code exclusiveLoader=false}).
 *
 * <p>The tests live in {@code org.wdf4j.fxtest}, outside {@code org.wdf4j.framework}, on purpose: the verifier
 * drops the framework's own frames ({@code org.wdf4j.framework.*}) from the stacks it records, so the test code
 * must look like driver code for the creation stacks and reference histories to name it.
 *
 * <p>Every test class holds one instance and calls {@link #stopAll()} after each test, so that every driver's
 * passive thread ends.
 */
final class TestDrivers {

    static final String REGISTRY_ROOT = "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";

    private final List<FxDriverGlobals> started = new ArrayList<>();

    /** Starts a driver whose DriverEntry only creates the driver object (with an unload callback). */
    FxDriverGlobals start(String name, VerifierSettings verifier) {
        return start(name, verifier, WdfObjectAttributes.NONE, driver -> { });
    }

    /** Starts a driver whose DriverEntry creates the driver object, then runs {@code body} (on the passive thread). */
    FxDriverGlobals start(String name, VerifierSettings verifier, Consumer<WdfDriver> body) {
        return start(name, verifier, WdfObjectAttributes.NONE, body);
    }

    FxDriverGlobals start(String name, VerifierSettings verifier, WdfObjectAttributes driverAttributes,
                          Consumer<WdfDriver> body) {
        FxDriverGlobals globals = globals(name, verifier);
        FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, registryPath) -> {
            NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, driverAttributes,
                    WdfDriverConfig.init(null).withUnload(d -> { }));
            if (created.isSuccess()) {
                body.accept(created.value());
            }
            return created.status();
        });
        assertThat(outcome.status()).as("DriverEntry of %s: %s", name, outcome).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(globals.state()).isEqualTo(FxDriverState.STARTED);
        return globals;
    }

    /** Makes the globals of a driver that the caller will start itself; it is stopped by {@link #stopAll()}. */
    FxDriverGlobals globals(String name, VerifierSettings verifier) {
        FxDriverGlobals globals = FxDriverGlobals.create(name, REGISTRY_ROOT + name, TestDrivers.class.getClassLoader(),
                false, verifier, (g, bugCheck) -> { });
        synchronized (started) {
            started.add(globals);
        }
        return globals;
    }

    static WdfDriver driver(FxDriverGlobals globals) {
        return (WdfDriver) globals.driverObject();
    }

    static FxObject fx(WdfObject object) {
        return (FxObject) object;
    }

    /** Creates a general object under {@code parent}; fails the test when the creation fails. */
    static WdfObject create(WdfObject parent, WdfObjectAttributes attributes) {
        NtResult<WdfObject> created = WdfObject.create(attributes.withParent(parent));
        assertThat(created.status()).as("WdfObjectCreate under %s", parent).isEqualTo(NtStatus.STATUS_SUCCESS);
        return created.value();
    }

    static WdfObject create(WdfObject parent) {
        return create(parent, WdfObjectAttributes.NONE);
    }

    /**
     * Stops every driver still running (a driver that failed with a bug check is still STARTED and is torn down
     * without EvtDriverUnload), and checks that the test left the calling thread at PASSIVE_LEVEL.
     */
    void stopAll() {
        List<FxDriverGlobals> drivers;
        synchronized (started) {
            drivers = List.copyOf(started);
            started.clear();
        }
        for (FxDriverGlobals globals : drivers) {
            if (globals.state() == FxDriverState.STARTED) {
                globals.stop();
            }
        }
        assertThat(Irql.current()).as("the test must lower the IRQL it raised").isEqualTo(Irql.PASSIVE_LEVEL);
    }
}
