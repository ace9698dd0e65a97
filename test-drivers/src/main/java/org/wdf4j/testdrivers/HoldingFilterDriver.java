package org.wdf4j.testdrivers;

import java.util.List;
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
 * A filter driver (ST10) that keeps every write it gets and never completes it nor lets it be cancelled: its
 * EvtIoStop acknowledges the power-down without requeueing, so that a removal of its stack goes on and its unload
 * report names the request it still holds, the level of the stack it holds it at and the original requestor. Reads and
 * controls pass down untouched (it has no handler for them).
 */
public final class HoldingFilterDriver implements DriverEntry {

    /** {@link HoldingWriteDriver}'s context; its list of writes is guarded by itself here (a parallel queue). */
    static final ContextType<HoldingWriteDriver.DeviceContext> DEVICE = HoldingWriteDriver.DEVICE;

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(HoldingFilterDriver::deviceAdd)).status();
    }

    static NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit init) {
        return deviceAdd(init, false);
    }

    /**
     * The filter's device: a parallel default queue that keeps every write; {@code pendCancelable}: marked cancelable, with
     * a cancel routine that completes it with STATUS_CANCELLED ({@link PendingFilterDriver}).
     */
    static NtStatus deviceAdd(WdfDeviceInit init, boolean pendCancelable) {
        init.setFilter();
        NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.of(DEVICE));
        if (!device.isSuccess()) {
            return device.status();
        }
        return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoWrite(pendCancelable ? HoldingFilterDriver::pend : HoldingFilterDriver::write)
                .withIoStop((queue, request, action, cancelable) -> request.stopAcknowledge(false)),
                WdfObjectAttributes.NONE).status();
    }

    /** Keeps the write, cancelable: its cancel routine takes it off the list and completes it with STATUS_CANCELLED. */
    static void pend(WdfQueue queue, WdfRequest request, long length) {
        List<WdfRequest> held = DEVICE.get(queue.device()).held;
        synchronized (held) {
            held.add(request);
            request.markCancelable(r -> {
                synchronized (held) {
                    held.remove(r);
                }
                DbgPrint.print("cancel routine %s: STATUS_CANCELLED", r);
                r.complete(NtStatus.STATUS_CANCELLED);
            });
        }
        DbgPrint.print("EvtIoWrite %s of %d bytes: pended, cancelable", request, length);
    }

    /** Keeps the write: the bug an unload report has to name. */
    static void write(WdfQueue queue, WdfRequest request, long length) {
        DbgPrint.print("EvtIoWrite %s of %d bytes: held, never completed", request, length);
        List<WdfRequest> held = DEVICE.get(queue.device()).held;
        synchronized (held) {
            held.add(request);
        }
    }
}
