package org.wdf4j.host.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DeviceFiles;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.PnpManager;
import org.wdf4j.host.UnloadReport;
import org.wdf4j.host.fuse.LoopDevice;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wdf4j demo}: loads the sample driver, shows its object tree, unloads it and prints the report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Load the hello sample driver, show its object tree, unload it and print the unload report.",
                "Then the echo sample: its device becomes a file (the FUSE reflector), real programs (sh, dd) write "
                        + "to it and read from it, and the driver is unloaded. That part needs /dev/fuse and root; "
                        + "elsewhere it says why it is skipped.",
                "Last, driver hosts (the UMDF model): echo and the null sample each run in a driver host process of "
                        + "their own; the null sample's is killed with SIGKILL while a shell loop uses the echo device, "
                        + "and the null device comes back by itself.",
                "Then the RAM disk sample: its device is a disk behind a loop device; mkfs.ext4, mount, a file "
                        + "written and listed, umount, and the device removed. That part needs root, e2fsprogs and "
                        + "loop devices; elsewhere it says why it is skipped."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--driver", paramLabel = "JAR", description = "The driver package to demonstrate (default: the hello sample).")
    Path driver;

    @Override
    public Integer call() throws Exception {
        Path jar = driver != null ? driver : defaultSample();
        if (jar == null) {
            System.err.println("wdf4j demo: the hello sample is not built; run ./wdf4j demo from the source tree, "
                    + "or give --driver JAR");
            return 2;
        }
        DriverPackage pkg = DriverPackage.open(jar);
        System.out.println("== Loading driver '" + pkg.name() + "' from " + jar + " (verifier on)");
        try (DriverHost host = DriverHost.create()) {
            HostedDriver hosted = host.start(pkg, VerifierSettings.on());
            if (hosted.report() != null) {
                System.out.println("DriverEntry failed; the driver was unloaded at once.\n");
                System.out.print(hosted.report().render());
                return 3;
            }
            System.out.println("DriverEntry returned; the driver is " + hosted.state() + ".\n");
            System.out.println("== Object tree of driver " + pkg.name());
            System.out.print(TreePrinter.render(hosted.objectTree()));
            System.out.println();
            System.out.println("== Stopping driver " + pkg.name() + ": EvtDriverUnload, cleanup children first, "
                    + "destroy, then the class loader must be collected\n");
            UnloadReport report = host.stop(hosted);
            System.out.print(report.render());
            if (!report.clean()) {
                return 3;
            }
        }
        if (driver != null) {
            return 0;
        }
        int echo = echoThroughItsFile();
        int hosts = echo != 0 ? echo : driverHosts();
        return hosts != 0 ? hosts : ramDisk(sample("ramdisk"));
    }

    /**
     * The RAM disk sample as a new user would see it: a disk the OS knows (a loop device over the device's file),
     * formatted, mounted, used by the shell, unmounted, and removed. Skipped, saying why, where it cannot run.
     */
    static int ramDisk(Path jar) throws Exception {
        System.out.println();
        Path mkfs = program("mkfs.ext4");
        String loops = LoopDevice.unavailableReason();
        String skipped = jar == null ? "samples/ramdisk/target/ramdisk.jar is not built"
                : !"root".equals(System.getProperty("user.name")) ? "it needs root, for FUSE, a loop device and mount"
                : mkfs == null ? "mkfs.ext4 is missing (Debian: apt-get install e2fsprogs)"
                : loops != null ? loops : null;
        if (skipped != null) {
            System.out.println("== (the RAM disk part is skipped: " + skipped + ")");
            return 0;
        }
        Path root = Files.createTempDirectory("wdf4j-demo-");
        Path dev = root.resolve("dev");
        Path mnt = root.resolve("mnt");
        try (DriverHost host = DriverHost.create()) {
            HostedDriver ramdisk = host.start(DriverPackage.open(jar), VerifierSettings.on());
            try {
                host.mountDevices(dev);
            } catch (IOException e) {
                System.out.println("== (the RAM disk part is skipped: cannot mount FUSE here: " + e.getMessage() + ")");
                return host.stop(ramdisk).clean() ? 0 : 3;
            }
            PnpManager.DevNode node = host.pnp().addDevice("ROOT\\RAMDISK");
            DeviceFiles.DeviceFile disk = null;
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (disk == null && System.nanoTime() < deadline) {
                disk = host.deviceFiles().orElseThrow().files().stream()
                        .filter(f -> f.disk() != null && f.disk().blockDevice() != null).findFirst().orElse(null);
                if (disk == null) {
                    Thread.sleep(20); // a demo, not a test: poll for the loop device, bounded
                }
            }
            if (disk == null) {
                System.out.println("== The RAM disk got no loop device: "
                        + host.deviceFiles().orElseThrow().problems());
                host.stop(ramdisk);
                return 3;
            }
            System.out.println("== Driver 'ramdisk' started: its device is a disk, a file of the disk's size that the "
                    + "host attached to a loop device, with a link " + disk.disk().link().getFileName() + " to it");
            System.out.print(PnpManager.render(host.pnp().devices(), host.deviceFiles().orElseThrow().pathsToFiles()));
            boolean ok = run("ls", "-l", dev.toString());
            System.out.println();
            System.out.println("== Ordinary tools use it as a disk: every block they read or write is a request to "
                    + "the driver, with its offset");
            Files.createDirectories(mnt);
            String link = disk.disk().link().toString();
            ok &= run(mkfs.toString(), "-q", link) && run("mount", link, mnt.toString());
            if (ok) {
                try {
                    Path hello = mnt.resolve("hello.txt");
                    ok &= run("sh", "-c", "echo 'Hello from a disk driver written in Java' > " + hello
                            + " && ls -l " + mnt + " && cat " + hello);
                } finally {
                    ok &= run("umount", mnt.toString());
                }
            }
            System.out.println();
            host.pnp().removeDevice(node.instanceId());
            host.unmountDevices();
            System.out.println("== Device removed: its link and file are gone and " + disk.disk().blockDevice()
                    + " is detached; stopping driver ramdisk");
            UnloadReport report = host.stop(ramdisk);
            System.out.println("== ramdisk: " + (report.clean() ? "clean" : "NOT clean") + ", "
                    + report.collectionNote());
            return ok && report.clean() ? 0 : 3;
        } finally {
            Files.deleteIfExists(mnt);
            Files.deleteIfExists(dev);
            Files.deleteIfExists(root);
        }
    }

    /** A program in PATH or the sbin directories (root's tools are there), or null. */
    private static Path program(String name) {
        java.util.List<String> dirs = new java.util.ArrayList<>(
                java.util.List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")));
        dirs.addAll(java.util.List.of("/usr/sbin", "/sbin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, name)).filter(Files::isExecutable)
                .findFirst().orElse(null);
    }

    /** Two drivers in driver hosts of their own; one is killed, the other serves on, the killed one comes back. */
    private static int driverHosts() throws Exception {
        Path echoJar = sample("echo");
        Path nullJar = sample("null");
        System.out.println();
        if (echoJar == null || nullJar == null) {
            System.out.println("== (the driver host part is skipped: the echo and null samples are not built)");
            return 0;
        }
        Path root = Files.createTempDirectory("wdf4j-demo-");
        Path dev = root.resolve("dev");
        try (DriverHost host = DriverHost.create()) {
            HostedDriver echo = host.start(DriverPackage.open(echoJar), VerifierSettings.on(), HostingModel.ISOLATED);
            HostedDriver nul = host.start(DriverPackage.open(nullJar), VerifierSettings.on(), HostingModel.ISOLATED);
            try {
                host.mountDevices(dev);
            } catch (IOException e) {
                System.out.println("== (the driver host part is skipped: cannot mount FUSE here: " + e.getMessage() + ")");
                return 0;
            }
            host.pnp().addDevice("ROOT\\ECHO");
            PnpManager.DevNode nullNode = host.pnp().addDevice("ROOT\\NULL");
            System.out.println("== Driver hosts: echo and null each run in a process of their own (pids " + echo.pid()
                    + " and " + nul.pid() + "; this host is " + ProcessHandle.current().pid() + ")");
            System.out.print(PnpManager.render(host.pnp().devices(), host.deviceFiles().orElseThrow().pathsToFiles()));
            System.out.println();
            String loop = "i=0; while [ $i -lt 300 ]; do printf \"ping $i\" > " + dev.resolve("echo0")
                    + " && [ \"$(dd if=" + dev.resolve("echo0") + " bs=64 count=1 status=none)\" = \"ping $i\" ] || exit 1;"
                    + " i=$((i+1)); done; echo \"echo: $i round trips through its file, none missed\"";
            System.out.println("== A shell loop writes and reads back the echo device 300 times, while null's driver "
                    + "host is killed with SIGKILL");
            System.out.flush();
            Process client = new ProcessBuilder("sh", "-c", loop).redirectErrorStream(true).start();
            client.getOutputStream().close();
            long killed = nul.pid();
            ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly);
            System.out.println("$ kill -9 " + killed);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (!(nul.restarts() == 1 && nul.isRunning() && host.deviceFiles().orElseThrow().files().size() == 2)
                    && System.nanoTime() < deadline) {
                Thread.sleep(50); // a demo, not a test: poll for the restart, bounded
            }
            String said = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            boolean served = client.waitFor() == 0;
            System.out.println(said.isEmpty() ? "echo: the loop failed" : said);
            System.out.println();
            System.out.println("== null's driver host " + killed + " ended (" + nul.lastFailure() + "); its driver "
                    + "was restarted in driver host " + nul.pid() + " and its device is a file again");
            System.out.print(PnpManager.render(host.pnp().devices(), host.deviceFiles().orElseThrow().pathsToFiles()));
            boolean back = run("sh", "-c", "dd if=" + dev.resolve("null0") + " bs=8 count=1 status=none | od -An -tx1");
            System.out.println();
            host.pnp().removeDevice(nullNode.instanceId());
            host.unmountDevices();
            boolean clean = true;
            for (HostedDriver d : java.util.List.of(nul, echo)) {
                UnloadReport report = host.stop(d);
                System.out.println("== " + d.name() + ": " + (report.clean() ? "clean" : "NOT clean") + ", "
                        + report.collectionNote());
                clean &= report.clean();
            }
            return served && back && clean ? 0 : 3;
        } finally {
            Files.deleteIfExists(dev);
            Files.deleteIfExists(root);
        }
    }

    /** The echo sample's device as a file, used by real programs. */
    private static int echoThroughItsFile() throws Exception {
        Path jar = sample("echo");
        System.out.println();
        if (jar == null) {
            System.out.println("== (the echo part is skipped: samples/echo/target/echo.jar is not built)");
            return 0;
        }
        Path root = Files.createTempDirectory("wdf4j-demo-");
        try (DriverHost host = DriverHost.create()) {
            HostedDriver echo = host.start(DriverPackage.open(jar), VerifierSettings.on());
            System.out.println("== Driver 'echo' started; its devices become files in " + root.resolve("dev"));
            try {
                host.mountDevices(root.resolve("dev"));
            } catch (IOException e) {
                System.out.println("   (skipped: cannot mount FUSE here: " + e.getMessage()
                        + "; it needs /dev/fuse and root)");
                return host.stop(echo).clean() ? 0 : 3;
            }
            PnpManager.DevNode node = host.pnp().addDevice("ROOT\\ECHO");
            System.out.print(PnpManager.render(host.pnp().devices(), host.deviceFiles().orElseThrow().pathsToFiles()));
            Path file = host.deviceFiles().orElseThrow().files().getFirst().file();
            System.out.println();
            System.out.println("== Real programs use the device through its file: each open, write and read is a "
                    + "request to the driver");
            boolean ok = run("sh", "-c", "printf 'Hello, device' > " + file)
                    & run("dd", "if=" + file, "bs=13", "count=1", "status=none");
            System.out.println();
            host.pnp().removeDevice(node.instanceId());
            host.unmountDevices();
            System.out.println("== Device removed, file gone; stopping driver echo\n");
            UnloadReport report = host.stop(echo);
            System.out.print(report.render());
            return ok && report.clean() ? 0 : 3;
        } finally {
            Files.deleteIfExists(root.resolve("dev"));
            Files.deleteIfExists(root);
        }
    }

    /** Runs a program, shows its command line and its output; answers whether it succeeded. */
    private static boolean run(String... command) throws IOException, InterruptedException {
        System.out.println("$ " + (command[0].equals("sh") ? command[2] : String.join(" ", command)));
        System.out.flush();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!output.isEmpty()) {
            System.out.println(output.endsWith("\n") ? output.stripTrailing() : output);
        }
        int status = process.waitFor();
        if (status != 0) {
            System.out.println("(exit status " + status + ")");
        }
        return status == 0;
    }

    private static Path defaultSample() {
        return sample("hello");
    }

    /** {@code samples/NAME/target/NAME.jar} under the wdf4j home, if built. */
    private static Path sample(String name) {
        String home = System.getProperty("wdf4j.home");
        Path base = home == null ? Path.of("") : Path.of(home);
        Path jar = base.resolve("samples/" + name + "/target/" + name + ".jar");
        return Files.isRegularFile(jar) ? jar : null;
    }
}
