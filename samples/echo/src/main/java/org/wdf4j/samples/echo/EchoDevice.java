package org.wdf4j.samples.echo;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfPnpPowerEventCallbacks;
import org.wdf4j.device.WdfPowerDeviceState;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * The echo device (Microsoft's {@code device.c}): creates the device with its context, PnP/power callbacks and
 * device interface, and starts and stops the queue's timer with the device's self-managed I/O.
 *
 * <p>The timer runs only while the device is started: self-managed I/O init (first start) and restart (resume from
 * sleep) start the default queue and the timer; suspend (sleep, removal) stops the queue, waiting for the request
 * the driver holds to be completed by the timer, and then stops the timer.
 */
final class EchoDevice {

    /** The device's state (the device extension of WDM). */
    static final class DeviceContext {
        /** The device's power state as the D0 callbacks saw it. */
        WdfPowerDeviceState powerState = WdfPowerDeviceState.D3_FINAL;
        /** How many times the device entered D0 (starts and resumes). */
        int d0Entries;
    }

    static final ContextType<DeviceContext> DEVICE_CONTEXT = ContextType.declare(DeviceContext.class, DeviceContext::new);

    private EchoDevice() {
    }

    /**
     * Creates the device described by {@code deviceInit} (which {@code WdfDevice.create} spends, success or not), its
     * device interface and its default queue.
     */
    static NtStatus create(WdfDeviceInit deviceInit) {
        // Self-managed I/O init and restart share one callback: both (re)start the queue and its timer.
        deviceInit.setPnpPowerEventCallbacks(WdfPnpPowerEventCallbacks.init()
                .withD0Entry(EchoDevice::evtDeviceD0Entry)
                .withD0Exit(EchoDevice::evtDeviceD0Exit)
                .withSelfManagedIoInit(EchoDevice::evtDeviceSelfManagedIoStart)
                .withSelfManagedIoRestart(EchoDevice::evtDeviceSelfManagedIoStart)
                .withSelfManagedIoSuspend(EchoDevice::evtDeviceSelfManagedIoSuspend));

        NtResult<WdfDevice> created = WdfDevice.create(deviceInit, WdfObjectAttributes.of(DEVICE_CONTEXT));
        if (!created.isSuccess()) {
            DbgPrint.print("Echo: WdfDeviceCreate failed %s", created.status());
            return created.status();
        }
        WdfDevice device = created.value();

        // The interface is enabled when the device starts and disabled when it stops: applications find the device
        // through it.
        NtStatus status = device.createDeviceInterface(EchoDriver.GUID_DEVINTERFACE_ECHO, null);
        if (!status.isSuccess()) {
            DbgPrint.print("Echo: WdfDeviceCreateDeviceInterface failed %s", status);
            return status;
        }
        return EchoQueue.initialize(device);
    }

    /** {@code EvtDeviceD0Entry}: the device is powered up (at a start, or a resume from sleep). */
    static NtStatus evtDeviceD0Entry(WdfDevice device, WdfPowerDeviceState previousState) {
        DeviceContext context = DEVICE_CONTEXT.get(device);
        context.powerState = WdfPowerDeviceState.D0;
        context.d0Entries++;
        DbgPrint.print("Echo: EvtDeviceD0Entry from %s", previousState);
        return NtStatus.STATUS_SUCCESS;
    }

    /** {@code EvtDeviceD0Exit}: the device is powered down (sleep, or removal when the target is D3_FINAL). */
    static NtStatus evtDeviceD0Exit(WdfDevice device, WdfPowerDeviceState targetState) {
        DEVICE_CONTEXT.get(device).powerState = targetState;
        DbgPrint.print("Echo: EvtDeviceD0Exit to %s", targetState);
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * {@code EvtDeviceSelfManagedIoInit} and {@code EvtDeviceSelfManagedIoRestart}: restarts the default queue
     * (stopped by the last suspend) and the periodic timer that completes its requests.
     */
    static NtStatus evtDeviceSelfManagedIoStart(WdfDevice device) {
        WdfQueue queue = device.defaultQueue();
        queue.start();
        EchoQueue.QUEUE_CONTEXT.get(queue).timer.start(EchoDriver.TIMER_PERIOD);
        DbgPrint.print("Echo: self-managed I/O started, timer every %d ms", EchoDriver.TIMER_PERIOD.toMillis());
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * {@code EvtDeviceSelfManagedIoSuspend}: the device is leaving D0. The framework cannot power it down while the
     * driver owns a request, so the queue is stopped first, which waits until the timer has completed the request
     * the driver holds (a driver could instead acknowledge the stop in {@code EvtIoStop}); then the timer is stopped,
     * waiting for a callback that is running.
     */
    static NtStatus evtDeviceSelfManagedIoSuspend(WdfDevice device) {
        WdfQueue queue = device.defaultQueue();
        queue.stopSynchronously();
        EchoQueue.QUEUE_CONTEXT.get(queue).timer.stop(true);
        DbgPrint.print("Echo: self-managed I/O suspended");
        return NtStatus.STATUS_SUCCESS;
    }
}
