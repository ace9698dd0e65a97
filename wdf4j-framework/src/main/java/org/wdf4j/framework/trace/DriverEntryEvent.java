package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event: DriverEntry was called; status is what it returned. */
@Name("org.wdf4j.DriverEntry")
@Label("DriverEntry")
@Category({"wdf4j", "Driver lifecycle"})
@Description("DriverEntry was called; status is what it returned.")
public final class DriverEntryEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("Status")
    public String status;
    @Label("RegistryPath")
    public String registryPath;
}
