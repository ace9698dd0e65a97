package org.wdf4j.host.verify;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/** One case of the {@code wdf4j verify} battery: runs on any driver, with no test code from its author. */
public interface VerifyCase {

    /** Its name on the command line ({@code --case}) and in the results, e.g. {@code surprise-remove}. */
    String name();

    /** What it does, one line, for the summary and {@code docs/verify.md}. */
    String description();

    /** Runs the case on the target in throw-away hosts of its own. */
    CaseResult run(VerifyTarget target);

    /**
     * The case's seeded generator: the same seed and case name give the same draws, whatever other cases ran; what
     * {@code --case NAME --seed S} replays.
     */
    static RandomGenerator random(long seed, String caseName) {
        return RandomGeneratorFactory.of("L64X128MixRandom").create(seed * 31 + caseName.hashCode());
    }
}
