package org.wdf4j.fxtest.stress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestStopAction;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A PnP driver for the device stress tests (in the manner of the HLK's "DF" test drivers): a power-managed parallel
 * default queue (synchronization scope NONE) with a limit on presented requests, whose reads, writes and control
 * codes the driver mostly keeps, cancelable or not, to be completed later by its own threads
 * ({@link #completeSome}), by their cancel routines, or when their queue stops.
 *
 * <p>A request's id is its length minus one (a read's length, a write's data, a control code's input). What the
 * driver does with a request is drawn from the test's seed and the request's id and presentation, so it does not
 * depend on which thread handles it:
 * <ul>
 *   <li>EvtIoRead/Write/DeviceControl: complete at once (10 %), keep it not cancelable (20 %), or keep it cancelable
 *       with {@code markCancelable} or {@code markCancelableEx};</li>
 *   <li>EvtIoStop(SUSPEND): a cancelable request is unmarked first (if the cancel routine owns it, nothing more);
 *       then complete it, acknowledge with requeue (it is presented again after the wake), or acknowledge and keep it
 *       (EvtIoResume marks it cancelable again), as WDF allows;</li>
 *   <li>EvtIoStop(PURGE): a cancelable request is left to the framework, which cancels it (the cancel routine
 *       completes it); one the driver holds otherwise is completed with STATUS_CANCELLED;</li>
 *   <li>the driver's own completion ({@link #completeSome}) unmarks first and lets go of the request when
 *       {@code unmarkCancelable} answers STATUS_CANCELLED; a per-request lock shared with the cancel routine keeps
 *       it from touching a request the routine has completed.</li>
 * </ul>
 * Every completion is counted per request before it is made: the ledger checks each request was completed exactly
 * once by the driver when the driver kept it, and never when it did not.
 */
final class HoldingDriver extends RequestCounts {

    /** What the driver does on EvtIoStop(SUSPEND) for a request it holds. */
    enum SuspendPolicy {
        /** Complete it, requeue it or acknowledge and keep it, drawn per request. */
        ANY,
        /** Complete it or requeue it (never keep it across the stop). */
        COMPLETE_OR_REQUEUE
    }

    private enum Held { DRIVER, CANCELABLE, CANCEL_OWNED, ROUTINE, ACKNOWLEDGED, DONE, REQUEUED }

    private static final class Slot {
        final int id;
        final WdfRequest request;
        final long information;
        final SplittableRandom random;
        volatile Held state = Held.DRIVER;

        Slot(int id, WdfRequest request, long information, SplittableRandom random) {
            this.id = id;
            this.request = request;
            this.information = information;
            this.random = random;
        }
    }

    final long seed;
    final int capacity;
    final int presentedLimit;
    final SuspendPolicy suspendPolicy;
    final AtomicInteger presentations = new AtomicInteger();
    final AtomicInteger stopSuspend = new AtomicInteger();
    final AtomicInteger stopPurge = new AtomicInteger();
    final AtomicInteger resumes = new AtomicInteger();
    /** EvtIoStop calls for a request the driver had completed (or given to its cancel routine) meanwhile. */
    final AtomicInteger stopAfterCompletion = new AtomicInteger();
    /** The requests the driver keeps, by identity (a request object is the driver's handle). */
    private final Map<WdfRequest, Slot> held = new ConcurrentHashMap<>();

    HoldingDriver(long seed, int capacity, int presentedLimit, SuspendPolicy suspendPolicy) {
        super(capacity);
        this.seed = seed;
        this.capacity = capacity;
        this.presentedLimit = presentedLimit;
        this.suspendPolicy = suspendPolicy;
    }

    /** EvtDriverDeviceAdd. */
    NtStatus deviceAdd(WdfDeviceInit init) {
        NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
        if (!device.isSuccess()) {
            return device.status();
        }
        WdfIoQueueConfig config = WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withPowerManaged(true)
                .withNumberOfPresentedRequests(presentedLimit)
                .withIoRead((queue, request, length) -> presented(request, length))
                .withIoWrite((queue, request, length) -> presented(request, length))
                .withIoDeviceControl((queue, request, out, in, code) -> presented(request, in))
                .withIoStop(this::ioStop)
                .withIoResume(this::ioResume);
        return WdfQueue.create(device.value(), config, WdfObjectAttributes.NONE).status();
    }

    /** How many requests the driver keeps now (cancelable or not, acknowledged included). */
    int heldCount() {
        return held.size();
    }

    /** The request ids the driver holds now, by state, for failure messages. */
    String describeHeld() {
        StringBuilder text = new StringBuilder();
        held.values().stream().limit(20).forEach(s -> text.append(' ').append(s.id).append('=').append(s.state));
        return held.size() + " held:" + text;
    }

    // ---------------------------------------------------------------------------------------------
    // Callbacks

    private void presented(WdfRequest request, long length) {
        int id = (int) length - 1;
        if (id < 0 || id >= capacity) {
            errors.add("a request of length " + length + " is no request of the test");
            request.complete(NtStatus.STATUS_INVALID_PARAMETER);
            return;
        }
        presentations.incrementAndGet();
        int time = presented.incrementAndGet(id);
        if (time > requeued.get(id) + 1) {
            errors.add("request " + id + " presented " + time + " times but requeued only " + requeued.get(id));
        }
        Slot slot = new Slot(id, request, length, Seeds.forRequest(seed, id * 8L + time));
        int choice = slot.random.nextInt(100);
        if (choice < 10) {
            slot.state = Held.DONE;
            complete(slot, NtStatus.STATUS_SUCCESS, driverSuccess);
            return;
        }
        synchronized (slot) {
            // Published under its lock: the driver's completing thread finds it only once this callback has decided
            // what to do with it (before that, it would take a request this callback is still marking).
            held.put(request, slot);
            if (choice < 30) {
                slot.state = Held.DRIVER; // kept, not cancelable: only the driver completes it
            } else {
                markLocked(slot, choice < 55);
            }
        }
    }

    /** Under the slot's lock, the driver owning the request: marks it cancelable (see CancellationStormTest). */
    private void markLocked(Slot slot, boolean ex) {
        slot.state = Held.CANCELABLE;
        if (ex) {
            if (NtStatus.STATUS_CANCELLED.equals(slot.request.markCancelableEx(r -> cancelRoutine(slot, r)))) {
                slot.state = Held.DONE;
                held.remove(slot.request);
                complete(slot, NtStatus.STATUS_CANCELLED, driverCancelled);
            }
        } else {
            slot.request.markCancelable(r -> cancelRoutine(slot, r));
        }
    }

    private void cancelRoutine(Slot slot, WdfRequest request) {
        synchronized (slot) {
            if (request != slot.request || (slot.state != Held.CANCELABLE && slot.state != Held.CANCEL_OWNED)) {
                errors.add("the cancel routine of request " + slot.id + " ran while the driver held it as " + slot.state);
                return;
            }
            slot.state = Held.ROUTINE;
            held.remove(request);
        }
        complete(slot, NtStatus.STATUS_CANCELLED, routineCancelled);
    }

    /**
     * Under the slot's lock: takes a cancelable request back from cancellation. False when the cancel routine owns
     * it (it completes it; the driver lets go of it).
     */
    private boolean unmarkLocked(Slot slot) {
        if (slot.state != Held.CANCELABLE) {
            return slot.state == Held.DRIVER || slot.state == Held.ACKNOWLEDGED;
        }
        if (NtStatus.STATUS_CANCELLED.equals(slot.request.unmarkCancelable())) {
            slot.state = Held.CANCEL_OWNED;
            return false;
        }
        slot.state = Held.DRIVER;
        return true;
    }

    private void ioStop(WdfQueue queue, WdfRequest request, WdfRequestStopAction action, boolean cancelable) {
        Slot slot = held.get(request);
        if (slot == null) {
            // The driver's thread completed it after the framework chose to call EvtIoStop for it: the request is
            // the driver's no longer, and must not be touched.
            stopAfterCompletion.incrementAndGet();
            return;
        }
        NtStatus completion = null;
        synchronized (slot) {
            if (slot.state == Held.DONE || slot.state == Held.ROUTINE || slot.state == Held.CANCEL_OWNED
                    || slot.state == Held.REQUEUED) {
                stopAfterCompletion.incrementAndGet(); // as above, seen under the lock
                return;
            }
            // The framework's "cancelable" is a snapshot taken before the call; the driver's thread may have
            // unmarked the request since, so the driver goes by its own state.
            if (action == WdfRequestStopAction.PURGE) {
                stopPurge.incrementAndGet();
                if (slot.state == Held.CANCELABLE) {
                    return; // the framework cancels it next: the cancel routine completes it
                }
                if (!unmarkLocked(slot)) {
                    return;
                }
                completion = NtStatus.STATUS_CANCELLED;
            } else {
                stopSuspend.incrementAndGet();
                if (!unmarkLocked(slot)) {
                    return;
                }
                int choice = slot.random.nextInt(3);
                if (suspendPolicy == SuspendPolicy.COMPLETE_OR_REQUEUE) {
                    choice = choice % 2;
                }
                switch (choice) {
                    case 0 -> completion = NtStatus.STATUS_SUCCESS;
                    case 1 -> {
                        slot.state = Held.REQUEUED;
                        held.remove(request);
                        requeued.incrementAndGet(slot.id); // before: the requeue may present it again at once
                        request.stopAcknowledge(true);
                        return;
                    }
                    default -> {
                        slot.state = Held.ACKNOWLEDGED;
                        request.stopAcknowledge(false);
                        return;
                    }
                }
            }
            slot.state = Held.DONE;
            held.remove(request);
        }
        complete(slot, completion, completion.equals(NtStatus.STATUS_SUCCESS) ? driverSuccess : driverCancelled);
    }

    private void ioResume(WdfQueue queue, WdfRequest request) {
        resumes.incrementAndGet();
        Slot slot = held.get(request);
        if (slot == null) {
            errors.add("EvtIoResume for a request the driver does not hold: " + request);
            return;
        }
        synchronized (slot) {
            if (slot.state != Held.ACKNOWLEDGED) {
                errors.add("EvtIoResume for request " + slot.id + ", which the driver holds as " + slot.state);
                return;
            }
            // Cancelled while the device slept: markCancelable runs the routine now, markCancelableEx says so.
            markLocked(slot, slot.random.nextBoolean());
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The driver's own threads

    /**
     * Completes up to {@code max} of the requests the driver holds (unmark first), in an order drawn from
     * {@code random}; acknowledged ones are left alone while {@code keepAcknowledged} (the device sleeps).
     */
    int completeSome(SplittableRandom random, int max, boolean keepAcknowledged) {
        List<Slot> slots = new ArrayList<>(held.values());
        int done = 0;
        for (int i = 0; i < slots.size() && done < max; i++) {
            int j = i + random.nextInt(slots.size() - i);
            Slot slot = slots.set(j, slots.get(i));
            slots.set(i, slot);
            synchronized (slot) {
                if (slot.state == Held.ACKNOWLEDGED && keepAcknowledged) {
                    continue;
                }
                if (slot.state == Held.DONE || slot.state == Held.REQUEUED || !unmarkLocked(slot)) {
                    continue;
                }
                slot.state = Held.DONE;
                held.remove(slot.request);
            }
            complete(slot, NtStatus.STATUS_SUCCESS, driverSuccess);
            done++;
        }
        return done;
    }

    /** Counts the completion first (the client may look as soon as its future completes), then completes. */
    private void complete(Slot slot, NtStatus status, AtomicIntegerArray counter) {
        counter.incrementAndGet(slot.id);
        try {
            slot.request.completeWithInformation(status, status.isSuccess() ? slot.information : 0);
        } catch (WdfBugCheck e) {
            errors.add("completing request " + slot.id + " with " + status + " was a bug check: " + e.getMessage());
        } catch (RuntimeException e) {
            errors.add("completing request " + slot.id + " with " + status + " threw " + e);
        }
    }
}
