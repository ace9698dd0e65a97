package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event: Something a driver left behind at unload. */
@Name("org.wdf4j.Leak")
@Label("Leak")
@Category({"wdf4j", "Driver lifecycle"})
@Description("Something a driver left behind at unload.")
public final class LeakEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("Kind")
    public String kind;
    @Label("Description")
    public String description;
    @Label("AllocatedAt")
    public String allocatedAt;
}
