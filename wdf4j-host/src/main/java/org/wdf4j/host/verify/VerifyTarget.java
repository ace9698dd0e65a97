package org.wdf4j.host.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.HostingModel;

/**
 * What {@code wdf4j verify} runs its battery on: a driver package, the devices to add (by hardware ID, each one its
 * package lists), where the driver runs, the seed of every random choice and the bound of every wait.
 *
 * @param driverPackage the driver's package
 * @param hardwareIds the devices each case adds, in order
 * @param hosting where the driver runs in each case's throw-away host
 * @param seed the seed of the cases' random choices (what I/O is sent, when it is cancelled, the interleaving delays)
 * @param waitTimeout the verifier's wait timeout in each case (how long the framework waits for the driver before it
 *     reports it hung); a request still in flight a little past it after the operation that should end it never
 *     completed
 */
public record VerifyTarget(DriverPackage driverPackage, List<String> hardwareIds, HostingModel hosting, long seed,
                           Duration waitTimeout) {

    /** The default wait timeout: short, so that a hang is found in seconds, long enough for a busy machine. */
    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(3);

    public VerifyTarget {
        Objects.requireNonNull(driverPackage, "driverPackage");
        hardwareIds = List.copyOf(hardwareIds);
        Objects.requireNonNull(hosting, "hosting");
        Objects.requireNonNull(waitTimeout, "waitTimeout");
        if (hardwareIds.isEmpty()) {
            throw new IllegalArgumentException("no device to add: give at least one hardware ID the driver lists");
        }
    }

    /** The verifier as every case runs it: on, breaking on errors, with this target's wait timeout. */
    VerifierSettings verifier() {
        return VerifierSettings.on().withWaitTimeout(waitTimeout);
    }

    /**
     * How long a case waits for requests after the operation that should end them, and how long an isolated driver's
     * host may take to answer an operation (H7): twice the driver's wait timeout, and some.
     */
    Duration requestBound() {
        return waitTimeout.multipliedBy(2).plusSeconds(2);
    }

    /**
     * The command line that runs one case again with the same choices: the package, the devices, the hosting model,
     * the case, then {@code replayOption} (e.g. {@code --seed 42} or {@code --allocate-fail 3}).
     */
    String replay(String caseName, String replayOption) {
        List<String> words = new ArrayList<>(List.of("wdf4j", "verify", quote(driverPackage.jar().toString())));
        for (String id : hardwareIds) {
            words.add("--device");
            words.add(quote(id));
        }
        words.addAll(List.of("--hosting", hosting.label(), "--case", caseName));
        words.add(replayOption);
        return String.join(" ", words);
    }

    /** The replay option of a seeded case. */
    String seedOption() {
        return "--seed " + seed;
    }

    /** A word for a POSIX shell: quoted when it holds anything but letters, digits and {@code -_./:=}. */
    static String quote(String word) {
        if (word.matches("[A-Za-z0-9_./:=-]+")) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
