package org.wdf4j.host.control;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;

/**
 * The host's side of {@code wdf4j bus plug-in|unplug|eject} (the toaster bus's enum tool): finds the toaster bus (the
 * one device with busenum's interface, or the one {@code --bus} names), opens it through the host's client API and
 * sends it the bus driver's I/O control, a little-endian serial number then, for a plug-in, the hardware ID in UTF-8.
 */
final class BusControl {

    /** {@code GUID_DEVINTERFACE_BUSENUM_TOASTER} of the toaster bus sample. */
    static final UUID GUID_DEVINTERFACE_BUSENUM_TOASTER = UUID.fromString("d35f7840-6a0c-11d2-b841-00c04fad5171");
    /** CTL_CODE(FILE_DEVICE_BUS_EXTENDER, 0..2, METHOD_BUFFERED, FILE_READ_DATA), as busenum defines them. */
    static final int IOCTL_BUSENUM_PLUGIN_HARDWARE = (0x2a << 16) | (1 << 14);
    static final int IOCTL_BUSENUM_UNPLUG_HARDWARE = IOCTL_BUSENUM_PLUGIN_HARDWARE | (1 << 2);
    static final int IOCTL_BUSENUM_EJECT_HARDWARE = IOCTL_BUSENUM_PLUGIN_HARDWARE | (2 << 2);

    private BusControl() {
    }

    /** {@code bus-plug-in}, {@code bus-unplug}, {@code bus-eject}. */
    static int run(DriverHost host, String verb, Request request, Output out) {
        int serialNo = serialNo(request.argument(), verb);
        IoClient.DeviceInterface bus = findBus(host, request.option("bus"));
        String hardwareId = request.option("hardware-id");
        int code = switch (verb) {
            case "plug-in" -> IOCTL_BUSENUM_PLUGIN_HARDWARE;
            case "unplug" -> IOCTL_BUSENUM_UNPLUG_HARDWARE;
            default -> IOCTL_BUSENUM_EJECT_HARDWARE;
        };
        byte[] id = hardwareId == null ? new byte[0] : hardwareId.getBytes(StandardCharsets.UTF_8);
        byte[] input = ByteBuffer.allocate(4 + id.length).order(ByteOrder.LITTLE_ENDIAN).putInt(serialNo).put(id).array();
        NtResult<DeviceHandle> opened = host.client().open(bus.path());
        if (!opened.isSuccess()) {
            out.err("cannot open the toaster bus " + bus.instanceId() + ": " + opened.status());
            return HostCommands.REFUSED;
        }
        NtStatus status;
        try (DeviceHandle handle = opened.value()) {
            status = handle.deviceIoControl(code, input, 0).status();
        }
        if (status.isSuccess()) {
            out.out(switch (verb) {
                case "plug-in" -> "toaster " + serialNo + " plugged into " + bus.instanceId()
                        + (hardwareId == null ? "" : " as " + hardwareId);
                case "unplug" -> serialNo == 0 ? "every toaster unplugged from " + bus.instanceId()
                        : "toaster " + serialNo + " unplugged from " + bus.instanceId();
                default -> "toaster " + serialNo + " ejected from " + bus.instanceId();
            });
            return HostCommands.OK;
        }
        if (NtStatus.STATUS_INVALID_PARAMETER.equals(status)) {
            out.err(verb.equals("plug-in") ? "the bus " + bus.instanceId() + " refused serial number " + serialNo
                    + ": a toaster with it is plugged in already (see wdf4j devices)"
                    : "the bus " + bus.instanceId() + " has no toaster with serial number " + serialNo
                    + " (see wdf4j devices)");
        } else {
            out.err("the bus " + bus.instanceId() + " failed the " + verb + " of toaster " + serialNo + ": " + status);
        }
        return HostCommands.REFUSED;
    }

    private static int serialNo(String text, String verb) {
        int min = verb.equals("unplug") ? 0 : 1;
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("bus " + verb + ": the serial number must be a whole number from " + min
                + (min == 0 ? " (0: every toaster)" : "") + ", not '" + text + "'");
    }

    private static IoClient.DeviceInterface findBus(DriverHost host, String instanceId) {
        List<IoClient.DeviceInterface> buses = host.client().interfaces(GUID_DEVINTERFACE_BUSENUM_TOASTER);
        if (instanceId != null) {
            if (host.pnp().device(instanceId).isEmpty()) {
                throw new IllegalArgumentException("no device " + instanceId + " in the host (see wdf4j devices)");
            }
            return buses.stream().filter(b -> b.instanceId().equalsIgnoreCase(instanceId)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("device " + instanceId + " is not a started "
                            + "toaster bus: it has no interface {" + GUID_DEVINTERFACE_BUSENUM_TOASTER + "} (a toaster "
                            + "bus is a device of the busenum driver: wdf4j device add ROOT\\BUSENUM)"));
        }
        if (buses.isEmpty()) {
            throw new IllegalArgumentException("the host has no started toaster bus: add one with wdf4j device add "
                    + "ROOT\\BUSENUM (the toaster bus sample's driver, busenum)");
        }
        if (buses.size() > 1) {
            throw new IllegalArgumentException("the host has " + buses.size() + " toaster buses ("
                    + String.join(", ", buses.stream().map(IoClient.DeviceInterface::instanceId).toList())
                    + "): name one with --bus");
        }
        return buses.getFirst();
    }
}
