package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxDeviceStack;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.FxTargetResolver;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestSendOptions;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Device stacks for the stack and I/O target tests, built without a host the way the host's PnP manager will build
 * them: one driver per level, each started with an EvtDriverDeviceAdd the test writes, the stack built bottom-up with
 * {@link FxDeviceStack#addDevice} and started with {@link FxDeviceStack#pnp}. A resolver over the stacks' named devices
 * stands in for the host's device namespace (remote targets).
 *
 * <p>One instance per test class; {@link #stopAll()} after each test.
 */
final class StackTestDrivers {

    /** One level of a stack: a driver's name, what it sets on its device init, and what it makes on its device. */
    record Level(String driver, Consumer<WdfDeviceInit> init, Function<WdfDevice, NtStatus> setup) {
    }

    /** A built stack: its levels' drivers and devices, bottom first. */
    record Built(FxDeviceStack stack, List<FxDriverGlobals> drivers, List<FxDevice> devices) {

        FxDevice top() {
            return stack.top();
        }

        FxDevice device(int level) {
            return devices.get(level);
        }

        FxDriverGlobals driver(int level) {
            return drivers.get(level);
        }
    }

    private final DeviceTestDrivers drivers = new DeviceTestDrivers();
    private final List<FxDeviceStack> stacks = new ArrayList<>();

    /** Resolves names among the devices of every stack this instance built (what the host's namespace will do). */
    final FxTargetResolver resolver = name -> {
        synchronized (stacks) {
            for (FxDeviceStack s : stacks) {
                for (FxDevice d : s.devices()) {
                    if (name.equals(d.assignedName())) {
                        return NtResult.<FxDeviceEndpoint>success(d);
                    }
                }
            }
        }
        return NtResult.failure(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
    };

    /** A level whose device has the queues {@code setup} makes; {@code filter}: WdfFdoInitSetFilter. */
    static Level level(String driver, boolean filter, Function<WdfDevice, NtStatus> setup) {
        return new Level(driver, init -> {
            if (filter) {
                init.setFilter();
            }
        }, setup);
    }

    /** A level with a default queue made with {@code config}. */
    static Level level(String driver, boolean filter, WdfIoQueueConfig config) {
        return level(driver, filter, device -> WdfQueue.create(device, config, WdfObjectAttributes.NONE).status());
    }

    /** Builds the stack {@code instanceId} from {@code levels} (bottom first) and starts it; fails the test otherwise. */
    Built build(String instanceId, VerifierSettings verifier, Level... levels) {
        FxDeviceStack stack = new FxDeviceStack(instanceId);
        List<FxDriverGlobals> globals = new ArrayList<>();
        String hardwareId = instanceId.substring(0, instanceId.lastIndexOf('\\'));
        for (Level level : levels) {
            FxDriverGlobals g = drivers.startPnp(level.driver(), verifier, (driver, init) -> {
                level.init().accept(init);
                NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
                if (!device.isSuccess()) {
                    return device.status();
                }
                return level.setup().apply(device.value());
            }, null);
            g.setTargetResolver(resolver);
            NtResult<FxDevice> added = stack.addDevice(g, hardwareId);
            assertThat(added.status()).as("the device of %s: %s", level.driver(), DeviceTestDrivers.describe(g))
                    .isEqualTo(NtStatus.STATUS_SUCCESS);
            globals.add(g);
        }
        synchronized (stacks) {
            stacks.add(stack);
        }
        List<FxDevice.PnpOutcome> started = stack.pnp(FxPnpMachine.Event.START);
        assertThat(FxDeviceStack.succeeded(started)).as("START of %s: %s", stack, started).isTrue();
        return new Built(stack, globals, stack.devices());
    }

    /** The device-node name used by a test: {@code ROOT\NAME\0000}. */
    static String node(String name) {
        return "ROOT\\" + name.toUpperCase(Locale.ROOT) + "\\0000";
    }

    /** Stops every driver (top-down removal of what is still there is the host's; here each driver removes its own). */
    void stopAll() {
        List<FxDeviceStack> built;
        synchronized (stacks) {
            built = List.copyOf(stacks);
            stacks.clear();
        }
        for (FxDeviceStack s : built) {
            s.pnp(FxPnpMachine.Event.REMOVE); // top-down, as the host will
        }
        drivers.stopAll();
    }

    // ---------------------------------------------------------------------------------------------
    // Drivers the tests use at several levels

    /**
     * A parallel default queue that forwards every read, write and control down the stack with its current type and a
     * completion routine that records {@code name} in {@code order} and completes the request with the lower status
     * and information.
     */
    static WdfIoQueueConfig forwardingWithCompletion(String name, Queue<String> order) {
        return WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead((q, r, length) -> forward(q.device(), r, name, order))
                .withIoWrite((q, r, length) -> forward(q.device(), r, name, order))
                .withIoDeviceControl((q, r, out, in, code) -> forward(q.device(), r, name, order))
                .withIoInternalDeviceControl((q, r, out, in, code) -> forward(q.device(), r, name, order));
    }

    /** Forwards {@code r} to the device's default target; the completion routine records and completes upward. */
    static void forward(WdfDevice device, WdfRequest r, String name, Queue<String> order) {
        r.formatRequestUsingCurrentType();
        r.setCompletionRoutine((request, target, params) -> {
            order.add(name);
            request.completeWithInformation(params.status(), params.information());
        });
        if (!r.send(device.ioTarget(), WdfRequestSendOptions.init())) {
            r.complete(r.status());
        }
    }

    /**
     * The function (bottom) driver: a parallel default queue completing reads with {@code fill} bytes (the whole
     * buffer), writes with their length, and controls with the input echoed, recording {@code name} in {@code order}.
     */
    static WdfIoQueueConfig completing(String name, Queue<String> order, byte fill) {
        return WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead((q, r, length) -> {
                    order.add(name);
                    var out = r.retrieveOutputBuffer(1).value();
                    for (int i = 0; i < out.limit(); i++) {
                        out.put(i, fill);
                    }
                    r.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
                })
                .withIoWrite((q, r, length) -> {
                    order.add(name);
                    r.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
                })
                .withIoDeviceControl((q, r, out, in, code) -> {
                    order.add(name + ":ioctl");
                    r.completeWithInformation(NtStatus.STATUS_SUCCESS, 0);
                });
    }

    /** A queue for {@link #completing} and friends to record into. */
    static Queue<String> order() {
        return new ConcurrentLinkedQueue<>();
    }
}
