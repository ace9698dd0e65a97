package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event: a device changed its device power state (D0, D3, D3_FINAL). */
@Name("org.wdf4j.PowerTransition")
@Label("Power transition")
@Category({"wdf4j", "PnP and power"})
@Description("A device changed its device power state.")
@StackTrace(false)
public final class PowerTransitionEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("Device")
    public String device;
    @Label("Instance ID")
    public String instanceId;
    @Label("From power state")
    public String fromPower;
    @Label("To power state")
    public String toPower;
}
