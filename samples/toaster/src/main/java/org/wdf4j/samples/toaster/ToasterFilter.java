package org.wdf4j.samples.toaster;

import java.util.concurrent.atomic.AtomicLong;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A toaster filter, after Microsoft's {@code toaster\filter} samples: {@code WdfFdoInitSetFilter}, and a queue that
 * counts every read, write and control, passes it down with a completion routine, and completes it with what the driver
 * below answered. On the way back up a {@link Toaster#IOCTL_TOASTER_STATS} gets this filter's line. The same driver is
 * installed under several names, one per place in the stack (an upper filter, a lower filter, a class filter); its name
 * (its registry path's last component) tells them apart in the lines and traces.
 */
public final class ToasterFilter implements DriverEntry {

    static final ContextType<Toaster.Counts> CONTEXT = ContextType.declare(Toaster.Counts.class, Toaster.Counts::new);

    private static volatile String name = "toasterfilter";

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        name = Toaster.serviceName(registryPath);
        return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(ToasterFilter::evtDeviceAdd).withUnload(d -> DbgPrint.print("Filter: unload")))
                .status();
    }

    static NtStatus evtDeviceAdd(WdfDriver driver, WdfDeviceInit init) {
        String me = name;
        init.setFilter();
        init.setPnpPowerEventCallbacks(Toaster.tracingCallbacks(me));
        NtResult<WdfDevice> created = WdfDevice.create(init, WdfObjectAttributes.of(CONTEXT));
        if (!created.isSuccess()) {
            return created.status();
        }
        CONTEXT.get(created.value()).driver = me;
        return WdfQueue.create(created.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead((q, r, length) -> pass(q, r, CONTEXT.get(q.device()).reads, false))
                .withIoWrite((q, r, length) -> pass(q, r, CONTEXT.get(q.device()).writes, false))
                .withIoDeviceControl((q, r, out, in, code) -> pass(q, r, CONTEXT.get(q.device()).controls,
                        code == Toaster.IOCTL_TOASTER_STATS)), WdfObjectAttributes.NONE).status();
    }

    /** Counts the request and sends it down; its completion routine completes it with the lower driver's answer. */
    private static void pass(WdfQueue queue, WdfRequest request, AtomicLong count, boolean stats) {
        WdfDevice device = queue.device();
        Toaster.Counts f = CONTEXT.get(device);
        request.formatRequestUsingCurrentType();
        request.setCompletionRoutine((r, target, params) -> {
            count.incrementAndGet();
            long information = params.information();
            if (stats && params.status().isSuccess()) {
                information = Toaster.appendLine(r, information, f.line(f.controls.get() - 1));
            }
            r.completeWithInformation(params.status(), information);
        });
        if (!request.send(device.ioTarget(), null)) {
            request.complete(request.status());
        }
    }
}
