package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.wdf4j.fxtest.DeviceTestDrivers.REPORTING;
import static org.wdf4j.fxtest.DeviceTestDrivers.STRICT;
import static org.wdf4j.fxtest.DeviceTestDrivers.WAIT;
import static org.wdf4j.fxtest.DeviceTestDrivers.describe;
import static org.wdf4j.fxtest.DeviceTestDrivers.result;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.device.WdfPowerDeviceState;
import org.wdf4j.driver.EvtDriverDeviceAdd;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIrp;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.FxPnpMachine.Event;
import org.wdf4j.framework.FxPnpMachine.State;
import org.wdf4j.framework.FxPnpMachine.Step;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestStopAction;
import org.wdf4j.io.WdfRequestType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * The PnP and power life of a device: the callback orders of start, removal, surprise removal, sleep and wake,
 * compared with the rows of {@link FxPnpMachine} and with the orders the API documents
 * ({@link WdfPnpPowerEventCallbacks}); power-managed queues across sleep (EvtIoStop, EvtIoResume, stopAcknowledge);
 * failed starts; EvtDriverDeviceAdd failures; O1, O5 and U7 for PnP devices; requests abandoned at removal.
 */
class PnpTest {

    private final DeviceTestDrivers drivers = new DeviceTestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    /** What EvtIoStop does with the request. */
    enum StopMode {
        /** Completes it with STATUS_CANCELLED. */
        COMPLETE,
        /** stopAcknowledge(false): keeps it; EvtIoResume when the queue restarts (it completes it then). */
        KEEP,
        /** stopAcknowledge(true): gives it back to the queue. */
        REQUEUE,
        /** SUSPEND: stopAcknowledge(false); PURGE: nothing (the driver forgets the request). */
        FORGET
    }

    /**
     * A driver's device that records every PnP and power callback, EvtIoRead, EvtIoStop and EvtIoResume of its
     * default queue, and the device object's cleanup, as "Name" (or "label:Name"), and can be told to fail or throw
     * in any of them.
     */
    static final class Recorder {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final Set<Irql> pnpLevels = ConcurrentHashMap.newKeySet();
        final Map<String, NtStatus> failures = new ConcurrentHashMap<>();
        final Set<String> throwing = ConcurrentHashMap.newKeySet();
        final BlockingQueue<WdfRequest> presented = new LinkedBlockingQueue<>();
        final Map<String, WdfDevice> devices = new ConcurrentHashMap<>();
        volatile StopMode stopMode = StopMode.COMPLETE;

        private NtStatus call(String label, String name) {
            calls.add(label + name);
            pnpLevels.add(Irql.current());
            if (throwing.contains(name)) {
                throw new IllegalStateException("thrown by " + name);
            }
            return failures.getOrDefault(name, NtStatus.STATUS_SUCCESS);
        }

        WdfPnpPowerEventCallbacks callbacks(String label) {
            return WdfPnpPowerEventCallbacks.init()
                    .withPrepareHardware(d -> call(label, "PrepareHardware"))
                    .withReleaseHardware(d -> call(label, "ReleaseHardware"))
                    .withD0Entry((d, from) -> call(label, "D0Entry(" + from + ")"))
                    .withD0Exit((d, to) -> call(label, "D0Exit(" + to + ")"))
                    .withSelfManagedIoInit(d -> call(label, "SelfManagedIoInit"))
                    .withSelfManagedIoSuspend(d -> call(label, "SelfManagedIoSuspend"))
                    .withSelfManagedIoRestart(d -> call(label, "SelfManagedIoRestart"))
                    .withSelfManagedIoFlush(d -> call(label, "SelfManagedIoFlush"))
                    .withSelfManagedIoCleanup(d -> call(label, "SelfManagedIoCleanup"))
                    .withSurpriseRemoval(d -> call(label, "SurpriseRemoval"));
        }

        WdfIoQueueConfig defaultQueue(String label) {
            return WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoRead((q, r, n) -> {
                        calls.add(label + "IoRead");
                        presented.add(r);
                    })
                    .withIoStop((q, r, action, cancelable) -> {
                        calls.add(label + "IoStop(" + action + ")");
                        switch (stopMode) {
                            case COMPLETE -> r.complete(NtStatus.STATUS_CANCELLED);
                            case KEEP -> r.stopAcknowledge(false);
                            case REQUEUE -> r.stopAcknowledge(true);
                            case FORGET -> {
                                if (action == WdfRequestStopAction.SUSPEND) {
                                    r.stopAcknowledge(false);
                                }
                            }
                        }
                    })
                    .withIoResume((q, r) -> {
                        calls.add(label + "IoResume");
                        r.complete(NtStatus.STATUS_SUCCESS);
                    });
        }

        /** EvtDriverDeviceAdd: callbacks, the device (its cleanup recorded) and a default queue. */
        EvtDriverDeviceAdd deviceAdd() {
            return (driver, init) -> {
                String label = labelOf(init);
                init.setPnpPowerEventCallbacks(callbacks(label));
                NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE
                        .withCleanup(o -> calls.add(label + "DeviceCleanup")));
                if (!device.isSuccess()) {
                    return device.status();
                }
                devices.put(label, device.value());
                return WdfQueue.create(device.value(), defaultQueue(label), WdfObjectAttributes.NONE).status();
            };
        }

        /** Devices whose hardware ID ends with "#label" record "label:" before each call; others record plain names. */
        static String labelOf(WdfDeviceInit init) {
            String id = init.hardwareId();
            int hash = id.lastIndexOf('#');
            return hash < 0 ? "" : id.substring(hash + 1) + ":";
        }

        List<String> takeCalls() {
            List<String> copy = List.copyOf(calls);
            calls.clear();
            return copy;
        }

        WdfRequest take() throws InterruptedException {
            WdfRequest r = presented.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(r).as("a request presented within %s; calls so far %s", WAIT, calls).isNotNull();
            return r;
        }
    }

    /** The callback (or none) a step of the table makes for a device that owns no request. */
    private static final Map<Step, List<String>> CALLBACKS = new EnumMap<>(Step.class);

    static {
        CALLBACKS.put(Step.PREPARE_HARDWARE, List.of("PrepareHardware"));
        CALLBACKS.put(Step.D0_ENTRY_FROM_D3_FINAL, List.of("D0Entry(D3_FINAL)"));
        CALLBACKS.put(Step.D0_ENTRY_FROM_D3, List.of("D0Entry(D3)"));
        CALLBACKS.put(Step.QUEUES_POWER_UP, List.of());
        CALLBACKS.put(Step.SELF_MANAGED_IO_INIT, List.of("SelfManagedIoInit"));
        CALLBACKS.put(Step.SELF_MANAGED_IO_RESTART, List.of("SelfManagedIoRestart"));
        CALLBACKS.put(Step.ENABLE_INTERFACES, List.of());
        CALLBACKS.put(Step.SURPRISE_REMOVAL, List.of("SurpriseRemoval"));
        CALLBACKS.put(Step.DISABLE_INTERFACES, List.of());
        CALLBACKS.put(Step.QUEUES_POWER_DOWN, List.of());
        CALLBACKS.put(Step.SELF_MANAGED_IO_SUSPEND, List.of("SelfManagedIoSuspend"));
        CALLBACKS.put(Step.D0_EXIT_TO_D3, List.of("D0Exit(D3)"));
        CALLBACKS.put(Step.D0_EXIT_TO_D3_FINAL, List.of("D0Exit(D3_FINAL)"));
        CALLBACKS.put(Step.RELEASE_HARDWARE, List.of("ReleaseHardware"));
        CALLBACKS.put(Step.PURGE_QUEUES, List.of());
        CALLBACKS.put(Step.CLOSE_IO_TARGETS, List.of());
        CALLBACKS.put(Step.SELF_MANAGED_IO_FLUSH, List.of("SelfManagedIoFlush"));
        CALLBACKS.put(Step.SELF_MANAGED_IO_CLEANUP, List.of("SelfManagedIoCleanup"));
        CALLBACKS.put(Step.DELETE_DEVICE, List.of("DeviceCleanup"));
    }

    private static List<String> callbacksOf(Step step, Map<Step, List<String>> io) {
        return io.getOrDefault(step, CALLBACKS.get(step));
    }

    /** The callbacks the row (from, event) of the table makes, with {@code io} for the queue steps. */
    private static List<String> fromTable(State from, Event event, Map<Step, List<String>> io) {
        FxPnpMachine.Transition t = FxPnpMachine.transition(from, event);
        assertThat(t).as("the table has a row for %s + %s", from, event).isNotNull();
        List<String> out = new ArrayList<>();
        for (Step step : t.steps()) {
            out.addAll(callbacksOf(step, io));
        }
        return out;
    }

    private static List<String> fromTable(State from, Event event) {
        return fromTable(from, event, Map.of());
    }

    /** The callbacks of the row (from, event) when {@code failing} fails: the steps up to it, then its undo steps. */
    private static List<String> fromTableFailingAt(State from, Event event, Step failing) {
        FxPnpMachine.Transition t = FxPnpMachine.transition(from, event);
        assertThat(failing.canFail).isTrue();
        assertThat(t.failedTo()).isEqualTo(State.FAILED);
        List<String> out = new ArrayList<>();
        for (Step step : t.steps()) {
            out.addAll(callbacksOf(step, Map.of()));
            if (step == failing) {
                break;
            }
        }
        for (Step undo : t.onFailure().getOrDefault(failing, List.of())) {
            out.addAll(callbacksOf(undo, Map.of()));
        }
        return out;
    }

    private record Pnp(FxDriverGlobals globals, Recorder recorder, FxDevice device) {
        FxDevice.PnpOutcome pnp(Event event) {
            return device.pnp(event);
        }
    }

    /** A PnP driver with the recorder's EvtDriverDeviceAdd and one added (not started) device. */
    private Pnp added(String name, VerifierSettings verifier) {
        Recorder recorder = new Recorder();
        FxDriverGlobals globals = drivers.startPnp(name, verifier, recorder.deviceAdd(), d -> recorder.calls.add("Unload"));
        FxDevice device = DeviceTestDrivers.addDevice(globals, "ROOT\\" + name.toUpperCase(Locale.ROOT) + "\\0000");
        assertThat(device.pnpState()).isEqualTo(State.ADDED);
        return new Pnp(globals, recorder, device);
    }

    private Pnp started(String name, VerifierSettings verifier) {
        Pnp pnp = added(name, verifier);
        FxDevice.PnpOutcome outcome = pnp.pnp(Event.START);
        assertThat(outcome.state()).as("START: %s; %s", outcome, describe(pnp.globals())).isEqualTo(State.STARTED);
        pnp.recorder().takeCalls();
        return pnp;
    }

    // ---------------------------------------------------------------------------------------------
    // The orders

    // Start: PrepareHardware, D0Entry(D3_FINAL), power-managed queues started, SelfManagedIoInit, one at a time at
    // PASSIVE_LEVEL, as the ADDED + START row says; the device is then in D0.
    @Test
    void startCallsPrepareHardwareD0EntryAndSelfManagedIoInitInTheTableOrder() {
        Pnp pnp = added("pnp-start", STRICT);
        FxDevice.PnpOutcome outcome = pnp.pnp(Event.START);
        assertThat(outcome.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(outcome.state()).isEqualTo(State.STARTED);
        List<String> calls = pnp.recorder().takeCalls();
        assertThat(calls).isEqualTo(fromTable(State.ADDED, Event.START))
                .containsExactly("PrepareHardware", "D0Entry(D3_FINAL)", "SelfManagedIoInit");
        assertThat(pnp.recorder().pnpLevels).containsOnly(Irql.PASSIVE_LEVEL);
        assertThat(pnp.device().devicePowerState()).isEqualTo(WdfPowerDeviceState.D0);
        assertThat(pnp.globals().findings()).isEmpty();
    }

    // Orderly removal: power-managed queues stopped (EvtIoStop(SUSPEND) for the request the driver owns),
    // SelfManagedIoSuspend, D0Exit(D3_FINAL), ReleaseHardware, queues purged, SelfManagedIoFlush,
    // SelfManagedIoCleanup, the device object's cleanup, as the STARTED + REMOVE row says; the device is gone.
    @Test
    void orderlyRemovalFollowsTheTableRow() throws Exception {
        Pnp pnp = started("pnp-remove", STRICT);
        FxIrp irp = DeviceTestDrivers.open(pnp.device()).read(4);
        pnp.recorder().take();
        pnp.recorder().takeCalls();

        FxDevice.PnpOutcome outcome = pnp.pnp(Event.REMOVE);
        assertThat(outcome.state()).isEqualTo(State.REMOVED);
        List<String> calls = pnp.recorder().takeCalls();
        assertThat(calls).isEqualTo(fromTable(State.STARTED, Event.REMOVE,
                        Map.of(Step.QUEUES_POWER_DOWN, List.of("IoStop(SUSPEND)"))))
                .containsExactly("IoStop(SUSPEND)", "SelfManagedIoSuspend", "D0Exit(D3_FINAL)", "ReleaseHardware",
                        "SelfManagedIoFlush", "SelfManagedIoCleanup", "DeviceCleanup");
        assertThat(result(irp).status()).as("completed by the driver in EvtIoStop").isEqualTo(NtStatus.STATUS_CANCELLED);
        assertThat(pnp.globals().devices()).doesNotContain(pnp.device());
        assertThat(pnp.device().pnpState()).isEqualTo(State.REMOVED);
        assertThat(pnp.globals().findings()).isEmpty();
    }

    // Surprise removal then remove: SurpriseRemoval first, then as an orderly removal, split over the two rows
    // STARTED + SURPRISE_REMOVE and SURPRISE_REMOVED + REMOVE. Meanwhile the device refuses opens
    // (STATUS_DELETE_PENDING) and I/O on a handle opened before gets STATUS_NO_SUCH_DEVICE.
    @Test
    void surpriseRemovalThenRemoveFollowsTheTableRows() {
        Pnp pnp = started("pnp-surprise", STRICT);
        FxFileHandle handle = DeviceTestDrivers.open(pnp.device());
        FxDevice.PnpOutcome surprise = pnp.pnp(Event.SURPRISE_REMOVE);
        assertThat(surprise.state()).isEqualTo(State.SURPRISE_REMOVED);
        assertThat(pnp.recorder().takeCalls()).isEqualTo(fromTable(State.STARTED, Event.SURPRISE_REMOVE))
                .containsExactly("SurpriseRemoval", "SelfManagedIoSuspend", "D0Exit(D3_FINAL)", "ReleaseHardware",
                        "SelfManagedIoFlush");
        assertThat(pnp.globals().devices()).as("not deleted before the remove").contains(pnp.device());
        assertThat(DeviceTestDrivers.tryOpen(pnp.device(), DeviceTestDrivers.CLIENT, "").status())
                .isEqualTo(NtStatus.STATUS_DELETE_PENDING);
        assertThat(result(handle.read(4)).status()).isEqualTo(NtStatus.STATUS_NO_SUCH_DEVICE);
        assertThat(pnp.recorder().presented).isEmpty();

        FxDevice.PnpOutcome removed = pnp.pnp(Event.REMOVE);
        assertThat(removed.state()).isEqualTo(State.REMOVED);
        assertThat(pnp.recorder().takeCalls()).isEqualTo(fromTable(State.SURPRISE_REMOVED, Event.REMOVE))
                .containsExactly("SelfManagedIoCleanup", "DeviceCleanup");
        assertThat(pnp.globals().devices()).doesNotContain(pnp.device());
        assertThat(pnp.globals().findings()).isEmpty();
    }

    // Sleep then wake, with a request the driver owns and keeps across the sleep (stopAcknowledge(false)):
    // EvtIoStop(SUSPEND), SelfManagedIoSuspend, D0Exit(D3); then D0Entry(D3), EvtIoResume, SelfManagedIoRestart, as the
    // STARTED + SLEEP and SUSPENDED + WAKE rows say; D3 while asleep, D0 after.
    @Test
    void sleepThenWakeFollowsTheTableRowsWithEvtIoStopAndEvtIoResume() throws Exception {
        Pnp pnp = started("pnp-sleep", STRICT);
        pnp.recorder().stopMode = StopMode.KEEP;
        FxIrp irp = DeviceTestDrivers.open(pnp.device()).read(4);
        pnp.recorder().take();
        pnp.recorder().takeCalls();

        FxDevice.PnpOutcome sleep = pnp.pnp(Event.SLEEP);
        assertThat(sleep.state()).isEqualTo(State.SUSPENDED);
        assertThat(pnp.recorder().takeCalls()).isEqualTo(fromTable(State.STARTED, Event.SLEEP,
                        Map.of(Step.QUEUES_POWER_DOWN, List.of("IoStop(SUSPEND)"))))
                .containsExactly("IoStop(SUSPEND)", "SelfManagedIoSuspend", "D0Exit(D3)");
        assertThat(pnp.device().devicePowerState()).isEqualTo(WdfPowerDeviceState.D3);
        assertThat(irp.future()).as("kept by the driver across the sleep").isNotDone();

        FxDevice.PnpOutcome wake = pnp.pnp(Event.WAKE);
        assertThat(wake.state()).isEqualTo(State.STARTED);
        assertThat(pnp.recorder().takeCalls()).isEqualTo(fromTable(State.SUSPENDED, Event.WAKE,
                        Map.of(Step.QUEUES_POWER_UP, List.of("IoResume"))))
                .containsExactly("D0Entry(D3)", "IoResume", "SelfManagedIoRestart");
        assertThat(pnp.device().devicePowerState()).isEqualTo(WdfPowerDeviceState.D0);
        assertThat(result(irp).status()).as("completed in EvtIoResume").isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(pnp.recorder().pnpLevels).containsOnly(Irql.PASSIVE_LEVEL);
        assertThat(pnp.globals().findings()).isEmpty();
    }

    // A power-managed queue presents nothing while the device is SUSPENDED (the request waits) and presents it after
    // WAKE, once the device is back in D0; a queue that is not power-managed goes on presenting while suspended.
    @Test
    void aPowerManagedQueueHoldsRequestsWhileSuspendedAndPresentsThemAfterWake() throws Exception {
        Recorder recorder = new Recorder();
        AtomicReference<WdfQueue> unmanaged = new AtomicReference<>();
        List<String> writes = new CopyOnWriteArrayList<>();
        FxDriverGlobals globals = drivers.startPnp("pnp-held", STRICT, (driver, init) -> {
            NtStatus status = recorder.deviceAdd().deviceAdd(driver, init);
            if (!status.isSuccess()) {
                return status;
            }
            WdfDevice device = recorder.devices.get("");
            unmanaged.set(DeviceTestDrivers.queue(device, WdfIoQueueConfig.init(WdfIoQueueDispatchType.PARALLEL)
                    .withPowerManaged(false).withIoWrite((q, r, n) -> {
                        writes.add("write while " + device.devicePowerState());
                        r.complete(NtStatus.STATUS_SUCCESS);
                    }), WdfObjectAttributes.NONE));
            return device.configureRequestDispatching(unmanaged.get(), WdfRequestType.WRITE);
        }, null);
        FxDevice device = DeviceTestDrivers.addDevice(globals, "ROOT\\PNP-HELD\\0000");
        assertThat(device.pnp(Event.START).state()).isEqualTo(State.STARTED);
        assertThat(device.pnp(Event.SLEEP).state()).isEqualTo(State.SUSPENDED);
        recorder.takeCalls();

        FxFileHandle handle = DeviceTestDrivers.open(device);
        FxIrp read = handle.read(4);
        WdfQueue q = device.defaultQueue();
        assertThat(q.queueState().dispatchingRequests()).isFalse();
        assertThat(q.queueState().queuedRequests()).isEqualTo(1);
        assertThat(recorder.presented).as("nothing presented in D3").isEmpty();
        assertThat(result(handle.write(new byte[1])).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(writes).containsExactly("write while D3");

        assertThat(device.pnp(Event.WAKE).state()).isEqualTo(State.STARTED);
        WdfRequest r = recorder.take();
        assertThat(recorder.takeCalls()).containsSubsequence("D0Entry(D3)", "IoRead").contains("SelfManagedIoRestart");
        r.complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(read).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(globals.findings()).isEmpty();
    }

    // EvtIoStop(SUSPEND) with stopAcknowledge(true): the request goes back to the queue and is presented again (the
    // same request, EvtIoRead, not EvtIoResume) after WAKE.
    @Test
    void stopAcknowledgeWithRequeuePresentsTheRequestAgainAfterWake() throws Exception {
        Pnp pnp = started("pnp-requeue", STRICT);
        pnp.recorder().stopMode = StopMode.REQUEUE;
        FxIrp irp = DeviceTestDrivers.open(pnp.device()).read(4);
        WdfRequest first = pnp.recorder().take();
        pnp.recorder().takeCalls();

        assertThat(pnp.pnp(Event.SLEEP).state()).isEqualTo(State.SUSPENDED);
        assertThat(pnp.recorder().takeCalls()).containsExactly("IoStop(SUSPEND)", "SelfManagedIoSuspend", "D0Exit(D3)");
        assertThat(pnp.device().defaultQueue().queueState().queuedRequests()).as("back in the queue").isEqualTo(1);
        assertThat(pnp.device().defaultQueue().queueState().driverRequests()).isZero();

        assertThat(pnp.pnp(Event.WAKE).state()).isEqualTo(State.STARTED);
        WdfRequest again = pnp.recorder().take();
        assertThat(again).as("the same request").isSameAs(first);
        assertThat(pnp.recorder().takeCalls()).containsExactly("D0Entry(D3)", "IoRead", "SelfManagedIoRestart");
        again.complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(pnp.globals().findings()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // Failed starts

    // PrepareHardware fails: the start fails with its status, ReleaseHardware is called, no D0Entry, the device is
    // FAILED; the REMOVE that follows deletes it.
    @Test
    void aFailedPrepareHardwareReleasesTheHardwareAndRemoveDeletesTheFailedDevice() {
        Pnp pnp = added("pnp-fail-prepare", STRICT);
        pnp.recorder().failures.put("PrepareHardware", NtStatus.STATUS_INSUFFICIENT_RESOURCES);
        FxDevice.PnpOutcome outcome = pnp.pnp(Event.START);
        assertThat(outcome.state()).isEqualTo(State.FAILED);
        assertThat(outcome.status()).isEqualTo(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
        assertThat(pnp.recorder().takeCalls()).isEqualTo(fromTableFailingAt(State.ADDED, Event.START, Step.PREPARE_HARDWARE))
                .containsExactly("PrepareHardware", "ReleaseHardware");
        assertThat(pnp.device().devicePowerState()).isEqualTo(WdfPowerDeviceState.D3_FINAL);

        FxDevice.PnpOutcome removed = pnp.pnp(Event.REMOVE);
        assertThat(removed.state()).isEqualTo(State.REMOVED);
        assertThat(pnp.recorder().takeCalls()).as("SelfManagedIo was never initialized").containsExactly("DeviceCleanup");
        assertThat(pnp.globals().devices()).doesNotContain(pnp.device());
    }

    // D0Entry fails: ReleaseHardware is called and the device is FAILED.
    @Test
    void aFailedD0EntryReleasesTheHardware() {
        Pnp pnp = added("pnp-fail-d0", STRICT);
        pnp.recorder().failures.put("D0Entry(D3_FINAL)", NtStatus.STATUS_DEVICE_NOT_READY);
        FxDevice.PnpOutcome outcome = pnp.pnp(Event.START);
        assertThat(outcome.state()).isEqualTo(State.FAILED);
        assertThat(outcome.status()).isEqualTo(NtStatus.STATUS_DEVICE_NOT_READY);
        assertThat(pnp.recorder().takeCalls()).isEqualTo(fromTableFailingAt(State.ADDED, Event.START, Step.D0_ENTRY_FROM_D3_FINAL))
                .containsExactly("PrepareHardware", "D0Entry(D3_FINAL)", "ReleaseHardware");
        assertThat(pnp.device().devicePowerState()).isEqualTo(WdfPowerDeviceState.D3_FINAL);
        assertThat(pnp.pnp(Event.REMOVE).state()).isEqualTo(State.REMOVED);
        assertThat(pnp.recorder().takeCalls()).containsExactly("DeviceCleanup");
    }

    // SelfManagedIoInit fails: the power-managed queues are stopped again, D0Exit(D3_FINAL), ReleaseHardware, FAILED;
    // a request sent then is not presented; REMOVE from FAILED purges it, flushes and cleans up self-managed I/O and
    // deletes the device.
    @Test
    void aFailedSelfManagedIoInitStopsQueuesLeavesD0AndReleasesTheHardware() throws Exception {
        Pnp pnp = added("pnp-fail-smio", STRICT);
        pnp.recorder().failures.put("SelfManagedIoInit", NtStatus.STATUS_UNSUCCESSFUL);
        FxDevice.PnpOutcome outcome = pnp.pnp(Event.START);
        assertThat(outcome.state()).isEqualTo(State.FAILED);
        assertThat(outcome.status()).isEqualTo(NtStatus.STATUS_UNSUCCESSFUL);
        assertThat(pnp.recorder().takeCalls()).isEqualTo(fromTableFailingAt(State.ADDED, Event.START, Step.SELF_MANAGED_IO_INIT))
                .containsExactly("PrepareHardware", "D0Entry(D3_FINAL)", "SelfManagedIoInit", "D0Exit(D3_FINAL)",
                        "ReleaseHardware");

        NtResult<FxFileHandle> opened = DeviceTestDrivers.tryOpen(pnp.device(), DeviceTestDrivers.CLIENT, "");
        FxIrp irp = null;
        if (opened.isSuccess()) {
            irp = opened.value().read(4);
            assertThat(pnp.device().defaultQueue().queueState().dispatchingRequests()).as("queues stopped").isFalse();
            assertThat(pnp.recorder().presented).as("nothing presented by a failed device").isEmpty();
        }

        FxDevice.PnpOutcome removed = pnp.pnp(Event.REMOVE);
        assertThat(removed.state()).isEqualTo(State.REMOVED);
        assertThat(pnp.recorder().takeCalls()).isEqualTo(fromTable(State.FAILED, Event.REMOVE))
                .containsExactly("SelfManagedIoFlush", "SelfManagedIoCleanup", "DeviceCleanup");
        if (irp != null) {
            assertThat(result(irp).status().isSuccess()).as("the held request failed at removal").isFalse();
        }
        assertThat(pnp.globals().devices()).doesNotContain(pnp.device());
    }

    // A PnP callback that throws counts as STATUS_DRIVER_INTERNAL_ERROR and is reported: a PrepareHardware that
    // throws fails the start (ReleaseHardware still called); a D0Exit that throws during a removal is reported and the
    // removal goes on to the end.
    @Test
    void aThrowingPnpCallbackIsReportedAndCountsAsDriverInternalError() {
        Pnp failing = added("pnp-throw-prepare", STRICT);
        failing.recorder().throwing.add("PrepareHardware");
        FxDevice.PnpOutcome outcome = failing.pnp(Event.START);
        assertThat(outcome.state()).isEqualTo(State.FAILED);
        assertThat(outcome.status()).isEqualTo(NtStatus.STATUS_DRIVER_INTERNAL_ERROR);
        assertThat(failing.recorder().takeCalls()).containsExactly("PrepareHardware", "ReleaseHardware");
        assertThat(failing.globals().findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.EXCEPTION);
            assertThat(f.message()).contains("thrown by PrepareHardware");
        });
        assertThat(failing.globals().failure()).isNull();

        Pnp removing = started("pnp-throw-d0exit", STRICT);
        removing.recorder().throwing.add("D0Exit(D3_FINAL)");
        FxDevice.PnpOutcome removed = removing.pnp(Event.REMOVE);
        assertThat(removed.state()).isEqualTo(State.REMOVED);
        assertThat(removing.recorder().takeCalls()).containsExactly("SelfManagedIoSuspend", "D0Exit(D3_FINAL)",
                "ReleaseHardware", "SelfManagedIoFlush", "SelfManagedIoCleanup", "DeviceCleanup");
        assertThat(removing.globals().findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.EXCEPTION);
            assertThat(f.message()).contains("thrown by D0Exit(D3_FINAL)");
        });
    }

    // ---------------------------------------------------------------------------------------------
    // EvtDriverDeviceAdd

    // addDevice fails when EvtDriverDeviceAdd fails (with its status; the device it made is deleted), succeeds without
    // creating a device (STATUS_UNSUCCESSFUL, reported), or throws (STATUS_DRIVER_INTERNAL_ERROR, reported); the driver
    // goes on and adds a good device afterwards.
    @Test
    void evtDriverDeviceAddFailuresFailTheAdd() {
        List<String> calls = new CopyOnWriteArrayList<>();
        FxDriverGlobals globals = drivers.startPnp("pnp-add-fails", STRICT, (driver, init) -> {
            String id = init.hardwareId();
            if (id.endsWith("NONE")) {
                return NtStatus.STATUS_SUCCESS;
            }
            if (id.endsWith("THROWS")) {
                throw new IllegalStateException("EvtDriverDeviceAdd threw for " + id);
            }
            NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE
                    .withCleanup(o -> calls.add("cleanup " + id)));
            if (id.endsWith("FAILS")) {
                return NtStatus.STATUS_INSUFFICIENT_RESOURCES;
            }
            return device.status();
        }, d -> calls.add("unload"));

        NtResult<FxDevice> fails = globals.addDevice("ROOT\\FAILS", "ROOT\\FAILS\\0000");
        assertThat(fails.status()).isEqualTo(NtStatus.STATUS_INSUFFICIENT_RESOURCES);
        assertThat(calls).containsExactly("cleanup ROOT\\FAILS");
        assertThat(globals.devices()).isEmpty();

        NtResult<FxDevice> none = globals.addDevice("ROOT\\NONE", "ROOT\\NONE\\0000");
        assertThat(none.status()).isEqualTo(NtStatus.STATUS_UNSUCCESSFUL);
        assertThat(globals.findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.VIOLATION);
            assertThat(f.message()).contains("without creating a device");
        });

        NtResult<FxDevice> throwsResult = globals.addDevice("ROOT\\THROWS", "ROOT\\THROWS\\0000");
        assertThat(throwsResult.status()).isEqualTo(NtStatus.STATUS_DRIVER_INTERNAL_ERROR);
        assertThat(globals.findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.EXCEPTION);
            assertThat(f.message()).contains("EvtDriverDeviceAdd threw");
        });
        assertThat(globals.failure()).isNull();

        FxDevice good = DeviceTestDrivers.addDevice(globals, "ROOT\\GOOD\\0000");
        assertThat(globals.devices()).containsExactly(good);
    }

    // WdfDevice.create: a PnP device init is spent when its EvtDriverDeviceAdd returns (WDF frees it then), so a driver
    // that kept it and uses it later gets a bug check (WDF_INVALID_HANDLE) that says why, and no device.
    @Test
    void aPnpDeviceInitUsedAfterItsEvtDriverDeviceAddIsABugCheck() {
        AtomicReference<WdfDeviceInit> kept = new AtomicReference<>();
        FxDriverGlobals globals = drivers.startPnp("pnp-init-outside", REPORTING, (driver, init) -> {
            kept.set(init);
            return NtStatus.STATUS_UNSUCCESSFUL;
        }, null);
        assertThat(globals.addDevice("ROOT\\OUTSIDE", "ROOT\\OUTSIDE\\0000").status()).isEqualTo(NtStatus.STATUS_UNSUCCESSFUL);
        Throwable outcome = catchThrowable(() -> globals.runAsDriver(() -> WdfDevice.create(kept.get(), WdfObjectAttributes.NONE)));
        assertThat(outcome).as("WdfDevice.create with a PnP init after its EvtDriverDeviceAdd returned")
                .isInstanceOfSatisfying(WdfBugCheck.class, b -> {
                    assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_HANDLE);
                    assertThat(b.getMessage()).contains("EvtDriverDeviceAdd returns");
                });
        assertThat(globals.devices()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------
    // O1, O5, U7

    // O1: a device is a child of the driver object (its parent, its driver); its queues are its children; attributes
    // that name a parent are refused with STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED.
    @Test
    void o1_aDeviceIsAChildOfTheDriverObject() {
        AtomicReference<NtStatus> withParent = new AtomicReference<>();
        FxDriverGlobals globals = drivers.startPnp("pnp-o1", STRICT, (driver, init) -> {
            if (init.hardwareId().endsWith("PARENT")) {
                withParent.set(WdfDevice.create(init, WdfObjectAttributes.NONE.withParent(driver)).status());
                return withParent.get();
            }
            NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
            if (!device.isSuccess()) {
                return device.status();
            }
            return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.MANUAL),
                    WdfObjectAttributes.NONE).status();
        }, null);
        FxDevice device = DeviceTestDrivers.addDevice(globals, "ROOT\\PNP-O1\\0000");
        assertThat(device.parent()).as("the parent of a device").isSameAs(globals.driverObject());
        assertThat(device.driver()).isSameAs(globals.driverObject());
        assertThat(globals.driverObject().children()).contains(device);
        assertThat(TestDrivers.fx(device.defaultQueue()).parent()).as("a queue's parent").isSameAs(device);

        NtResult<FxDevice> refused = globals.addDevice("ROOT\\PARENT", "ROOT\\PARENT\\0000");
        assertThat(withParent.get()).isEqualTo(NtStatus.STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED);
        assertThat(refused.isSuccess()).isFalse();
        assertThat(globals.devices()).containsExactly(device);
    }

    // O5: the driver cannot delete its PnP device: STATUS_CANNOT_DELETE, reported, and the device goes on working.
    @Test
    void o5_aPnpDeviceCannotBeDeletedByItsDriver() throws Exception {
        Pnp pnp = started("pnp-o5", REPORTING);
        assertThat(pnp.device().delete()).isEqualTo(NtStatus.STATUS_CANNOT_DELETE);
        assertThat(pnp.globals().findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.VIOLATION);
            assertThat(f.rule()).isEqualTo("STATUS_CANNOT_DELETE");
        });
        assertThat(pnp.recorder().takeCalls()).as("nothing of a removal ran").isEmpty();
        assertThat(pnp.device().pnpState()).isEqualTo(State.STARTED);
        FxIrp irp = DeviceTestDrivers.open(pnp.device()).read(4);
        pnp.recorder().take().complete(NtStatus.STATUS_SUCCESS);
        assertThat(result(irp).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(pnp.globals().failure()).isNull();
    }

    // U7: stopping a PnP driver whose devices are started removes them first, in creation order, each with the whole
    // removal sequence, and only then calls EvtDriverUnload.
    @Test
    void u7_stoppingThePnpDriverRemovesItsDevicesBeforeEvtDriverUnload() {
        Recorder recorder = new Recorder();
        FxDriverGlobals globals = drivers.startPnp("pnp-u7", STRICT, recorder.deviceAdd(),
                d -> recorder.calls.add("Unload"));
        FxDevice a = DeviceTestDrivers.addDevice(globals, "ROOT\\U7#A\\0000");
        FxDevice b = DeviceTestDrivers.addDevice(globals, "ROOT\\U7#B\\0000");
        assertThat(a.pnp(Event.START).state()).isEqualTo(State.STARTED);
        assertThat(b.pnp(Event.START).state()).isEqualTo(State.STARTED);
        recorder.takeCalls();

        FxDriverGlobals.StopOutcome stop = globals.stop();
        assertThat(stop.refused()).isFalse();
        assertThat(stop.hung()).isFalse();
        List<String> removal = fromTable(State.STARTED, Event.REMOVE);
        List<String> expected = new ArrayList<>();
        removal.forEach(c -> expected.add("A:" + c));
        removal.forEach(c -> expected.add("B:" + c));
        expected.add("Unload");
        assertThat(recorder.takeCalls()).isEqualTo(expected);
        assertThat(a.pnpState()).isEqualTo(State.REMOVED);
        assertThat(b.pnpState()).isEqualTo(State.REMOVED);
        assertThat(globals.evtDriverUnloadCalled()).isTrue();

        List<JournalEntry> journal = globals.journal();
        int unload = indexOf(journal, e -> e.kind() == JournalEntry.Kind.EVT_DRIVER_UNLOAD);
        int lastRemoval = -1;
        for (int i = 0; i < journal.size(); i++) {
            JournalEntry e = journal.get(i);
            if (e.kind() == JournalEntry.Kind.PNP && e.detail().startsWith("REMOVE")) {
                lastRemoval = i;
            }
        }
        assertThat(lastRemoval).as("the journal has the removals").isGreaterThanOrEqualTo(0);
        assertThat(unload).as("EvtDriverUnload after the removals in the journal %s", journal).isGreaterThan(lastRemoval);
    }

    private static int indexOf(List<JournalEntry> journal, Predicate<JournalEntry> p) {
        for (int i = 0; i < journal.size(); i++) {
            if (p.test(journal.get(i))) {
                return i;
            }
        }
        return -1;
    }

    // A request the driver still owns when its device is removed, past the verifier's wait timeout, is abandoned: the
    // removal finishes, the client is told STATUS_NO_SUCH_DEVICE, a LEAK finding names the request, and a later
    // completion by the driver is a bug check (WDF_REQUEST_FATAL_ERROR) naming it.
    @Test
    void aRequestStillOwnedAtRemovalPastTheWaitTimeoutIsAbandoned() throws Exception {
        VerifierSettings shortWait = VerifierSettings.on().withWaitTimeout(Duration.ofMillis(300));
        Pnp pnp = started("pnp-abandon", shortWait);
        pnp.recorder().stopMode = StopMode.FORGET;
        FxIrp irp = DeviceTestDrivers.open(pnp.device()).read(4);
        WdfRequest request = pnp.recorder().take();
        String name = request.handleName();

        FxDevice.PnpOutcome outcome = pnp.pnp(Event.REMOVE);
        boolean clientDone;
        try {
            Awaitility.await().atMost(Duration.ofSeconds(3)).until(irp.future()::isDone);
            clientDone = true;
        } catch (ConditionTimeoutException e) {
            clientDone = false;
        }
        boolean told = clientDone;
        String state = "outcome " + outcome + "; " + describe(pnp.globals()) + "; calls " + pnp.recorder().calls;
        Throwable lateCompletion = catchThrowable(
                () -> request.complete(NtStatus.STATUS_SUCCESS));

        DeviceTestDrivers.Problems problems = new DeviceTestDrivers.Problems();
        problems.check(!outcome.hung(), "the removal must not be hung: %s", state);
        problems.checkEqual(outcome.state(), State.REMOVED, "the removal finishes (%s)", state);
        problems.check(told, "the client must be completed (%s)", state);
        if (told) {
            problems.checkEqual(irp.future().join().status(), NtStatus.STATUS_NO_SUCH_DEVICE, "the client's status");
        }
        problems.check(pnp.globals().findings().stream().anyMatch(f -> f.kind() == Finding.Kind.LEAK
                && (f.object() + " " + f.message()).contains(name)), "a LEAK finding must name %s (%s)", name, state);
        problems.check(lateCompletion instanceof WdfBugCheck, "a later completion by the driver must be a bug check, was %s",
                lateCompletion);
        if (lateCompletion instanceof WdfBugCheck b) {
            problems.checkEqual(b.subCode(), WdfBugCheckCode.WDF_REQUEST_FATAL_ERROR, "the bug check's code");
            problems.check(b.getMessage().contains(name) && b.getMessage().contains("abandoned"),
                    "the bug check must name %s and say it was abandoned: %s", name, b.getMessage());
        }
        problems.assertNone();
    }
}
