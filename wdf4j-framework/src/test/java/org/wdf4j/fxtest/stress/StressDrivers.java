package org.wdf4j.fxtest.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * PnP drivers for the stress tests, made without a host (as {@code fxtest.TestDrivers}, which is package-private
 * there): one {@link FxDriverGlobals} per driver, driver classes from the test class path.
 *
 * <p>The test code lives outside {@code org.wdf4j.framework} so that the verifier, which drops the framework's own
 * frames from the stacks it records, names it as driver code.
 *
 * <p>Every driver runs with the verifier on and breaking on errors, and with a short wait timeout: a framework wait
 * that never ends (a request nobody completes, a stop never acknowledged) becomes a HUNG finding and a failed test
 * within seconds instead of blocking CI for minutes.
 */
final class StressDrivers {

    static final String REGISTRY_ROOT = "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";

    /** Long enough for any legitimate framework wait on a loaded 2-core CI machine, short enough to fail fast. */
    static final Duration WAIT_TIMEOUT = Duration.ofSeconds(10);

    /** How long a test waits for the clients' answers before it calls it a hang. */
    static final long ANSWER_TIMEOUT_SECONDS = 30;

    private final List<FxDriverGlobals> started = new ArrayList<>();
    private final List<WdfBugCheck> bugChecks = new java.util.concurrent.CopyOnWriteArrayList<>();

    static VerifierSettings verifier() {
        return VerifierSettings.on().withWaitTimeout(WAIT_TIMEOUT);
    }

    /**
     * Starts a PnP driver whose EvtDriverDeviceAdd calls {@code deviceAdd} with the device init; the driver has an
     * (empty) EvtDriverUnload. Fails the test when DriverEntry fails.
     */
    FxDriverGlobals startPnp(String name, Function<WdfDeviceInit, NtStatus> deviceAdd) {
        return startPnp(name, WAIT_TIMEOUT, deviceAdd);
    }

    /** As {@link #startPnp(String, Function)}, with the verifier's wait timeout {@code waitTimeout}. */
    FxDriverGlobals startPnp(String name, Duration waitTimeout, Function<WdfDeviceInit, NtStatus> deviceAdd) {
        return startPnp(name, verifier().withWaitTimeout(waitTimeout), deviceAdd);
    }

    /** As {@link #startPnp(String, Function)}, with the verifier settings {@code verifier}. */
    FxDriverGlobals startPnp(String name, VerifierSettings verifier, Function<WdfDeviceInit, NtStatus> deviceAdd) {
        FxDriverGlobals globals = FxDriverGlobals.create(name, REGISTRY_ROOT + name,
                StressDrivers.class.getClassLoader(), false, verifier, (g, bugCheck) -> bugChecks.add(bugCheck));
        synchronized (started) {
            started.add(globals);
        }
        FxDriverGlobals.EntryOutcome outcome = globals.callDriverEntry((driverObject, registryPath) -> WdfDriver.create(
                driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init((driver, init) -> deviceAdd.apply(init)).withUnload(d -> { })).status());
        assertThat(outcome.status()).as("DriverEntry of %s: %s", name, outcome).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(globals.state()).isEqualTo(FxDriverState.STARTED);
        return globals;
    }

    /** EvtDriverDeviceAdd for {@code instanceId}, then START; fails the test unless the device is STARTED. */
    static FxDevice addAndStart(FxDriverGlobals globals, String instanceId) {
        NtResult<FxDevice> added = globals.addDevice("ROOT\\STRESS", instanceId);
        assertThat(added.status()).as("addDevice %s", instanceId).isEqualTo(NtStatus.STATUS_SUCCESS);
        FxDevice device = added.value();
        FxDevice.PnpOutcome outcome = device.pnp(FxPnpMachine.Event.START);
        assertThat(outcome.state()).as("START of %s: %s", instanceId, outcome).isEqualTo(FxPnpMachine.State.STARTED);
        return device;
    }

    /** Opens the device for a client (process {@code pid}); fails the test unless the open succeeds. */
    static FxFileHandle open(FxDevice device, int pid) {
        try {
            NtResult<FxFileHandle> opened = device.open(new WdfRequestor(pid, 0, 0), "").get(ANSWER_TIMEOUT_SECONDS,
                    TimeUnit.SECONDS);
            assertThat(opened.status()).as("open of %s", device).isEqualTo(NtStatus.STATUS_SUCCESS);
            return opened.value();
        } catch (Exception e) {
            throw new AssertionError("open of " + device + " did not answer", e);
        }
    }

    /**
     * A driver thread of a stress test: until {@code stop}, takes the next item of {@code work} and moves it one step on
     * ({@code step}, which may put it back), spinning briefly when there is none; a step that is a bug check is told to
     * {@code bugCheck} and the loop goes on.
     */
    static <T> void work(Queue<T> work, AtomicBoolean stop, Consumer<T> step, BiConsumer<T, WdfBugCheck> bugCheck) {
        while (!stop.get()) {
            T item = work.poll();
            if (item == null) {
                Thread.onSpinWait();
                Thread.yield();
                continue;
            }
            try {
                step.accept(item);
            } catch (WdfBugCheck e) {
                bugCheck.accept(item, e);
            }
        }
    }

    /**
     * A client's answers, one per request id, for {@code CompletableFuture.allOf}: the counting future of each request,
     * or a failed one for a request never sent.
     */
    static CompletableFuture<?>[] answers(AtomicReferenceArray<CompletableFuture<FxIoStatus>> counted) {
        CompletableFuture<?>[] all = new CompletableFuture<?>[counted.length()];
        for (int i = 0; i < all.length; i++) {
            CompletableFuture<FxIoStatus> answer = counted.get(i);
            all[i] = answer == null ? CompletableFuture.failedFuture(new AssertionError("request " + i + " never sent"))
                    : answer;
        }
        return all;
    }

    /**
     * A client's step between requests: a pause now and then ({@code random}), and the requests already answered
     * dropped from {@code inFlight} once it holds more than 64 ids.
     */
    static void pauseAndPrune(SplittableRandom random, List<Integer> inFlight, AtomicReferenceArray<FxIrp> irps) {
        int pause = random.nextInt(8) == 0 ? random.nextInt(500) : 0;
        for (int i = 0; i < pause; i++) {
            Thread.onSpinWait();
        }
        if (inFlight.size() > 64) {
            inFlight.removeIf(i -> irps.get(i).future().isDone());
        }
    }

    /** Closes every handle of {@code handles}, emptying it. */
    static void closeAll(Queue<FxFileHandle> handles) {
        FxFileHandle h;
        while ((h = handles.poll()) != null) {
            h.close();
        }
    }

    /** The bug checks the drivers raised (the failure listener's view; each is also a BUG_CHECK finding). */
    List<WdfBugCheck> bugChecks() {
        return List.copyOf(bugChecks);
    }

    /** Every finding of {@code globals}, one per line, for assertion messages. */
    static String describe(List<Finding> findings) {
        StringBuilder text = new StringBuilder();
        for (Finding f : findings) {
            text.append("\n  ").append(f.kind()).append(' ').append(f.rule()).append(' ').append(f.object()).append(": ")
                    .append(f.message());
            if (!f.stack().isEmpty()) {
                text.append("\n    at ").append(f.stack().lines().limit(12).reduce((a, b) -> a + "\n    " + b).orElse(""));
            }
        }
        return text.toString();
    }

    /**
     * The common ending of every stress test: the driver has no findings (no bug check, violation, exception or
     * leaked request), its devices are gone, and {@code globals.stop()} is clean (not refused, not hung, still no
     * finding).
     */
    void assertCleanStop(FxDriverGlobals globals, String context) {
        assertThat(globals.failure()).as("%s: bug check%s", context, describe(globals.findings())).isNull();
        assertThat(globals.findings()).as("%s: findings before stop%s", context, describe(globals.findings())).isEmpty();
        FxDriverGlobals.StopOutcome stop = globals.stop();
        assertThat(stop.refused()).as("%s: stop refused: %s", context, stop.refusal()).isFalse();
        assertThat(stop.hung()).as("%s: stop hung%s", context, describe(globals.findings())).isFalse();
        assertThat(globals.state()).as("%s: driver state after stop", context).isEqualTo(FxDriverState.UNLOADED);
        assertThat(globals.devices()).as("%s: devices after stop", context).isEmpty();
        assertThat(globals.findings()).as("%s: findings after stop%s", context, describe(globals.findings())).isEmpty();
        assertThat(bugChecks).as("%s: bug checks", context).isEmpty();
    }

    /** Stops every driver still running, and checks that the test left the calling thread at PASSIVE_LEVEL. */
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
