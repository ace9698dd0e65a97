package org.wdf4j.fxtest.stress;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Model checking of a request's completion/cancel race with Lincheck ({@code org.jetbrains.lincheck:lincheck} 3.7,
 * which runs on JDK 25 here): {@link Lincheck#runConcurrentTest} runs each scenario many times, each time under a
 * different thread interleaving that Lincheck chooses and controls, switching threads at the framework's shared
 * memory accesses and monitor operations (FxRequest's state machine, FxIrp's future, FxIoQueue's lists), not only at
 * the test's. A failure comes with the interleaving that leads to it.
 *
 * <p>The driver follows the echo sample's discipline: the pending request and its cancel routine share one lock (the
 * sample's queue lock, here the driver's own); the driver completes only if {@code unmarkCancelable()} did not
 * answer STATUS_CANCELLED; the cancel routine forgets the request and completes it with STATUS_CANCELLED.
 *
 * <p>The sequential specification, checked after every interleaving: the request is completed exactly once in all
 * (the driver's completions plus the cancel routine's plus the framework's, for a request cancelled before it
 * reached the driver); the client's future is done, with STATUS_CANCELLED exactly when the cancel came first (the
 * cancel routine, or the driver seeing the cancel, completed it; or the framework, before presenting it) and
 * STATUS_SUCCESS exactly when the driver's completion came first; no bug check and no finding.
 *
 * <p>Every invocation starts with the same driver, device and open handle and no request in flight (each ends with
 * its request completed); the driver's counts are cleared at its start. Inside the analysed code the checks are plain
 * ({@code AssertionError}); AssertJ's assertions there trip Lincheck 3.7 (it calls {@code equals} on them).
 */
class RequestCancelRaceLincheckTest {

    /**
     * Lincheck invocations (interleavings) per scenario: about 40 ms each on an idle 2-core machine, after a first
     * run that instruments the classes (about 7 s); {@code -Dwdf4j.lincheck.invocations=N} for a deeper search.
     */
    private static final int INVOCATIONS = Integer.getInteger("wdf4j.lincheck.invocations", 120);

    private final StressDrivers drivers = new StressDrivers();
    private EchoLikeDriver driver;
    private FxDriverGlobals globals;
    private FxFileHandle handle;

    @BeforeEach
    void startDriver() {
        driver = new EchoLikeDriver();
        globals = drivers.startPnp("lincheck", driver::deviceAdd);
        FxDevice device = StressDrivers.addAndStart(globals, "ROOT\\STRESS\\LINCHECK");
        handle = StressDrivers.open(device, 7);
    }

    @AfterEach
    void stopDriver() {
        drivers.stopAll();
    }

    /** The driver completes (unmark first) while the client cancels a request the driver holds cancelable. */
    @Test
    void driverCompletionRacesClientCancel() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            driver.reset();
            FxIrp irp = handle.write(new byte[] {1}); // EvtIoWrite runs here and marks it cancelable
            AtomicReference<Outcome> completed = new AtomicReference<>();
            Thread completing = new Thread(() -> completed.set(driver.completePending()));
            Thread cancelling = new Thread(irp::cancel);
            runBoth(completing, cancelling);
            checkExactlyOnce(irp, completed.get(), true);
        });
        assertCleanAfterLincheck();
    }

    /**
     * The client sends a request while cancelling everything its handle has in flight; the driver completes it as
     * soon as it has it. The cancel may reach the request before it is bound to the driver's request, while it waits
     * in the queue, while EvtIoWrite runs (before or after it marks it cancelable), or never.
     */
    @Test
    void sendingAndCompletionRaceCancelAll() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            driver.reset();
            AtomicReference<FxIrp> sent = new AtomicReference<>();
            AtomicReference<Outcome> completed = new AtomicReference<>();
            Thread sendingThenCompleting = new Thread(() -> {
                sent.set(handle.write(new byte[] {2}));
                completed.set(driver.completePending());
            });
            Thread cancelling = new Thread(handle::cancelAll);
            runBoth(sendingThenCompleting, cancelling);
            checkExactlyOnce(sent.get(), completed.get(), false);
        });
        assertCleanAfterLincheck();
    }

    /**
     * The driver takes the request out of reach of cancellation ({@code unmarkCancelable}), marks it cancelable
     * again with {@code markCancelableEx} (which answers STATUS_CANCELLED for a request cancelled meanwhile: the
     * driver then completes it with STATUS_CANCELLED), then completes it; the client cancels meanwhile.
     */
    @Test
    void unmarkAndRemarkRaceClientCancel() {
        Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            driver.reset();
            FxIrp irp = handle.write(new byte[] {3});
            AtomicReference<Outcome> completed = new AtomicReference<>();
            Thread driverThread = new Thread(() -> {
                Outcome remark = driver.unmarkAndRemark();
                completed.set(remark == Outcome.COMPLETED_CANCELLED ? remark : driver.completePending());
            });
            Thread cancelling = new Thread(irp::cancel);
            runBoth(driverThread, cancelling);
            checkExactlyOnce(irp, completed.get(), true);
        });
        assertCleanAfterLincheck();
    }

    /**
     * The negative control: a driver that unmarks without the lock it shares with the cancel routine (so it may
     * touch a request the routine has already completed). Lincheck must find the interleaving where the cancel
     * wins first, which proves it explores the race inside the framework and the tests above are not vacuous.
     * Off by default ({@code -Dwdf4j.lincheck.selfcheck=true} runs it): finding and reporting the failing
     * interleaving costs Lincheck 10 to 40 s, too much for every CI run.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "wdf4j.lincheck.selfcheck", matches = "true")
    void lincheckFindsTheRaceOfADriverWithoutTheLock() {
        assertThatThrownBy(() -> Lincheck.runConcurrentTest(INVOCATIONS, () -> {
            driver.reset();
            FxIrp irp = handle.write(new byte[] {4});
            AtomicReference<Outcome> completed = new AtomicReference<>();
            Thread completing = new Thread(() -> completed.set(driver.completePendingWithoutTheLock()));
            Thread cancelling = new Thread(irp::cancel);
            runBoth(completing, cancelling);
            checkExactlyOnce(irp, completed.get(), true);
        }))
                .isInstanceOf(LincheckAssertionError.class)
                .hasMessageContaining("WdfRequestUnmarkCancelable");
    }

    // ---------------------------------------------------------------------------------------------

    /** What the driver's completing operation did. */
    enum Outcome {
        /** It completed the request with STATUS_SUCCESS. */
        COMPLETED,
        /** It completed the request with STATUS_CANCELLED itself (markCancelableEx answered STATUS_CANCELLED). */
        COMPLETED_CANCELLED,
        /** {@code unmarkCancelable} answered STATUS_CANCELLED: the cancel routine owns it. */
        LEFT_TO_CANCEL_ROUTINE,
        /** No request pending: the cancel routine took it first, or it never reached the driver. */
        NOT_PENDING,
        /** The driver operation threw. */
        FAILED
    }

    /** Starts both threads and waits for them; an exception on either fails the invocation. */
    private static void runBoth(Thread a, Thread b) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        a.setUncaughtExceptionHandler((t, e) -> failure.compareAndSet(null, e));
        b.setUncaughtExceptionHandler((t, e) -> failure.compareAndSet(null, e));
        a.start();
        b.start();
        try {
            a.join();
            b.join();
        } catch (InterruptedException e) {
            throw new AssertionError("interrupted", e);
        }
        if (failure.get() != null) {
            throw new AssertionError("a thread failed: " + failure.get(), failure.get());
        }
    }

    /**
     * The sequential specification. {@code presented}: the request surely reached the driver (sent before the
     * race); otherwise it may have been cancelled by the framework before it did.
     */
    private void checkExactlyOnce(FxIrp irp, Outcome outcome, boolean presented) {
        check(irp != null, () -> "the request was never sent");
        check(outcome != null && outcome != Outcome.FAILED, () -> "the driver's operation failed: " + driver.errors);
        check(irp.future().isDone(), () -> "the client's request was never answered; driver: " + driver.describe());
        FxIoStatus status = irp.future().getNow(null);
        int completions = driver.driverCompletions + driver.routineCompletions + driver.cancelledByDriver;
        boolean reachedDriver = driver.presentations > 0;
        check(!presented || reachedDriver, () -> "the request never reached the driver");
        check(driver.presentations <= 1, () -> "the request was presented " + driver.presentations + " times");
        check(completions == (reachedDriver ? 1 : 0), () -> "the request was completed " + completions
                + " times by the driver and its cancel routine; " + driver.describe());
        boolean cancelWon = status.status().equals(NtStatus.STATUS_CANCELLED);
        check(cancelWon || status.status().equals(NtStatus.STATUS_SUCCESS), () -> "unexpected status " + status.status());
        check(cancelWon == (driver.driverCompletions == 0), () -> "status " + status.status() + " but the driver's "
                + "completion ran " + driver.driverCompletions + " times; " + driver.describe());
        check(cancelWon == (outcome != Outcome.COMPLETED), () -> "status " + status.status() + " but the driver's "
                + "operation answered " + outcome);
        check(outcome != Outcome.LEFT_TO_CANCEL_ROUTINE || driver.routineCompletions == 1,
                () -> "unmarkCancelable answered STATUS_CANCELLED but the cancel routine did not complete the request");
        check(driver.errors.isEmpty(), () -> "driver errors: " + driver.errors);
        check(globals.failure() == null && globals.findings().isEmpty(), () -> "findings: "
                + StressDrivers.describe(globals.findings()));
    }

    private static void check(boolean condition, Supplier<String> message) {
        if (!condition) {
            throw new AssertionError(message.get());
        }
    }

    private void assertCleanAfterLincheck() {
        handle.close();
        drivers.assertCleanStop(globals, "after model checking");
    }

    /**
     * The echo sample's request handling, with a lock of its own in place of the echo queue's synchronization
     * scope: EvtIoWrite keeps the request pending and cancelable; the driver's completion (the echo timer) and the
     * cancel routine take the same lock. The counters are read after the race's threads ended.
     */
    static final class EchoLikeDriver {
        final Object lock = new Object();
        WdfRequest pending;
        int presentations;
        int driverCompletions;
        int routineCompletions;
        int cancelledByDriver;
        final StringBuffer errors = new StringBuffer();

        NtStatus deviceAdd(WdfDeviceInit init) {
            NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
            if (!device.isSuccess()) {
                return device.status();
            }
            return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoWrite((queue, request, length) -> {
                        synchronized (lock) {
                            presentations++;
                            pending = request;
                            // A request cancelled before this: its routine runs now, on this thread (the lock is
                            // re-entered), and forgets it.
                            request.markCancelable(this::cancelRoutine);
                        }
                    }), WdfObjectAttributes.NONE).status();
        }

        /** EvtRequestCancel: owns the request. */
        void cancelRoutine(WdfRequest request) {
            synchronized (lock) {
                if (pending == request) {
                    pending = null;
                }
                routineCompletions++;
                request.complete(NtStatus.STATUS_CANCELLED);
            }
        }

        /** The echo timer: completes the pending request unless the cancel routine owns it. */
        Outcome completePending() {
            try {
                synchronized (lock) {
                    WdfRequest request = pending;
                    if (request == null) {
                        return Outcome.NOT_PENDING;
                    }
                    pending = null;
                    if (NtStatus.STATUS_CANCELLED.equals(request.unmarkCancelable())) {
                        return Outcome.LEFT_TO_CANCEL_ROUTINE;
                    }
                    driverCompletions++;
                    request.complete(NtStatus.STATUS_SUCCESS);
                    return Outcome.COMPLETED;
                }
            } catch (RuntimeException e) {
                errors.append(e).append('\n');
                return Outcome.FAILED;
            }
        }

        /** Takes the pending request out of reach of a cancel, then marks it cancelable again (the Ex way). */
        Outcome unmarkAndRemark() {
            try {
                synchronized (lock) {
                    WdfRequest request = pending;
                    if (request == null) {
                        return Outcome.NOT_PENDING;
                    }
                    if (NtStatus.STATUS_CANCELLED.equals(request.unmarkCancelable())) {
                        pending = null;
                        return Outcome.LEFT_TO_CANCEL_ROUTINE;
                    }
                    // The driver owns it, not cancelable: a cancel now only marks it cancelled.
                    if (NtStatus.STATUS_CANCELLED.equals(request.markCancelableEx(this::cancelRoutine))) {
                        pending = null;
                        cancelledByDriver++;
                        request.complete(NtStatus.STATUS_CANCELLED);
                        return Outcome.COMPLETED_CANCELLED;
                    }
                    return Outcome.NOT_PENDING; // still pending and cancelable: completePending decides
                }
            } catch (RuntimeException e) {
                errors.append(e).append('\n');
                return Outcome.FAILED;
            }
        }

        /** The broken driver of the negative control: unmarks a request the cancel routine may have completed. */
        Outcome completePendingWithoutTheLock() {
            WdfRequest request;
            synchronized (lock) {
                request = pending; // read it, but let go of the lock before unmarking
            }
            if (request == null) {
                return Outcome.NOT_PENDING;
            }
            if (NtStatus.STATUS_CANCELLED.equals(request.unmarkCancelable())) {
                return Outcome.LEFT_TO_CANCEL_ROUTINE;
            }
            synchronized (lock) {
                pending = null;
                driverCompletions++;
            }
            request.complete(NtStatus.STATUS_SUCCESS);
            return Outcome.COMPLETED;
        }

        /**
         * A new race: Lincheck restores what the test reaches through static fields between invocations, not this
         * object, so the previous invocation's counts are cleared here (its request was completed).
         */
        void reset() {
            synchronized (lock) {
                pending = null;
                presentations = 0;
                driverCompletions = 0;
                routineCompletions = 0;
                cancelledByDriver = 0;
                errors.setLength(0);
            }
        }

        String describe() {
            synchronized (lock) {
                return "presented " + presentations + ", driver completions " + driverCompletions
                        + ", cancel routine completions " + routineCompletions + ", cancelled by the driver "
                        + cancelledByDriver + ", pending " + pending;
            }
        }
    }
}
