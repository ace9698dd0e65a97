package org.wdf4j.host.verify;

import org.wdf4j.framework.Finding;
import org.wdf4j.host.UnloadReport;

/**
 * Which spec rule a finding of the framework, or a leak of an unload report, says the driver broke (the rules are in
 * {@code /work/shared/spec}; {@code docs/verify.md} lists the mapping).
 */
final class ReportRules {

    private ReportRules() {
    }

    /**
     * The rule of a framework finding.
     *
     * @param callbackRule the rule of the case for an exception a driver callback threw (e.g. {@code ST4} when the
     *     case drives PnP transitions)
     */
    static String of(Finding finding, String callbackRule) {
        String rule = finding.rule();
        if (rule.matches("[A-Z]{1,2}[0-9]{1,2}")) {
            return rule; // the finding names its rule itself, e.g. H7 (a driver host that did not answer in time)
        }
        if (rule.equals("HUNG")) {
            // a request the driver held past the bounded wait is ST10's; any other wait is U6's step 5
            return finding.message().contains("still held WDFREQUEST") ? "ST10" : "U6";
        }
        if (rule.contains("WDF_REQUEST_FATAL_ERROR")) {
            return "ST7"; // a request is completed exactly once, a cancelled one too
        }
        return switch (finding.kind()) {
            case LEAK -> "V2";
            case EXCEPTION -> callbackRule;
            case BUG_CHECK, VIOLATION -> "V1";
        };
    }

    /**
     * The rule of a leak: a request the driver still held is ST10, a framework object still alive V2, anything else
     * the driver left behind U2.
     */
    static String of(UnloadReport.Leak leak) {
        return switch (leak.kind()) {
            case "request" -> "ST10";
            case "framework object" -> "V2";
            default -> "U2";
        };
    }
}
