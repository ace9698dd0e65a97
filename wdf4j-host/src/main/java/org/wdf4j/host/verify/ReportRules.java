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
        if (rule.equals("HUNG")) {
            return "U6"; // step 5: the framework's bounded wait for the driver
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

    /** The rule of a leak: a framework object still alive is V2; anything else the driver left behind is U2. */
    static String of(UnloadReport.Leak leak) {
        return leak.kind().equals("framework object") ? "V2" : "U2";
    }
}
