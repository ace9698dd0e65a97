package org.wdf4j.host.verify;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.wdf4j.framework.Finding;
import org.wdf4j.host.UnloadReport;

/**
 * What one case found and noted while it ran, each finding with the command line that replays it. Used by the case's
 * thread only.
 */
final class CaseLog {

    /** The most stuck requests named one by one in a finding; the rest are counted. */
    private static final int NAMED_REQUESTS = 5;

    private final String caseName;
    private final String description;
    private final VerifyTarget target;
    private final long started = System.nanoTime();
    private final List<VerifyFinding> findings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    CaseLog(VerifyCase verifyCase, VerifyTarget target) {
        this.caseName = verifyCase.name();
        this.description = verifyCase.description();
        this.target = target;
    }

    /** A finding of the seeded run. */
    void add(String rule, String message) {
        add(rule, message, target.seedOption());
    }

    /** A finding that {@code replayOption} (e.g. {@code --allocate-fail 3}) replays; once, however often it is found. */
    void add(String rule, String message, String replayOption) {
        add(rule, message, replayOption, "");
    }

    /** The same, with where it happened ({@link VerifyFinding#detail}). */
    void add(String rule, String message, String replayOption, String detail) {
        VerifyFinding f = new VerifyFinding(caseName, rule, message, target.replay(caseName, replayOption), detail);
        if (!findings.contains(f)) {
            findings.add(f);
        }
    }

    void note(String note) {
        notes.add(note);
    }

    boolean clean() {
        return findings.isEmpty();
    }

    /** ST10: the requests that did not complete within the bound after {@code after}. */
    void stuck(List<IoLedger.Sent> stuck, String after, String replayOption) {
        if (stuck.isEmpty()) {
            return;
        }
        StringBuilder m = new StringBuilder().append(stuck.size()).append(stuck.size() == 1 ? " request" : " requests")
                .append(" never completed (still in flight ").append(target.requestBound().toSeconds())
                .append(" s after ").append(after).append("): ");
        for (int i = 0; i < Math.min(NAMED_REQUESTS, stuck.size()); i++) {
            m.append(i == 0 ? "" : "; ").append(stuck.get(i).what());
        }
        if (stuck.size() > NAMED_REQUESTS) {
            m.append("; and ").append(stuck.size() - NAMED_REQUESTS).append(" more");
        }
        add("ST10", m.toString(), replayOption);
    }

    /**
     * What the driver's unload report says is wrong: findings (bug checks, violations, hangs, exceptions), leaks, a
     * class loader not collected. A DriverEntry that failed is a finding unless {@code entryMayFail}.
     */
    void report(Trial trial, boolean entryMayFail, String callbackRule, String replayOption) {
        if (trial.stopRefused() != null) {
            add("U7", "the driver could not be stopped: " + trial.stopRefused(), replayOption);
            return;
        }
        UnloadReport report = trial.report();
        if (report == null) {
            return;
        }
        if (!report.driverEntrySucceeded() && !entryMayFail) {
            add("D1", "DriverEntry returned " + report.driverEntryStatus()
                    + (report.driverEntryException() == null ? "" : " and threw " + firstLine(report.driverEntryException())),
                    replayOption);
        }
        for (Finding f : report.findings()) {
            if (f.kind() == Finding.Kind.LEAK) {
                continue; // named with the report's leaks below
            }
            add(ReportRules.of(f, callbackRule), f.kind() + " " + f.rule() + (f.object().isEmpty() ? "" : " on " + f.object())
                    + ": " + f.message(), replayOption, f.stack());
        }
        for (UnloadReport.Leak leak : report.leaks()) {
            add(ReportRules.of(leak), "leaked " + leak.kind() + ": " + leak.description()
                    + (leak.allocatedAt() == null || leak.allocatedAt().isBlank() ? "" : " (made at "
                    + firstLine(leak.allocatedAt()) + ")"), replayOption, leak.allocatedAt());
        }
        if (report.hung() && report.findings().stream().noneMatch(f -> f.rule().equals("HUNG"))) {
            add("U6", "a driver callback did not return within the wait timeout of " + target.waitTimeout().toSeconds()
                    + " s", replayOption);
        }
        if (report.failure() != null && report.findings().isEmpty()) {
            add("V1", "the driver failed: " + report.failure(), replayOption);
        }
        if (Boolean.FALSE.equals(report.classLoaderCollected()) && report.leaks().isEmpty()) {
            add("U6", "the driver's class loader was not collected: " + report.collectionNote(), replayOption);
        }
    }

    private static String firstLine(String text) {
        String s = text.strip();
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    CaseResult result() {
        return new CaseResult(caseName, description, findings, notes, Duration.ofNanos(System.nanoTime() - started));
    }
}
