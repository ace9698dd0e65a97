package org.wdf4j.host.verify;

import java.time.Duration;
import java.util.List;

/**
 * How one case of the battery went.
 *
 * @param caseName the case
 * @param description what it does, one line
 * @param findings what it found wrong; empty when it passed
 * @param notes what it did and what the driver did not handle (not failures), for the summary
 * @param took how long it ran
 */
public record CaseResult(String caseName, String description, List<VerifyFinding> findings, List<String> notes,
                         Duration took) {

    public CaseResult {
        findings = List.copyOf(findings);
        notes = List.copyOf(notes);
    }

    public boolean passed() {
        return findings.isEmpty();
    }
}
