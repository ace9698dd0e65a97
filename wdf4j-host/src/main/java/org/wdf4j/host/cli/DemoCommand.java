package org.wdf4j.host.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.UnloadReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wdf4j demo}: loads the sample driver, shows its object tree, unloads it and prints the report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Load the hello sample driver, show its object tree, unload it and print the unload report.")
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
            return report.clean() ? 0 : 3;
        }
    }

    private static Path defaultSample() {
        String home = System.getProperty("wdf4j.home");
        Path base = home == null ? Path.of("") : Path.of(home);
        Path jar = base.resolve("samples/hello/target/hello.jar");
        return Files.isRegularFile(jar) ? jar : null;
    }
}
