package org.wdf4j.host.verify;

import java.util.Objects;

/**
 * Something a case found wrong with the driver.
 *
 * @param caseName the case that found it, e.g. {@code surprise-remove}
 * @param rule the spec rule the driver broke, e.g. {@code ST10} (see {@code /work/shared/spec}, {@code docs/conformance.md})
 * @param message what happened, in words
 * @param replay the command line that runs the case again with the same seed or N
 * @param detail where it happened, when known: a stack (an exception's, the threads' of a driver host that did not
 *     answer, where a leaked object was made), else an empty string; written in the JUnit XML only
 */
public record VerifyFinding(String caseName, String rule, String message, String replay, String detail) {

    public VerifyFinding {
        Objects.requireNonNull(caseName, "caseName");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(replay, "replay");
        detail = detail == null ? "" : detail;
    }

    /** The rule and the message's first line (a message may go on with detail, e.g. a driver host's thread stacks). */
    @Override
    public String toString() {
        String m = message.strip();
        int nl = m.indexOf('\n');
        return "[" + rule + "] " + (nl < 0 ? m : m.substring(0, nl).strip() + " (more in the JUnit XML)");
    }
}
