package org.wdf4j.test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.wdf4j.NtResult;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.framework.VerifierSettings.AllocateFail;
import org.wdf4j.host.DeviceFiles;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;

/**
 * The driver a {@link DriverTest} started, given to each test as a parameter: its host, to add devices by hardware ID,
 * the host's client API to open them and send them reads, writes and I/O controls as a Win32 program would, their
 * device files when the test asked for them, the PnP manager to disable, remove and surprise-remove them and to sleep
 * and wake, and {@link #restart} to run the driver again with fault injection. Handles opened through {@link #open}
 * that the test left open are closed before the driver is stopped.
 *
 * <p>Not thread-safe: for the test's own thread (the handles it opens may be used from any thread).
 */
public final class DriverUnderTest {

    /**
     * How the driver is started, and started again by {@link #restart}.
     *
     * @param driverPackage the driver
     * @param verifier its verifier settings, fault injection included
     * @param hosting where it runs
     */
    record Launch(DriverPackage driverPackage, VerifierSettings verifier, HostingModel hosting) {
    }

    private final DriverHost host;
    /** How the running driver was started; the test's thread only. */
    private Launch launch;
    /** The running (or stopped) driver; the test's thread only. */
    private HostedDriver driver;
    /** The handles {@link #open} gave out, closed before the stop; the test's thread only. */
    private final List<DeviceHandle> opened = new ArrayList<>();
    /** The report, once stopped; the test's thread only. */
    private UnloadReport report;

    private DriverUnderTest(DriverHost host) {
        this.host = Objects.requireNonNull(host, "host");
    }

    /**
     * Starts the driver in {@code host} and adds devices of these hardware IDs. A driver whose DriverEntry fails fails
     * the test with its report, unless fault injection is on (the test then gets it stopped, to assert on).
     */
    static DriverUnderTest start(DriverHost host, Launch launch, List<String> devices) throws DriverPackageException {
        DriverUnderTest started = new DriverUnderTest(host);
        if (started.launch(launch)) {
            for (String hardwareId : devices) {
                started.addDevice(hardwareId);
            }
        }
        return started;
    }

    /** Starts the driver; whether it runs. */
    private boolean launch(Launch next) throws DriverPackageException {
        launch = next;
        report = null;
        driver = host.start(next.driverPackage(), next.verifier(), next.hosting());
        if (!driver.isRunning()) {
            if (next.verifier().allocateFail() == AllocateFail.NONE) {
                throw new AssertionError("driver " + driver.name() + " did not start (" + next.hosting() + "):\n"
                        + stop().render());
            }
            return false;
        }
        return true;
    }

    /** The host the driver runs in (its PnP manager, power, device files). */
    public DriverHost host() {
        return host;
    }

    /** The driver as the host sees it (its name, state, where it runs); the new one after a {@link #restart}. */
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
        return open(interfacePath(interfaceClass));
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

    private String interfacePath(UUID interfaceClass) {
        List<IoClient.DeviceInterface> interfaces = host.client().interfaces(interfaceClass);
        if (interfaces.isEmpty()) {
            throw new AssertionError("no device has an enabled interface of class {" + interfaceClass + "}: did the "
                    + "driver create one (WdfDevice.createDeviceInterface) and was a device of its hardware ID added "
                    + "(@DriverTest(devices = ...) or addDevice)? Devices: " + host.pnp().devices());
        }
        return interfaces.getFirst().path();
    }

    /**
     * The device file of the first device interface of class {@code interfaceClass}, for plain file I/O
     * ({@code Files.newByteChannel}, {@code FileChannel.open}) as a real program would do.
     *
     * @throws AssertionError when the test did not ask for device files ({@link DriverTest#deviceFiles()}), or that
     *     interface has no file (the reason is given)
     */
    public Path deviceFile(UUID interfaceClass) {
        return deviceFile(interfacePath(interfaceClass));
    }

    /**
     * The device file of a device path (an interface's, or a control device's {@code \\.\NAME}).
     *
     * @throws AssertionError when the test did not ask for device files, or that device has no file
     */
    public Path deviceFile(String devicePath) {
        DeviceFiles files = mounted();
        String lookup = devicePath.startsWith("\\\\.\\") ? devicePath.substring(4) : devicePath;
        for (DeviceFiles.DeviceFile file : files.files()) {
            if (file.devicePath().equalsIgnoreCase(devicePath) || file.devicePath().equalsIgnoreCase(lookup)) {
                return file.file();
            }
        }
        throw new AssertionError(devicePath + " has no device file under " + files.root() + ": files "
                + files.pathsToFiles() + (files.problems().isEmpty() ? "" : ", without a file " + files.problems()));
    }

    /** The device files under the mount root now, in the order they appeared. */
    public List<Path> deviceFiles() {
        return mounted().files().stream().map(DeviceFiles.DeviceFile::file).toList();
    }

    /** The mount root of the device files. */
    public Path mountRoot() {
        return mounted().root();
    }

    private DeviceFiles mounted() {
        return host.deviceFiles().orElseThrow(() -> new AssertionError("the devices are not mounted as files: ask "
                + "for them with @DriverTest(deviceFiles = true)"));
    }

    /** The fault injection the driver runs with now ({@link AllocateFail#NONE} when none). */
    public AllocateFail allocateFail() {
        return launch.verifier().allocateFail();
    }

    /**
     * Stops the driver and starts it again with this fault injection (creation calls are counted again from the
     * driver object's). Its devices stay, without a driver, while it is stopped, and get it again when it starts, as
     * on a driver update (EvtDriverDeviceAdd is called for each); DriverEntry may fail (the new driver is then
     * stopped, {@link #driver()}{@code .isRunning()} is false, and its devices wait for the next restart). To fail
     * allocations in turn:
     * {@code for (int n = 1; ...; n++) driver.restart(AllocateFail.only(n))}.
     *
     * @return the unload report of the driver that ran until now
     * @throws AssertionError with that report when it is not clean (under the fault injection it ran with)
     */
    public UnloadReport restart(AllocateFail allocateFail) {
        Objects.requireNonNull(allocateFail, "allocateFail");
        UnloadReport previous = stop();
        assertClean(previous, launch.verifier().allocateFail());
        try {
            launch(new Launch(launch.driverPackage(), launch.verifier().withAllocateFail(allocateFail),
                    launch.hosting()));
        } catch (DriverPackageException e) {
            throw new AssertionError("driver " + previous.driver() + " could not be started again: " + e.getMessage(),
                    e);
        }
        return previous;
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

    /** Fails, with the report, unless the last stop's report is clean. */
    void assertStoppedClean() {
        assertClean(stop(), allocateFail());
    }

    /**
     * Fails, with the report, unless it is clean; under fault injection a DriverEntry that failed with a status (it
     * did not throw) is clean when nothing else is wrong.
     */
    static void assertClean(UnloadReport report, AllocateFail allocateFail) {
        boolean entryFailedCleanly = allocateFail != AllocateFail.NONE && !report.driverEntrySucceeded()
                && report.driverEntryException() == null;
        boolean clean = report.clean() || (entryFailedCleanly && report.leaks().isEmpty()
                && report.findings().isEmpty() && report.failure() == null && !report.hung()
                && !Boolean.FALSE.equals(report.classLoaderCollected()));
        if (!clean) {
            throw new AssertionError("the unload of driver " + report.driver() + " was not clean ("
                    + (report.isolated() ? report.ranIn() : "in-process")
                    + (allocateFail == AllocateFail.NONE ? "" : ", " + describe(allocateFail)) + "):\n"
                    + report.render());
        }
    }

    /** {@code failing allocations after 3}, {@code failing only allocation 3}. */
    static String describe(AllocateFail allocateFail) {
        return allocateFail.onlyNth() ? "failing only allocation " + allocateFail.count()
                : "failing allocations after " + allocateFail.count();
    }
}
