package org.wdf4j.samples.pingadapter;

import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A network adapter with a virtual peer behind it: the peer answers ARP for its address and ICMP echo requests sent to
 * it, so {@code ping PEER} through the adapter's interface works, through Java code all the way. Two hardware IDs:
 * <ul>
 *   <li>{@code ROOT\PINGADAPTER}: a TAP adapter (Ethernet frames); the peer answers ARP with its MAC address
 *       {@value PingPeer#PEER_MAC}, then echo requests;</li>
 *   <li>{@code ROOT\PINGTUN}: a TUN adapter (IP packets, no ARP); the peer answers echo requests.</li>
 * </ul>
 *
 * <p>The driver's Parameters (one set for both) may change the defaults: {@code InterfaceName} (string; default
 * {@code wdfping%d} and {@code wdftun%d}), {@code Address} (the interface's, {@code 10.213.0.1/24} and
 * {@code 10.214.0.1/24}), {@code PeerAddress} ({@code 10.213.0.2} and {@code 10.214.0.2}), {@code MacAddress} (TAP;
 * default: the kernel picks), {@code Mtu} (dword; 1500) and {@code NetworkNamespace} (an {@code ip netns} name). A bad
 * value fails the device with STATUS_INVALID_PARAMETER, and the driver says why (DbgPrint).
 */
public final class PingAdapterDriver implements DriverEntry {

    public static final String HARDWARE_ID_TAP = "ROOT\\PINGADAPTER";
    public static final String HARDWARE_ID_TUN = "ROOT\\PINGTUN";

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        WdfDriverConfig config = WdfDriverConfig.init(PingAdapterDriver::evtDriverDeviceAdd);
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE, config);
        if (!created.isSuccess()) {
            DbgPrint.print("PingAdapter: WdfDriverCreate failed %s", created.status());
            return created.status();
        }
        return NtStatus.STATUS_SUCCESS;
    }

    static NtStatus evtDriverDeviceAdd(WdfDriver driver, WdfDeviceInit deviceInit) {
        boolean tun = HARDWARE_ID_TUN.equalsIgnoreCase(deviceInit.hardwareId());
        return PingAdapterDevice.create(driver, deviceInit, tun);
    }
}
