package org.wdf4j.host.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.DriverStopRefusedException;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.UnloadReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wdf4j run}: loads drivers in a throw-away host, stops them, prints one unload report each. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Load the given driver packages in a throw-away host, start them, stop them in reverse order "
                + "and print one unload report per driver.",
                "Exit status: 0 when every driver unloaded cleanly, 3 when anything leaked or a driver failed, "
                        + "2 for a package that cannot be loaded."})
final class RunCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "DRIVER.jar", description = "Driver packages.")
    List<Path> jars;

    @Option(names = "--no-verifier", description = "Run with the verifier off (it is on by default).")
    boolean noVerifier;

    @Option(names = "--json", description = "Print one JSON document {\"drivers\":[...]} instead of the text reports.")
    boolean json;

    @Override
    public Integer call() {
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
        List<UnloadReport> reports = new ArrayList<>();
        try (DriverHost host = DriverHost.create()) {
            List<HostedDriver> started = new ArrayList<>();
            for (DriverPackage pkg : packages) {
                try {
                    HostedDriver hosted = host.start(pkg, verifier);
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
        if (json) {
            System.out.println(UnloadReport.toJson(reports));
        }
        return clean ? 0 : 3;
    }
}
