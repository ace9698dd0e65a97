package org.wdf4j.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.wdf4j.NtResult;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;

/**
 * The driver a {@link DriverTest} started, given to each test as a parameter: its host, to add devices by hardware ID,
 * and the host's client API to open them and send them reads, writes and I/O controls as a Win32 program would.
 * Handles opened through {@link #open} that the test left open are closed before the driver is stopped.
 *
 * <p>Not thread-safe: for the test's own thread (the handles it opens may be used from any thread).
 */
public final class DriverUnderTest {

    private final DriverHost host;
    private final HostedDriver driver;
    /** The handles {@link #open} gave out, closed before the stop; the test's thread only. */
    private final List<DeviceHandle> opened = new ArrayList<>();
    /** The report, once stopped; the test's thread only. */
    private UnloadReport report;

    DriverUnderTest(DriverHost host, HostedDriver driver) {
        this.host = Objects.requireNonNull(host, "host");
        this.driver = Objects.requireNonNull(driver, "driver");
    }

    /** The host the driver runs in (its PnP manager, power, device files). */
    public DriverHost host() {
        return host;
    }

    /** The driver as the host sees it (its name, state, where it runs). */
    public HostedDriver driver() {
        return driver;
    }

    /** The host's client API: open device interfaces and control devices by path. */
    public IoClient client() {
        return host.client();
    }

    /** The host's PnP manager: disable, enable, remove, surprise-remove devices; sleep and wake. */
    public PnpManager pnp() {
        return host.pnp();
    }

    /** Adds a root-enumerated device with this hardware ID; the driver that binds to it gets EvtDriverDeviceAdd. */
    public PnpManager.DevNode addDevice(String hardwareId) {
        return host.pnp().addDevice(hardwareId);
    }

    /**
     * Opens the first device interface of class {@code interfaceClass}, as {@code CreateFile} would.
     *
     * @throws AssertionError when no device has an enabled interface of that class, or the open fails (with its
     *     status)
     */
    public DeviceHandle open(UUID interfaceClass) {
        List<IoClient.DeviceInterface> interfaces = host.client().interfaces(interfaceClass);
        if (interfaces.isEmpty()) {
            throw new AssertionError("no device has an enabled interface of class {" + interfaceClass + "}: did the "
                    + "driver create one (WdfDevice.createDeviceInterface) and was a device of its hardware ID added "
                    + "(@DriverTest(devices = ...) or addDevice)? Devices: " + host.pnp().devices());
        }
        return open(interfaces.getFirst().path());
    }

    /** Opens a device by its path (an interface's, or a control device's {@code \\.\NAME}). */
    public DeviceHandle open(String path) {
        NtResult<DeviceHandle> result = host.client().open(path);
        if (!result.isSuccess()) {
            throw new AssertionError("opening " + path + " failed with " + result.status());
        }
        opened.add(result.value());
        return result.value();
    }

    /**
     * Stops the driver now (its devices are removed first) and answers its unload report, which the test may assert
     * on; the extension still fails the test when that report is not clean.
     */
    public UnloadReport stop() {
        if (report == null) {
            for (DeviceHandle handle : opened) {
                handle.close();
            }
            opened.clear();
            report = host.stop(driver);
        }
        return report;
    }

    /** Whether {@link #stop} was called. */
    boolean stopped() {
        return report != null;
    }
}
