package org.wdf4j.host;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Chooses the function driver of a device node as Windows' setup does (ST2, "How Setup Selects Drivers"): every driver
 * that lists one of the node's hardware or compatible IDs is a candidate, ranked by the best ID it matches:
 *
 * <ul>
 *   <li>a match on one of the node's <b>hardware IDs</b> ranks {@code 0x0000 + i}, {@code i} the ID's position in the
 *       node's list (its first, most specific ID ranks 0x0000);</li>
 *   <li>a match on one of its <b>compatible IDs</b> ranks {@code 0x1000 + j}, below any hardware-ID match.</li>
 * </ul>
 *
 * <p>The lowest rank wins; between equal ranks the newer driver version ({@link DeviceSetup#driverVersion()}), then a
 * driver that runs already, then the name, so the choice never depends on the order drivers were found in. IDs compare
 * case-insensitively.
 */
final class DriverMatcher {

    /** The rank of a match on the node's first compatible ID. */
    static final int COMPATIBLE_ID_BASE = 0x1000;

    /**
     * A driver that could serve the node.
     *
     * @param driver its name
     * @param matchedId the node's ID it matched
     * @param compatible whether that ID is one of the node's compatible IDs (else a hardware ID)
     * @param rank the rank, lower is better
     * @param version its driver version
     * @param running whether it runs
     */
    record Candidate(String driver, String matchedId, boolean compatible, int rank, String version, boolean running) {

        /** e.g. {@code toaster (hardware ID ROOT\TOASTER, rank 0x0000, version 1.0)}. */
        String describe() {
            return driver + " (" + (compatible ? "compatible ID " : "hardware ID ") + matchedId + ", rank "
                    + String.format("0x%04X", rank) + ", version " + version + ")";
        }
    }

    /**
     * The choice for a node.
     *
     * @param chosen the winner, or null when no driver lists any of the node's IDs
     * @param lost the other candidates, best first
     */
    record Match(Candidate chosen, List<Candidate> lost) {

        static final Match NONE = new Match(null, List.of());

        Match {
            lost = List.copyOf(lost);
        }
    }

    /** The order candidates rank in, best first. */
    static final Comparator<Candidate> BEST_FIRST = Comparator.comparingInt(Candidate::rank)
            .thenComparing((a, b) -> DeviceSetup.compareVersions(b.version(), a.version()))
            .thenComparing(c -> !c.running())
            .thenComparing(Candidate::driver);

    private DriverMatcher() {
    }

    /** Ranks the catalog's drivers for a node with these IDs (each list most specific first). */
    static Match match(List<String> hardwareIds, List<String> compatibleIds, DriverCatalog catalog) {
        Objects.requireNonNull(hardwareIds, "hardwareIds");
        Objects.requireNonNull(compatibleIds, "compatibleIds");
        List<Candidate> candidates = new ArrayList<>();
        for (DriverCatalog.Entry driver : catalog.entries()) {
            Candidate best = best(driver, hardwareIds, false, 0);
            if (best == null) {
                best = best(driver, compatibleIds, true, COMPATIBLE_ID_BASE);
            }
            if (best != null) {
                candidates.add(best);
            }
        }
        if (candidates.isEmpty()) {
            return Match.NONE;
        }
        candidates.sort(BEST_FIRST);
        return new Match(candidates.getFirst(), candidates.subList(1, candidates.size()));
    }

    /** The driver's best match among {@code ids}, or null. */
    private static Candidate best(DriverCatalog.Entry driver, List<String> ids, boolean compatible, int base) {
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (driver.hardwareIds().stream().anyMatch(id::equalsIgnoreCase)) {
                return new Candidate(driver.name(), id, compatible, base + i, driver.setup().driverVersion(),
                        driver.running());
            }
        }
        return null;
    }
}
