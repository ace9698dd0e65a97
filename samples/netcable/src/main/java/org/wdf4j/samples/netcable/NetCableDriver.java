package org.wdf4j.samples.netcable;

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
import org.wdf4j.net.NetAdapter;
import org.wdf4j.net.NetAdapterConfig;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.registry.WdfKey;
import org.wdf4j.registry.WdfKeyAccess;

/**
 * A virtual cable with two TAP adapters at its ends: the first {@code ROOT\NETCABLE} device is end 0, the second end
 * 1 (a third is refused with STATUS_INVALID_DEVICE_STATE), and every frame one end transmits is
 * indicated on the other, as if a cable joined two network cards. Each end is connected (carrier on) only while the
 * other exists: plugging the second end in brings both links up, removing one takes the other's down.
 *
 * <p>The driver's Parameters give each end ({@code N} is 0 or 1): {@code EndNName} (default {@code wdfcableN}),
 * {@code EndNAddress} ({@code 10.215.0.1/24} and {@code 10.215.0.2/24}), {@code EndNNamespace} (an {@code ip netns}
 * name; default none: the host's namespace). With the two ends in two namespaces, {@code ip netns exec A ping
 * ADDRESS-OF-B} goes through the kernel of A, this driver, and the kernel of B. A bad value fails the device with
 * STATUS_INVALID_PARAMETER, and the driver says why (DbgPrint).
 */
public final class NetCableDriver implements DriverEntry {

    /** The end of a device; set once in EvtDriverDeviceAdd. */
    static final class DeviceContext {
        Cable.End end;
    }

    static final ContextType<DeviceContext> DEVICE_CONTEXT = ContextType.declare(DeviceContext.class, DeviceContext::new);

    /** The one cable of the driver. */
    static final Cable CABLE = new Cable();

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        WdfDriverConfig config = WdfDriverConfig.init(NetCableDriver::evtDriverDeviceAdd);
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE, config);
        if (!created.isSuccess()) {
            DbgPrint.print("NetCable: WdfDriverCreate failed %s", created.status());
            return created.status();
        }
        return NtStatus.STATUS_SUCCESS;
    }

    static NtStatus evtDriverDeviceAdd(WdfDriver driver, WdfDeviceInit deviceInit) {
        int n = CABLE.reserveEnd();
        if (n < 0) {
            DbgPrint.print("NetCable: both ends of the cable are in use");
            return NtStatus.STATUS_INVALID_DEVICE_STATE;
        }
        NtStatus status = createEnd(driver, deviceInit, n);
        if (!status.isSuccess()) {
            CABLE.release(n, null);
        }
        return status;
    }

    private static NtStatus createEnd(WdfDriver driver, WdfDeviceInit deviceInit, int n) {
        NetAdapterConfig config;
        NtResult<WdfKey> opened = driver.openParametersRegistryKey(WdfKeyAccess.KEY_READ, WdfObjectAttributes.NONE);
        try (WdfKey key = opened.isSuccess() ? opened.value() : null) {
            config = NetAdapterConfig.tap(string(key, "End" + n + "Name", "wdfcable" + n))
                    .withAddress(string(key, "End" + n + "Address", "10.215.0." + (n + 1) + "/24"));
            String ns = string(key, "End" + n + "Namespace", null);
            if (ns != null) {
                config = config.withNetworkNamespace(ns);
            }
        } catch (IllegalArgumentException e) {
            DbgPrint.print("NetCable: bad configuration of end %d: %s", n, e.getMessage());
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        NtResult<WdfDevice> created = WdfDevice.create(deviceInit, WdfObjectAttributes.of(DEVICE_CONTEXT)
                .withCleanup(object -> CABLE.release(n, DEVICE_CONTEXT.get(object).end)));
        if (!created.isSuccess()) {
            return created.status();
        }
        WdfDevice device = created.value();
        NtResult<WdfQueue> transmit = WdfQueue.create(device,
                WdfIoQueueConfig.init(WdfIoQueueDispatchType.SEQUENTIAL).withIoWrite(NetCableDriver::evtIoWrite),
                WdfObjectAttributes.NONE);
        if (!transmit.isSuccess()) {
            return transmit.status();
        }
        NtResult<NetAdapter> adapter = NetAdapter.create(device, config, transmit.value());
        if (!adapter.isSuccess()) {
            return adapter.status();
        }
        DEVICE_CONTEXT.get(device).end = CABLE.plugIn(n, adapter.value());
        DbgPrint.print("NetCable: end %d is %s%s", n, config.interfaceName(),
                config.networkNamespace() == null ? "" : " in " + config.networkNamespace());
        return adapter.value().start();
    }

    private static String string(WdfKey key, String name, String otherwise) {
        if (key == null) {
            return otherwise;
        }
        NtResult<String> value = key.queryString(name);
        return value.isSuccess() ? value.value() : otherwise;
    }

    /** A frame one end transmits is indicated on the other end, or dropped when there is none. */
    static void evtIoWrite(WdfQueue queue, WdfRequest request, long length) {
        Cable.End end = DEVICE_CONTEXT.get(queue.device()).end;
        var input = request.retrieveInputBuffer(length);
        if (!input.isSuccess()) {
            end.adapter().countTransmitError();
            request.complete(input.status());
            return;
        }
        byte[] frame = new byte[(int) length];
        input.value().get(0, frame);
        NetAdapter other = CABLE.otherEnd(end);
        if (other == null || !other.indicate(frame)) {
            end.adapter().countTransmitDrop();
        }
        request.completeWithInformation(NtStatus.STATUS_SUCCESS, length);
    }
}
