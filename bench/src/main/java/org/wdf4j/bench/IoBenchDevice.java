package org.wdf4j.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.io.EvtIoRead;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * An in-process PnP driver with one device and one default queue for the I/O benchmarks, loaded without a host and
 * with the verifier off (the set-up of {@code DeviceSmokeTest}): DriverEntry creates the driver object with an
 * EvtDriverDeviceAdd, which creates the device ({@code WdfObjectAttributes.NONE}) and its default queue of the given
 * dispatch type with the given EvtIoRead; the device is then added ({@code addDevice}) and started
 * ({@code pnp(START)}). Clients open it with {@link #open()}. {@link #stop()} unloads the driver and fails if it has
 * findings.
 */
final class IoBenchDevice {

    /** Bytes per read. */
    static final int LENGTH = 64;

    /** What the driver writes into every read buffer (also the check of every result). */
    static final byte[] PATTERN = new byte[LENGTH];

    static {
        for (int i = 0; i < LENGTH; i++) {
            PATTERN[i] = (byte) (i * 7 + 1);
        }
    }

    /**
     * The driver's work for one read, the same code in every variant: fill the caller's buffer with the pattern and
     * answer a status.
     */
    static NtStatus fill(ByteBuffer buffer) {
        buffer.put(PATTERN);
        return NtStatus.STATUS_SUCCESS;
    }

    /** EvtIoRead that does the work and completes the request inline, on the thread that presented it. */
    static void readInline(WdfQueue queue, WdfRequest request, long length) {
        completeRead(request);
    }

    /** The work and the completion, on whatever thread calls it. */
    static void completeRead(WdfRequest request) {
        NtResult<ByteBuffer> buffer = request.retrieveOutputBuffer(LENGTH);
        if (!buffer.isSuccess()) {
            request.complete(buffer.status());
            return;
        }
        NtStatus status = fill(buffer.value());
        request.completeWithInformation(status, status.isSuccess() ? LENGTH : 0);
    }

    /** Throws unless the read succeeded with the pattern (a few loads; the same check in every variant). */
    static FxIoStatus check(FxIoStatus s) {
        if (!s.status().isSuccess() || s.information() != LENGTH || s.output().length != LENGTH
                || s.output()[LENGTH - 1] != PATTERN[LENGTH - 1]) {
            throw new IllegalStateException("the read did not return the pattern: " + s.status() + ", "
                    + s.information() + " bytes");
        }
        return s;
    }

    final FxDriverGlobals globals;
    final FxDevice device;

    private IoBenchDevice(FxDriverGlobals globals, FxDevice device) {
        this.globals = globals;
        this.device = device;
    }

    static IoBenchDevice start(String name, WdfIoQueueDispatchType dispatchType, EvtIoRead onRead) {
        FxDriverGlobals globals = FxDriverGlobals.create(name,
                "\\Registry\\Machine\\System\\CurrentControlSet\\Services\\" + name,
                IoBenchDevice.class.getClassLoader(), false, VerifierSettings.OFF, null);
        FxDriverGlobals.EntryOutcome entry = globals.callDriverEntry((driverObject, registryPath) ->
                WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                        WdfDriverConfig.init((driver, init) -> {
                            NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
                            if (!device.isSuccess()) {
                                return device.status();
                            }
                            return WdfQueue.create(device.value(),
                                    WdfIoQueueConfig.initDefaultQueue(dispatchType).withIoRead(onRead),
                                    WdfObjectAttributes.NONE).status();
                        }).withUnload(d -> { })).status());
        if (!entry.status().isSuccess()) {
            throw new IllegalStateException("DriverEntry of " + name + " failed: " + entry);
        }
        NtResult<FxDevice> added = globals.addDevice("ROOT\\" + name.toUpperCase(), "ROOT\\" + name.toUpperCase() + "\\0000");
        BenchDriver.check(added.status(), "addDevice");
        FxDevice device = added.value();
        FxDevice.PnpOutcome started = device.pnp(FxPnpMachine.Event.START);
        if (started.state() != FxPnpMachine.State.STARTED) {
            throw new IllegalStateException("the device did not start: " + started);
        }
        return new IoBenchDevice(globals, device);
    }

    /** {@code CreateFile} on the device (no EvtDeviceFileCreate: the framework completes the open). */
    FxFileHandle open() {
        try {
            NtResult<FxFileHandle> opened = device.open(new WdfRequestor(1, 0, 0), "").get(10, TimeUnit.SECONDS);
            BenchDriver.check(opened.status(), "open");
            return opened.value();
        } catch (Exception e) {
            throw new IllegalStateException("opening " + device, e);
        }
    }

    /**
     * Closes a handle after checking that none of its requests is still in flight. A request completed on another
     * thread leaves the handle's set just after its future completes ({@code FxIrp.finish} completes the future, then
     * calls {@code requestFinished}), so the client can see it done a moment before {@code outstanding()} drops:
     * this waits up to a second for that.
     */
    static void close(FxFileHandle handle, String when) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        int left;
        while ((left = handle.outstanding()) != 0 && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        handle.close();
        if (left != 0) {
            throw new IllegalStateException(when + ": " + left + " requests still in flight");
        }
    }

    void stop() {
        FxDriverGlobals.StopOutcome out = globals.stop();
        if (out.refused() || out.hung()) {
            throw new IllegalStateException("stopping " + globals.name() + ": " + out);
        }
        if (!globals.findings().isEmpty()) {
            throw new IllegalStateException(globals.name() + " has findings: " + globals.findings());
        }
    }
}
