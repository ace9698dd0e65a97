package org.wdf4j.fxtest.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.wdf4j.NtStatus;
import org.wdf4j.io.CtlCode;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxIrp;

/**
 * The clients' side of a device stress test: every request sent (id {@code i}, of length {@code i + 1}, so that the
 * {@link HoldingDriver} knows it), how many times its future completed, whether a cancel was asked for it; and the
 * check of every request against what the driver counted.
 */
final class IoLedger {

    /** A buffered vendor control code, for the control requests of the test. */
    static final int IOCTL = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x801, CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);

    /** The statuses the framework answers by itself for a request that never reaches (or no longer reaches) the driver. */
    private static final Set<NtStatus> FRAMEWORK_STATUSES = Set.of(NtStatus.STATUS_NO_SUCH_DEVICE,
            NtStatus.STATUS_FILE_CLOSED, NtStatus.STATUS_INVALID_DEVICE_STATE, NtStatus.STATUS_DELETE_PENDING);

    final int capacity;
    private final AtomicInteger nextId = new AtomicInteger();
    private final AtomicReferenceArray<FxIrp> irps;
    /** Per request, the future of the counting callback: done once the answer is counted, not only given. */
    private final AtomicReferenceArray<CompletableFuture<FxIoStatus>> counted;
    private final AtomicIntegerArray answers;
    private final AtomicIntegerArray cancelAsked;

    IoLedger(int capacity) {
        this.capacity = capacity;
        this.irps = new AtomicReferenceArray<>(capacity);
        this.counted = new AtomicReferenceArray<>(capacity);
        this.answers = new AtomicIntegerArray(capacity);
        this.cancelAsked = new AtomicIntegerArray(capacity);
    }

    /** Sends a read, a write or a control code (drawn from {@code random}) through {@code handle}; answers its id. */
    int send(FxFileHandle handle, SplittableRandom random) {
        return send(handle, random, true);
    }

    /** Sends a read or a write, or with {@code controlCodes} also a control code; answers its id. */
    int send(FxFileHandle handle, SplittableRandom random, boolean controlCodes) {
        int id = nextId.getAndIncrement();
        if (id >= capacity) {
            throw new AssertionError("the test sends more than " + capacity + " requests");
        }
        FxIrp irp = switch (random.nextInt(controlCodes ? 3 : 2)) {
            case 0 -> handle.read(id + 1);
            case 1 -> handle.write(new byte[id + 1]);
            default -> handle.deviceIoControl(IOCTL, new byte[id + 1], random.nextInt(17));
        };
        irps.set(id, irp);
        counted.set(id, irp.future().whenComplete((status, failure) -> answers.incrementAndGet(id)));
        return id;
    }

    /** Asks to cancel request {@code id} (recorded first). */
    void cancel(int id) {
        cancelAsked.set(id, 1);
        irps.get(id).cancel();
    }

    /** Records that a cancel may reach request {@code id} (cancelAll of its handle, its handle closed). */
    void markCancelAsked(int id) {
        cancelAsked.set(id, 1);
    }

    boolean cancelWasAsked(int id) {
        return cancelAsked.get(id) == 1;
    }

    /** The status request {@code id} was answered with, or null. */
    NtStatus status(int id) {
        FxIoStatus status = irps.get(id).future().getNow(null);
        return status == null ? null : status.status();
    }

    /** One request as the clients see it, for failure messages. */
    String describe(int id) {
        FxIrp irp = irps.get(id);
        return irp + " status " + status(id) + ", answered " + answers.get(id) + " times, cancel asked " + cancelWasAsked(id);
    }

    /** Records that every request sent so far may have been cancelled (a handle closed, cancelAll). */
    void cancelAskedForAll() {
        for (int id = 0; id < sent(); id++) {
            cancelAsked.set(id, 1);
        }
    }

    int sent() {
        return Math.min(nextId.get(), capacity);
    }

    boolean answered(int id) {
        return irps.get(id).future().isDone();
    }

    /** The ids sent so far whose client has no answer yet. */
    List<Integer> unanswered() {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < sent(); id++) {
            FxIrp irp = irps.get(id);
            if (irp != null && !irp.future().isDone()) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** Waits for the answer to every request sent so far; a hang fails the test with {@code diagnosis}. */
    void awaitAllAnswered(String when, Supplier<String> diagnosis) throws Exception {
        int n = sent();
        CompletableFuture<?>[] all = new CompletableFuture<?>[n];
        for (int id = 0; id < n; id++) {
            all[id] = counted.get(id);
        }
        try {
            CompletableFuture.allOf(all).get(StressDrivers.ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            List<Integer> missing = unanswered();
            throw new AssertionError(when + ": " + missing.size() + " clients never answered within "
                    + StressDrivers.ANSWER_TIMEOUT_SECONDS + " s (ids " + missing.subList(0, Math.min(20, missing.size()))
                    + "); " + diagnosis.get());
        }
    }

    /**
     * Checks every request sent: answered exactly once; completed by the driver exactly once when the driver kept
     * it (presented and not requeued since), never otherwise; STATUS_SUCCESS only from the driver's completion;
     * STATUS_CANCELLED from a cancel path (and, when {@code cancelImpliesAsked}, only for a request a client asked
     * to cancel); the framework's own error statuses only for requests the driver never kept.
     *
     * @return the problems found, at most 20
     */
    List<String> verify(RequestCounts driver, boolean cancelImpliesAsked) {
        List<String> problems = new ArrayList<>();
        for (int id = 0; id < sent(); id++) {
            FxIoStatus status = irps.get(id).future().getNow(null);
            int presented = driver.presented.get(id);
            int requeued = driver.requeued.get(id);
            int success = driver.driverSuccess.get(id);
            int byDriver = driver.driverCancelled.get(id);
            int byRoutine = driver.routineCancelled.get(id);
            int kept = presented - requeued;
            int completions = success + byDriver + byRoutine;
            boolean asked = cancelAsked.get(id) == 1;
            boolean ok = status != null && answers.get(id) == 1 && (kept == 0 || kept == 1) && completions == kept;
            if (ok) {
                NtStatus s = status.status();
                if (s.equals(NtStatus.STATUS_SUCCESS)) {
                    ok = success == 1;
                } else if (s.equals(NtStatus.STATUS_CANCELLED)) {
                    ok = success == 0 && (!cancelImpliesAsked || asked);
                } else {
                    ok = FRAMEWORK_STATUSES.contains(s) && kept == 0;
                }
            }
            if (!ok && problems.size() < 20) {
                problems.add("request " + id + ": status " + (status == null ? "none" : status.status()) + ", answered "
                        + answers.get(id) + " times, presented " + presented + " (requeued " + requeued
                        + "), driver completions: " + success + " success, " + byDriver + " cancelled, " + byRoutine
                        + " by the cancel routine; cancel asked " + asked);
            }
        }
        return problems;
    }

    /** Counts of the statuses the clients got, for the test's log. */
    String summary() {
        java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
        for (int id = 0; id < sent(); id++) {
            FxIoStatus status = irps.get(id).future().getNow(null);
            String key = status == null ? "unanswered" : status.status().toString();
            counts.merge(key, 1, Integer::sum);
        }
        return sent() + " requests: " + counts;
    }
}
