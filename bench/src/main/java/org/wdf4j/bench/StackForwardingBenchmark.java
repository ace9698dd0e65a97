package org.wdf4j.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.wdf4j.NtResult;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceStack;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Issue #12's forwarding cost: one 64-byte read sent straight to a function driver, against the same read entering
 * a stack through one and through two upper filters (each a driver of its own) that forward it with
 * {@code formatRequestUsingCurrentType}, a completion routine and an asynchronous send, and complete it upward in the
 * routine with the lower status and information. The function driver's work is {@link IoBenchDevice#readInline} in
 * every variant; the difference per filter level is the framework's forwarding cost (goal: under 150 ns).
 *
 * <p>Verifier off, PARALLEL default queues, every request completed inline on the benchmark thread. The stack is
 * built the way the host will: {@link FxDeviceStack#addDevice} bottom-up, {@link FxDeviceStack#pnp} to start it.
 */
@BenchmarkMode({Mode.AverageTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class StackForwardingBenchmark {

    @State(Scope.Benchmark)
    public static class Stack {
        /** How many upper filters forward the read before the function driver completes it. */
        @Param({"0", "1", "2"})
        int filters;

        final List<FxDriverGlobals> drivers = new ArrayList<>();
        FxDeviceStack stack;
        FxFileHandle handle;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            stack = new FxDeviceStack("ROOT\\STACKBENCH\\0000");
            add("stackbench-function", WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                    .withIoRead(IoBenchDevice::readInline), false);
            for (int i = 0; i < filters; i++) {
                add("stackbench-filter" + i, WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                        .withIoRead((q, r, length) -> forward(q.device(), r)), true);
            }
            List<FxDevice.PnpOutcome> started = stack.pnp(FxPnpMachine.Event.START);
            if (!FxDeviceStack.succeeded(started)) {
                throw new IllegalStateException("the stack did not start: " + started);
            }
            NtResult<FxFileHandle> opened = stack.top().open(new WdfRequestor(1, 0, 0), "").get(10, TimeUnit.SECONDS);
            BenchDriver.check(opened.status(), "open");
            handle = opened.value();
        }

        private void add(String name, WdfIoQueueConfig config, boolean filter) {
            FxDriverGlobals globals = FxDriverGlobals.create(name,
                    "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\" + name,
                    StackForwardingBenchmark.class.getClassLoader(), false, VerifierSettings.OFF, null);
            FxDriverGlobals.EntryOutcome entry = globals.callDriverEntry((driverObject, registryPath) ->
                    WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                            WdfDriverConfig.init((driver, init) -> {
                                if (filter) {
                                    init.setFilter();
                                }
                                NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
                                if (!device.isSuccess()) {
                                    return device.status();
                                }
                                return WdfQueue.create(device.value(), config, WdfObjectAttributes.NONE).status();
                            }).withUnload(d -> { })).status());
            BenchDriver.check(entry.status(), "DriverEntry of " + name);
            BenchDriver.check(stack.addDevice(globals, "ROOT\\STACKBENCH").status(), "addDevice of " + name);
            drivers.add(globals);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            IoBenchDevice.close(handle, "after the trial");
            stack.pnp(FxPnpMachine.Event.REMOVE);
            for (FxDriverGlobals g : drivers.reversed()) {
                FxDriverGlobals.StopOutcome out = g.stop();
                if (out.refused() || out.hung() || !g.findings().isEmpty()) {
                    throw new IllegalStateException("stopping " + g.name() + ": " + out + " " + g.findings());
                }
            }
        }
    }

    /** A filter's EvtIoRead: forward with the current type; the completion routine completes upward. */
    static void forward(WdfDevice device, WdfRequest request) {
        request.formatRequestUsingCurrentType();
        request.setCompletionRoutine((r, target, params) -> r.completeWithInformation(params.status(),
                params.information()));
        if (!request.send(device.ioTarget(), null)) {
            request.complete(request.status());
        }
    }

    @Benchmark
    public FxIoStatus read(Stack s) {
        return IoBenchDevice.check(s.handle.read(IoBenchDevice.LENGTH).future().join());
    }
}
