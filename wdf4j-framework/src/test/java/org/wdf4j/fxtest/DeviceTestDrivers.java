package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.EvtDriverDeviceAdd;
import org.wdf4j.driver.EvtDriverUnload;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.driver.WdfDriverInitFlag;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Devices for the I/O, PnP and file-object tests, made without a host (on top of {@link TestDrivers}): a PnP driver
 * whose EvtDriverDeviceAdd the test writes, a started device with queues, a non-PnP driver with control devices,
 * and the client's side (open, read, wait for a completion), every wait bounded.
 *
 * <p>One instance per test class; {@link #stopAll()} after each test stops every driver still running.
 */
final class DeviceTestDrivers {

    /** The client of every open unless a test names another. */
    static final WdfRequestor CLIENT = new WdfRequestor(4242, 1000, 100);

    /** How long a test waits for something that should happen now; a failure, never a hang. */
    static final Duration WAIT = Duration.ofSeconds(10);

    /**
     * The verifier on and breaking on errors, with a wait timeout short enough that a test which leaves a request
     * with the driver ends its teardown quickly.
     */
    static final VerifierSettings STRICT = VerifierSettings.on().withWaitTimeout(Duration.ofSeconds(5));

    /** The verifier on without breaking on errors: a violation (STATUS_CANNOT_DELETE, ...) is only reported. */
    static final VerifierSettings REPORTING = STRICT.withBreakOnError(false);

    private final TestDrivers drivers = new TestDrivers();

    /** A started PnP device and its driver. */
    record Rig(FxDriverGlobals globals, FxDevice device) {

        FxFileHandle open() {
            return DeviceTestDrivers.open(device);
        }

        WdfQueue defaultQueue() {
            return device.defaultQueue();
        }
    }

    /**
     * Starts a PnP driver (no NON_PNP_DRIVER flag) whose DriverEntry only creates the driver object with
     * {@code deviceAdd} and {@code unload} (either may be null).
     */
    FxDriverGlobals startPnp(String name, VerifierSettings verifier, EvtDriverDeviceAdd deviceAdd, EvtDriverUnload unload) {
        FxDriverGlobals globals = drivers.globals(name, verifier);
        FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, registryPath) -> {
            WdfDriverConfig config = WdfDriverConfig.init(deviceAdd);
            if (unload != null) {
                config = config.withUnload(unload);
            }
            return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE, config).status();
        });
        assertThat(outcome.status()).as("DriverEntry of %s: %s", name, outcome).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(globals.state()).isEqualTo(FxDriverState.STARTED);
        return globals;
    }

    /**
     * Starts a PnP driver with one device, added and started: EvtDriverDeviceAdd runs {@code initSetup} on the init,
     * creates the device with {@code deviceAttributes}, then runs {@code deviceSetup} (which makes the queues; its
     * status is EvtDriverDeviceAdd's).
     */
    Rig startDevice(String name, VerifierSettings verifier, Consumer<WdfDeviceInit> initSetup,
                    WdfObjectAttributes deviceAttributes, Function<WdfDevice, NtStatus> deviceSetup) {
        FxDriverGlobals globals = startPnp(name, verifier, (driver, init) -> {
            initSetup.accept(init);
            NtResult<WdfDevice> device = WdfDevice.create(init, deviceAttributes);
            if (!device.isSuccess()) {
                return device.status();
            }
            return deviceSetup.apply(device.value());
        }, null);
        FxDevice device = addDevice(globals, "ROOT\\" + name.toUpperCase(Locale.ROOT) + "\\0000");
        FxDevice.PnpOutcome started = device.pnp(FxPnpMachine.Event.START);
        assertThat(started.state()).as("START of %s: %s", device, started).isEqualTo(FxPnpMachine.State.STARTED);
        return new Rig(globals, device);
    }

    /** {@link #startDevice} with no init set-up and no device attributes. */
    Rig startDevice(String name, VerifierSettings verifier, Function<WdfDevice, NtStatus> deviceSetup) {
        return startDevice(name, verifier, init -> { }, WdfObjectAttributes.NONE, deviceSetup);
    }

    /** A started device whose only queue is a default queue made with {@code config}. */
    Rig startWithDefaultQueue(String name, VerifierSettings verifier, WdfIoQueueConfig config) {
        return startDevice(name, verifier, device -> WdfQueue.create(device, config, WdfObjectAttributes.NONE).status());
    }

    /**
     * Starts a non-PnP driver (NON_PNP_DRIVER, with {@code unload}) whose DriverEntry creates the driver object and
     * then runs {@code body}, whose status is DriverEntry's.
     */
    FxDriverGlobals startNonPnp(String name, VerifierSettings verifier, Function<WdfDriver, NtStatus> body,
                                EvtDriverUnload unload) {
        return startNonPnp(drivers.globals(name, verifier), body, unload);
    }

    /** As {@link #startNonPnp(String, VerifierSettings, Function, EvtDriverUnload)} for globals made with {@link #globals}. */
    FxDriverGlobals startNonPnp(FxDriverGlobals globals, Function<WdfDriver, NtStatus> body, EvtDriverUnload unload) {
        FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, registryPath) -> {
            NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                    WdfDriverConfig.init(null).withFlags(WdfDriverInitFlag.NON_PNP_DRIVER).withUnload(unload));
            if (!created.isSuccess()) {
                return created.status();
            }
            return body.apply(created.value());
        });
        assertThat(outcome.status()).as("DriverEntry of %s: %s", globals.name(), outcome).isEqualTo(NtStatus.STATUS_SUCCESS);
        return globals;
    }

    /** The globals of a driver the test starts itself (stopped by {@link #stopAll()}). */
    FxDriverGlobals globals(String name, VerifierSettings verifier) {
        return drivers.globals(name, verifier);
    }

    /** Stops every driver still running; after each test. */
    void stopAll() {
        drivers.stopAll();
    }

    // ---------------------------------------------------------------------------------------------
    // The PnP manager's and the client's side

    /** The PnP manager adds a device; fails the test unless EvtDriverDeviceAdd made one. */
    static FxDevice addDevice(FxDriverGlobals globals, String instanceId) {
        String hardwareId = instanceId.substring(0, instanceId.lastIndexOf('\\'));
        NtResult<FxDevice> added = globals.addDevice(hardwareId, instanceId);
        assertThat(added.status()).as("addDevice(%s) of %s; findings %s", instanceId, globals, globals.findings())
                .isEqualTo(NtStatus.STATUS_SUCCESS);
        return added.value();
    }

    /** Opens {@code device} as {@link #CLIENT}; fails the test unless the open succeeds. */
    static FxFileHandle open(FxDevice device) {
        NtResult<FxFileHandle> opened = tryOpen(device, CLIENT, "");
        assertThat(opened.status()).as("open of %s", device).isEqualTo(NtStatus.STATUS_SUCCESS);
        return opened.value();
    }

    /** Opens {@code device} and waits for the open's outcome. */
    static NtResult<FxFileHandle> tryOpen(FxDevice device, WdfRequestor requestor, String fileName) {
        return get(device.open(requestor, fileName), "the open of " + device);
    }

    /** Waits for the client's side of {@code irp} to complete. */
    static FxIoStatus result(FxIrp irp) {
        return get(irp.future(), "the completion of " + irp);
    }

    /** Waits, bounded by {@link #WAIT}, for {@code future}. */
    static <T> T get(CompletableFuture<T> future, String what) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not happen within " + WAIT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        } catch (ExecutionException e) {
            throw new AssertionError(what + " failed", e.getCause());
        }
    }

    /** Waits, bounded by {@link #WAIT}, for {@code latch}; fails the test otherwise. */
    static void await(CountDownLatch latch, String what) {
        try {
            assertThat(latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("%s within %s", what, WAIT).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        }
    }

    /**
     * Waits inside a driver callback (never on the passive thread) for {@code latch}, bounded: a callback that
     * waited forever would hang the test instead of failing it.
     */
    static boolean awaitInCallback(CountDownLatch latch) {
        try {
            return latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Busy-waits about {@code nanos} (work inside a callback, without sleeping). */
    static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() - end < 0) {
            Thread.onSpinWait();
        }
    }

    /** The text of the findings, for failure messages. */
    static String describe(FxDriverGlobals globals) {
        List<String> lines = globals.findings().stream()
                .map(f -> f.kind() + " " + f.rule() + " [" + f.object() + "] " + f.message().lines().findFirst().orElse(""))
                .toList();
        return globals + ", findings " + lines;
    }

    /**
     * Several independent checks reported together (like AssertJ's soft assertions, without their start-up cost): a
     * test that shows a framework bug then names every broken expectation at once.
     */
    static final class Problems {
        private final List<String> problems = new ArrayList<>();

        /** Records {@code what} unless {@code ok}. */
        Problems check(boolean ok, String what, Object... args) {
            if (!ok) {
                problems.add(String.format(what, args));
            }
            return this;
        }

        /** Records a mismatch unless {@code actual} equals {@code expected}. */
        Problems checkEqual(Object actual, Object expected, String what, Object... args) {
            if (!Objects.equals(actual, expected)) {
                problems.add(String.format(what, args) + ": expected " + expected + " but was " + actual);
            }
            return this;
        }

        /** Fails the test with every recorded problem, one a line. */
        void assertNone() {
            assertThat(problems).as("%d problem(s):%n  %s", problems.size(), String.join("\n  ", problems)).isEmpty();
        }
    }

    /** Creates a queue and fails the test unless the creation succeeds. */
    static WdfQueue queue(WdfDevice device, WdfIoQueueConfig config, WdfObjectAttributes attributes) {
        NtResult<WdfQueue> created = WdfQueue.create(device, config, attributes);
        assertThat(created.status()).as("WdfIoQueueCreate %s", config.dispatchType()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return created.value();
    }
}
