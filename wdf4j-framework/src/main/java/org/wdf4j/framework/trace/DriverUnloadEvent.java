package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event: The framework called the driver's EvtDriverUnload. */
@Name("org.wdf4j.DriverUnload")
@Label("EvtDriverUnload")
@Category({"wdf4j", "Driver lifecycle"})
@Description("The framework called the driver's EvtDriverUnload.")
public final class DriverUnloadEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("Outcome")
    public String outcome;
}
