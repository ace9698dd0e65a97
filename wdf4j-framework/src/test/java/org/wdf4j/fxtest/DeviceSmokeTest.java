package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequestor;
import org.wdf4j.object.WdfObjectAttributes;

class DeviceSmokeTest {

    private final TestDrivers drivers = new TestDrivers();

    @AfterEach
    void stop() {
        drivers.stopAll();
    }

    @Test
    void readThroughASequentialQueue() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        FxDriverGlobals globals = drivers.globals("smoke", VerifierSettings.on());
        globals.callDriverEntry((driverObject, registryPath) -> WdfDriver.create(driverObject, registryPath,
                WdfObjectAttributes.NONE, WdfDriverConfig.init((driver, init) -> {
                    init.setPnpPowerEventCallbacks(WdfPnpPowerEventCallbacks.init()
                            .withPrepareHardware(d -> { calls.add("prepare"); return NtStatus.STATUS_SUCCESS; })
                            .withD0Entry((d, s) -> { calls.add("d0entry " + s); return NtStatus.STATUS_SUCCESS; })
                            .withD0Exit((d, s) -> { calls.add("d0exit " + s); return NtStatus.STATUS_SUCCESS; })
                            .withReleaseHardware(d -> { calls.add("release"); return NtStatus.STATUS_SUCCESS; }));
                    NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
                    if (!device.isSuccess()) {
                        return device.status();
                    }
                    NtResult<WdfQueue> q = WdfQueue.create(device.value(),
                            WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.SEQUENTIAL).withIoRead((queue, request, length) -> {
                                request.retrieveOutputBuffer(1).value().put((byte) 42);
                                request.completeWithInformation(NtStatus.STATUS_SUCCESS, 1);
                            }), WdfObjectAttributes.NONE);
                    return q.status();
                }).withUnload(d -> calls.add("unload"))).status());
        NtResult<FxDevice> added = globals.addDevice("ROOT\\SMOKE", "ROOT\\SMOKE\\0000");
        assertThat(added.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        FxDevice device = added.value();
        FxDevice.PnpOutcome started = device.pnp(FxPnpMachine.Event.START);
        assertThat(started.state()).isEqualTo(FxPnpMachine.State.STARTED);
        NtResult<FxFileHandle> opened = device.open(new WdfRequestor(1, 0, 0), "").get(10, TimeUnit.SECONDS);
        assertThat(opened.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        FxIoStatus read = opened.value().read(4).future().get(10, TimeUnit.SECONDS);
        assertThat(read.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(read.output()).containsExactly(42);
        opened.value().close();
        globals.stop();
        assertThat(calls).containsExactly("prepare", "d0entry D3_FINAL", "d0exit D3_FINAL", "release", "unload");
        assertThat(globals.findings()).isEmpty();
    }
}
