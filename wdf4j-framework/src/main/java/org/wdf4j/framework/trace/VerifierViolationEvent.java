package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event: The verifier found a driver breaking a rule. */
@Name("org.wdf4j.VerifierViolation")
@Label("Verifier violation")
@Category({"wdf4j", "Driver lifecycle"})
@Description("The verifier found a driver breaking a rule.")
public final class VerifierViolationEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("Rule")
    public String rule;
    @Label("Object")
    public String object;
    @Label("Message")
    public String message;
}
