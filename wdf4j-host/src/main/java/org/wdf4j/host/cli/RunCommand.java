package org.wdf4j.host.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DeviceFiles;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.DriverStopRefusedException;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.UnloadReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wdf4j run}: loads drivers in a throw-away host, stops them, prints one unload report each. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Load the given driver packages in a throw-away host, start them, stop them in reverse order "
                + "and print one unload report per driver.",
                "With --device, add those root-enumerated devices once the drivers are started (each bound to the "
                        + "driver whose Wdf4j-Hardware-Ids lists its hardware ID), print the device tree, then remove "
                        + "the devices before the drivers are stopped.",
                "With --mount-root, the devices are also files in that directory (the FUSE reflector) while they "
                        + "exist; with --exec, a command runs (sh -c, with WDF4J_MOUNT_ROOT set) while they are mounted, "
                        + "e.g. --exec 'echo hi > $WDF4J_MOUNT_ROOT/echo0 && cat $WDF4J_MOUNT_ROOT/echo0'.",
                "Exit status: 0 when every driver unloaded cleanly (and every device started and the command "
                        + "succeeded), 3 when anything leaked, a driver failed or a device did not start, 2 for a "
                        + "package that cannot be loaded or bad options, 1 when the devices cannot be mounted or the "
                        + "command failed."})
final class RunCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "DRIVER.jar", description = "Driver packages.")
    List<Path> jars;

    @Option(names = "--no-verifier", description = "Run with the verifier off (it is on by default).")
    boolean noVerifier;

    @Option(names = "--hosting", paramLabel = "MODEL", converter = HostingConverter.class,
            description = "Where the drivers run: pooled (in the pool's driver host process, shared with the other "
                    + "pooled drivers, the UMDF model: a driver that crashes, exits or hangs takes only that process "
                    + "with it, and is moved to a process of its own when it fails the pool twice), isolated (in a "
                    + "driver host process of its own) or in-process (in this JVM, the KMDF model). Default: what each "
                    + "package's Wdf4j-Hosting says, else pooled.")
    HostingModel hosting;

    @Option(names = "--json", description = "Print one JSON document {\"drivers\":[...]} instead of the text reports "
            + "(with --device, also \"devices\":[...], the tree while the devices were added).")
    boolean json;

    @Option(names = "--device", paramLabel = "HWID", description = "Add a device with this hardware ID (e.g. "
            + "ROOT\\ECHO) once the drivers are started; repeatable.")
    List<String> devices = new ArrayList<>();

    @Option(names = "--mount-root", paramLabel = "DIR", description = "Mount the devices as files in DIR (FUSE; needs "
            + "/dev/fuse and root).")
    Path mountRoot;

    @Option(names = "--exec", paramLabel = "COMMAND", description = "Run COMMAND with sh -c while the devices are "
            + "mounted (needs --mount-root), then remove them and stop the drivers.")
    String exec;

    @Override
    public Integer call() {
        if (exec != null && mountRoot == null) {
            System.err.println("wdf4j run: --exec needs --mount-root DIR, where the command finds the device files");
            return 2;
        }
        List<DriverPackage> packages = new ArrayList<>();
        for (Path jar : jars) {
            try {
                packages.add(DriverPackage.open(jar));
            } catch (DriverPackageException e) {
                System.err.println("wdf4j run: " + e.getMessage());
                return 2;
            }
        }
        VerifierSettings verifier = noVerifier ? VerifierSettings.OFF : VerifierSettings.on();
        boolean clean = true;
        int commandStatus = 0;
        List<UnloadReport> reports = new ArrayList<>();
        List<PnpManager.DevNode> tree = List.of();
        try (DriverHost host = DriverHost.create().defaultHosting(HostingModel.POOLED)) {
            List<HostedDriver> started = new ArrayList<>();
            for (DriverPackage pkg : packages) {
                try {
                    HostedDriver hosted = host.start(pkg, verifier, hosting);
                    if (hosted.report() != null) {
                        reports.add(hosted.report());
                    } else {
                        started.add(hosted);
                    }
                } catch (DriverPackageException e) {
                    System.err.println("wdf4j run: " + e.getMessage());
                    return 2;
                }
            }
            if (mountRoot != null) {
                try {
                    host.mountDevices(mountRoot);
                } catch (IOException | RuntimeException e) {
                    System.err.println("wdf4j run: cannot mount the devices at " + mountRoot + ": " + e.getMessage()
                            + " (FUSE needs /dev/fuse and CAP_SYS_ADMIN, e.g. root)");
                    return 1;
                }
            }
            if (!devices.isEmpty()) {
                clean &= addDevices(host);
                awaitNetworkInterfaces(host);
                tree = host.pnp().devices();
                if (!json) {
                    System.out.println("== Device tree");
                    System.out.print(PnpManager.render(tree, files(host),
                            host.deviceFiles().map(DeviceFiles::problems).orElse(Map.of())));
                    System.out.println();
                    System.out.flush();
                }
                if (exec != null) {
                    commandStatus = runCommand();
                }
                host.unmountDevices();
                for (PnpManager.DevNode node : host.pnp().devices().reversed()) {
                    if (node.hardwareId() != null) {
                        host.pnp().removeDevice(node.instanceId());
                    }
                }
            }
            for (HostedDriver hosted : started.reversed()) {
                try {
                    reports.add(host.stop(hosted));
                } catch (DriverStopRefusedException e) {
                    System.err.println("wdf4j run: driver " + hosted.name() + " was not stopped: " + e.getMessage());
                    clean = false;
                }
            }
        }
        for (UnloadReport report : reports) {
            clean &= report.clean();
            if (!json) {
                System.out.print(report.render());
                System.out.println();
            }
        }
        if (commandStatus != 0) {
            System.err.println("wdf4j run: the command exited with status " + commandStatus);
            return 1;
        }
        if (json) {
            String document = UnloadReport.toJson(reports);
            if (!devices.isEmpty()) {
                document = document.substring(0, document.length() - 1) + ",\"devices\":" + PnpManager.toJson(tree) + "}";
            }
            System.out.println(document);
        }
        return clean ? 0 : 3;
    }

    private static Map<String, String> files(DriverHost host) {
        return host.pathsToTargets();
    }

    /** Waits a little for the network adapters' interfaces, which are made after their devices start. */
    private static void awaitNetworkInterfaces(DriverHost host) {
        try {
            if (!host.netAdapters().awaitSettled(NETWORK_INTERFACE_WAIT)) {
                System.err.println("wdf4j run: network interfaces still being made after " + NETWORK_INTERFACE_WAIT
                        .toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        host.netAdapters().problems().forEach((path, why) ->
                System.err.println("wdf4j run: no network interface for " + path + ": " + why));
    }

    private static final java.time.Duration NETWORK_INTERFACE_WAIT = java.time.Duration.ofSeconds(10);

    /** Runs the --exec command with the terminal's streams; answers its exit status. */
    private int runCommand() {
        ProcessBuilder builder = new ProcessBuilder("sh", "-c", exec).inheritIO();
        builder.environment().put("WDF4J_MOUNT_ROOT", mountRoot.toAbsolutePath().normalize().toString());
        try {
            return builder.start().waitFor();
        } catch (IOException e) {
            System.err.println("wdf4j run: cannot run sh -c " + exec + ": " + e.getMessage());
            return 127;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /** Adds the devices; answers whether every one started (those that did not are named on stderr). */
    private boolean addDevices(DriverHost host) {
        boolean all = true;
        for (String hardwareId : devices) {
            PnpManager.DevNode node;
            try {
                node = host.pnp().addDevice(hardwareId);
            } catch (IllegalArgumentException e) {
                System.err.println("wdf4j run: " + e.getMessage());
                all = false;
                continue;
            }
            if (node.status() != PnpManager.Status.STARTED) {
                System.err.println("wdf4j run: device " + node.instanceId() + " did not start: " + node.status()
                        + (node.problem() == null ? "" : " (" + node.problem() + ")")
                        + (node.status() == PnpManager.Status.NO_DRIVER
                                ? "; no driver given lists the hardware ID " + node.hardwareId() : ""));
                all = false;
            }
        }
        return all;
    }
}
