package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wdf4j.fxtest.DeviceTestDrivers.STRICT;
import static org.wdf4j.fxtest.DeviceTestDrivers.result;
import static org.wdf4j.fxtest.StackTestDrivers.completing;
import static org.wdf4j.fxtest.StackTestDrivers.forwardingWithCompletion;
import static org.wdf4j.fxtest.StackTestDrivers.level;
import static org.wdf4j.fxtest.StackTestDrivers.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceStack;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfIoTarget;
import org.wdf4j.io.WdfIoTargetState;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Device stacks (ST3, ST4, ST5, ST6): devices of several drivers stacked on one device node, requests entering at the
 * top, filters passing down what they have no handler for, the default I/O target, completion routines in the reverse
 * order of the sends, and the PnP order through the stack.
 */
class DeviceStackTest {

    private final StackTestDrivers stacks = new StackTestDrivers();

    @AfterEach
    void stopDrivers() {
        stacks.stopAll();
    }

    // ST6, ST3: a client's read enters at the top of a three-level stack (upper filter, lower filter, function driver),
    // each filter forwards it with its current type, the function driver fills the buffer, and the completion routines
    // run in the reverse order of the sends: the lower filter's first. The client gets the function driver's bytes.
    @Test
    void st6_completionRoutinesRunInReverseOrderOfSending() {
        Queue<String> order = StackTestDrivers.order();
        StackTestDrivers.Built built = stacks.build(node("st6-order"), STRICT,
                level("st6-function", false, completing("function", order, (byte) 0x5A)),
                level("st6-lower", true, forwardingWithCompletion("lower filter", order)),
                level("st6-upper", true, forwardingWithCompletion("upper filter", order)));

        FxFileHandle handle = DeviceTestDrivers.open(built.device(0)); // any device of the stack opens it at the top
        assertThat(handle.device()).as("a client's open enters the stack at its top").isSameAs(built.top());
        FxIoStatus read = result(handle.read(6));

        assertThat(read.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(read.information()).isEqualTo(6);
        assertThat(read.output()).containsExactly(0x5A, 0x5A, 0x5A, 0x5A, 0x5A, 0x5A);
        assertThat(order).containsExactly("function", "lower filter", "upper filter");
    }

    // ST3: a filter's queue has a handler for writes only: reads pass down to the function driver untouched (the filter
    // never sees them), writes go through the filter. A filter with no queue at all passes everything down.
    @Test
    void st3_aFilterSeesOnlyTheRequestTypesItHasHandlersFor() {
        Queue<String> order = StackTestDrivers.order();
        AtomicInteger filterSaw = new AtomicInteger();
        StackTestDrivers.Built built = stacks.build(node("st3-filter"), STRICT,
                level("st3-function", false, completing("function", order, (byte) 1)),
                level("st3-noqueue", true, device -> NtStatus.STATUS_SUCCESS),
                level("st3-writes", true, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoWrite((q, r, length) -> {
                            filterSaw.incrementAndGet();
                            StackTestDrivers.forward(q.device(), r, "write filter", order);
                        })));

        FxFileHandle handle = DeviceTestDrivers.open(built.top());
        assertThat(result(handle.read(3)).output()).containsExactly(1, 1, 1);
        assertThat(filterSaw).as("the filter never saw the read").hasValue(0);
        assertThat(result(handle.write(new byte[] {1, 2})).information()).isEqualTo(2);
        assertThat(filterSaw).as("the filter saw the write").hasValue(1);
        assertThat(order).containsExactly("function", "function", "write filter");
        // a control code: no handler in either filter; the function driver's queue takes it
        assertThat(result(handle.deviceIoControl(0x222000, new byte[1], 0)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(order).contains("function:ioctl");
    }

    // ST3: a device that is not a filter fails a request type it has no handler for (it does not pass it down).
    @Test
    void st3_aFunctionDeviceWithoutAHandlerFailsTheRequestInsteadOfPassingItDown() {
        Queue<String> order = StackTestDrivers.order();
        StackTestDrivers.Built built = stacks.build(node("st3-fdo"), STRICT,
                level("st3-bottom", false, completing("bottom", order, (byte) 1)),
                level("st3-writeonly", false, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoWrite((q, r, length) -> r.complete(NtStatus.STATUS_SUCCESS))));
        FxIoStatus read = result(DeviceTestDrivers.open(built.top()).read(3));
        assertThat(read.status()).isEqualTo(NtStatus.STATUS_INVALID_DEVICE_REQUEST);
        assertThat(order).isEmpty();
    }

    // ST5: every device but the bottom one has a default I/O target, started, owned by the device, that reaches the
    // next lower device; it exists already in EvtDriverDeviceAdd, right after WdfDeviceCreate. The bottom has none.
    @Test
    void st5_theDefaultTargetIsTheNextLowerDeviceAndTheBottomHasNone() {
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicReference<WdfIoTarget> upperTarget = new AtomicReference<>();
        Queue<String> order = StackTestDrivers.order();
        StackTestDrivers.Built built = stacks.build(node("st5-default"), DeviceTestDrivers.REPORTING,
                level("st5-bottom", false, device -> {
                    seen.add("bottom target " + device.ioTarget());
                    return WdfQueue.create(device, completing("bottom", order, (byte) 7), WdfObjectAttributes.NONE)
                            .status();
                }),
                level("st5-upper", true, device -> {
                    upperTarget.set(device.ioTarget());
                    seen.add("upper target state " + device.ioTarget().targetState());
                    return NtStatus.STATUS_SUCCESS;
                }));
        assertThat(seen).containsExactly("bottom target null", "upper target state STARTED");
        WdfIoTarget target = upperTarget.get();
        assertThat(target.device()).isSameAs(built.device(1));
        assertThat(built.device(1).lowerDevice()).isSameAs(built.device(0));
        assertThat(built.device(1).ioTarget()).as("one default target").isSameAs(target);
        assertThat(target.delete()).as("the default target goes with its device").isEqualTo(NtStatus.STATUS_CANNOT_DELETE);
        assertThat(target.targetState()).isEqualTo(WdfIoTargetState.STARTED);
    }

    // ST4: a stack of three drivers is started bottom-up (the bottom device's PrepareHardware and D0Entry first) and
    // removed top-down (the top device's D0Exit and ReleaseHardware first); each device leaves the stack when deleted.
    @Test
    void st4_theStackStartsBottomUpAndIsRemovedTopDown() {
        List<String> calls = new CopyOnWriteArrayList<>();
        StackTestDrivers.Level[] levels = new StackTestDrivers.Level[3];
        String[] names = {"pdo", "function", "filter"};
        for (int i = 0; i < 3; i++) {
            String n = names[i];
            levels[i] = new StackTestDrivers.Level("st4-" + n, init -> {
                if (n.equals("filter")) {
                    init.setFilter();
                }
                init.setPnpPowerEventCallbacks(WdfPnpPowerEventCallbacks.init()
                        .withPrepareHardware(d -> record(calls, n + " PrepareHardware"))
                        .withD0Entry((d, from) -> record(calls, n + " D0Entry"))
                        .withD0Exit((d, to) -> record(calls, n + " D0Exit"))
                        .withReleaseHardware(d -> record(calls, n + " ReleaseHardware")));
            }, device -> NtStatus.STATUS_SUCCESS);
        }
        StackTestDrivers.Built built = stacks.build(node("st4-order"), STRICT, levels);
        assertThat(calls).containsExactly("pdo PrepareHardware", "pdo D0Entry", "function PrepareHardware",
                "function D0Entry", "filter PrepareHardware", "filter D0Entry");

        calls.clear();
        List<FxDevice.PnpOutcome> removed = built.stack().pnp(FxPnpMachine.Event.REMOVE);
        assertThat(FxDeviceStack.succeeded(removed)).as("%s", removed).isTrue();
        assertThat(calls).containsExactly("filter D0Exit", "filter ReleaseHardware", "function D0Exit",
                "function ReleaseHardware", "pdo D0Exit", "pdo ReleaseHardware");
        assertThat(built.stack().devices()).as("every device left the stack").isEmpty();
    }

    // ST4: a start that fails at one level stops there: the devices above it are not started.
    @Test
    void st4_aStartThatFailsAtALevelLeavesTheLevelsAboveUnstarted() {
        List<String> calls = new ArrayList<>();
        StackTestDrivers.Level failing = new StackTestDrivers.Level("st4-failing", init -> init.setPnpPowerEventCallbacks(
                WdfPnpPowerEventCallbacks.init().withPrepareHardware(d -> NtStatus.STATUS_DEVICE_NOT_READY)),
                device -> NtStatus.STATUS_SUCCESS);
        StackTestDrivers.Level above = new StackTestDrivers.Level("st4-above", init -> init.setPnpPowerEventCallbacks(
                WdfPnpPowerEventCallbacks.init().withPrepareHardware(d -> record(calls, "above"))),
                device -> NtStatus.STATUS_SUCCESS);
        AssertionError startFailed = null;
        try {
            stacks.build(node("st4-fail"), STRICT, failing, above);
        } catch (AssertionError e) {
            startFailed = e;
        }
        assertThat(startFailed).as("the stack did not start").isNotNull();
        assertThat(calls).as("the level above the failed one was not started").isEmpty();
    }

    private static NtStatus record(List<String> calls, String call) {
        calls.add(call);
        return NtStatus.STATUS_SUCCESS;
    }

    // ST3: WdfFdoInitSetFilter on a device whose own queue handles everything: it sees every request (a filter is
    // not bypassed when it has handlers).
    @Test
    void st3_aFilterWithADefaultHandlerSeesEveryRequest() {
        Queue<String> order = StackTestDrivers.order();
        StackTestDrivers.Built built = stacks.build(node("st3-all"), STRICT,
                level("st3-all-function", false, completing("function", order, (byte) 3)),
                level("st3-all-filter", true, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoDefault((q, r) -> StackTestDrivers.forward(q.device(), r, "filter", order))));
        FxFileHandle handle = DeviceTestDrivers.open(built.top());
        assertThat(result(handle.read(2)).output()).containsExactly(3, 3);
        assertThat(result(handle.write(new byte[4])).information()).isEqualTo(4);
        assertThat(order).containsExactly("function", "filter", "function", "filter");
    }
}
