package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event: The framework stopped a driver for breaking a contract (WDF_VIOLATION). */
@Name("org.wdf4j.BugCheck")
@Label("Bug check")
@Category({"wdf4j", "Driver lifecycle"})
@Description("The framework stopped a driver for breaking a contract (WDF_VIOLATION).")
public final class BugCheckEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("SubCode")
    public String subCode;
    @Label("Message")
    public String message;
}
