package org.wdf4j.host.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.verify.Battery;
import org.wdf4j.host.verify.VerifyResult;
import org.wdf4j.host.verify.VerifyTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wdf4j verify}: the battery of {@link Battery} on any driver package, with no test code from its author. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Run a battery of tests in the spirit of the HLK \"DF\" tests on a driver package: each case "
                + "starts the driver in a throw-away host (verifier on), adds the devices, sends I/O through the client "
                + "API and checks that every request completes exactly once within a bounded wait, that the unload "
                + "report is clean, and that the verifier found nothing. The cases, in order (--case NAME runs only "
                + "those): disable-enable, remove, surprise-remove, sleep-resume, cancel-storm, unload-outstanding, "
                + "allocate-fail, interleaving (see docs/verify.md).",
                "Each finding names its case, the spec rule broken, and the command line that replays it (the seed, "
                        + "or the N of allocate-fail).",
                "Exit status: 0 when every case passed, 1 when any failed, 2 for bad input (no such package, no "
                        + "--device, a hardware ID the driver does not list, an unknown case)."})
final class VerifyCommand implements Callable<Integer> {

    /** Exit statuses. */
    static final int PASSED = 0;
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    @Parameters(index = "0", paramLabel = "DRIVER.jar", description = "The driver package.")
    Path jar;

    @Option(names = "--device", paramLabel = "HWID", required = true, description = "Add a device with this hardware "
            + "ID (one the package's Wdf4j-Hardware-Ids lists) in every case; repeatable.")
    List<String> devices = new ArrayList<>();

    @Option(names = "--hosting", paramLabel = "MODEL", converter = HostingConverter.class,
            description = "Where the driver runs: in-process (default) or isolated (a driver host process per case).")
    HostingModel hosting = HostingModel.IN_PROCESS;

    @Option(names = "--seed", paramLabel = "N", description = "The seed of every random choice (the I/O sent, when "
            + "it is cancelled, the interleaving delays); default: a new one, printed.")
    Long seed;

    @Option(names = "--case", paramLabel = "NAME", description = "Run only this case; repeatable.")
    List<String> only = new ArrayList<>();

    @Option(names = "--allocate-fail", paramLabel = "N", description = "In the allocate-fail case, fail only "
            + "allocation N instead of each in turn (how a finding of that case is replayed).")
    Integer allocateFail;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", description = "The verifier's wait timeout in each "
            + "case, how long a callback or a held request may take before it counts as hung (default: 3).")
    int waitTimeoutSeconds = (int) VerifyTarget.DEFAULT_WAIT_TIMEOUT.toSeconds();

    @Option(names = "--junit-xml", paramLabel = "FILE", description = "Also write the results as JUnit XML to FILE.")
    Path junitXml;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(jar)) {
            return bad(jar + " does not exist or is not a file: give the path of a driver package (a JAR)");
        }
        if (allocateFail != null && allocateFail < 1) {
            return bad("--allocate-fail must be 1 or more, was " + allocateFail);
        }
        if (waitTimeoutSeconds < 1) {
            return bad("--wait-timeout must be 1 second or more, was " + waitTimeoutSeconds);
        }
        DriverPackage pkg;
        try {
            pkg = DriverPackage.open(jar);
        } catch (DriverPackageException e) {
            return bad(e.getMessage());
        }
        for (String id : devices) {
            if (pkg.hardwareIds().stream().noneMatch(listed -> listed.equalsIgnoreCase(id))) {
                return bad("driver " + pkg.name() + " does not list hardware ID " + id + (pkg.hardwareIds().isEmpty()
                        ? ": its package lists none (Wdf4j-Hardware-Ids), so it has no PnP devices to verify"
                        : "; it lists " + String.join(", ", pkg.hardwareIds())));
            }
        }
        Battery battery;
        try {
            battery = Battery.all(allocateFail).only(only);
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        long s = seed != null ? seed : new java.util.SplittableRandom().nextLong();
        VerifyTarget target = new VerifyTarget(pkg, devices, hosting, s, Duration.ofSeconds(waitTimeoutSeconds));
        System.out.printf(Locale.ROOT, "wdf4j verify %s (driver %s), devices %s, %s, seed %d%n", jar, pkg.name(),
                String.join(", ", devices), hosting.label(), s);
        System.out.flush();
        VerifyResult result = battery.run(target, c -> {
            System.out.print(VerifyResult.render(c));
            System.out.flush();
        });
        System.out.println(result.summary());
        if (junitXml != null) {
            try (OutputStream out = Files.newOutputStream(junitXml)) {
                result.writeJUnitXml(out);
            } catch (IOException e) {
                System.err.println("wdf4j verify: cannot write " + junitXml + ": " + e.getMessage());
                return BAD_INPUT;
            }
        }
        return result.passed() ? PASSED : FAILED;
    }

    private static int bad(String message) {
        System.err.println("wdf4j verify: " + message);
        return BAD_INPUT;
    }
}
