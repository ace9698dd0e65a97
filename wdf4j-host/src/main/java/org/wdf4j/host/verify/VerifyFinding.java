package org.wdf4j.host.verify;

import java.util.Objects;

/**
 * Something a case found wrong with the driver.
 *
 * @param caseName the case that found it, e.g. {@code surprise-remove}
 * @param rule the spec rule the driver broke, e.g. {@code ST10} (see {@code /work/shared/spec}, {@code docs/conformance.md})
 * @param message what happened, in words
 * @param replay the command line that runs the case again with the same seed or N
 */
public record VerifyFinding(String caseName, String rule, String message, String replay) {

    public VerifyFinding {
        Objects.requireNonNull(caseName, "caseName");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(replay, "replay");
    }

    @Override
    public String toString() {
        return "[" + rule + "] " + message;
    }
}
