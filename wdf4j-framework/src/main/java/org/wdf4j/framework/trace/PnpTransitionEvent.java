package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR event: a device went through one PnP transition (start, remove, surprise removal, sleep, wake). */
@Name("org.wdf4j.PnpTransition")
@Label("PnP transition")
@Category({"wdf4j", "PnP and power"})
@Description("A device went through one transition of the PnP state table; status says whether it succeeded.")
@StackTrace(false)
public final class PnpTransitionEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("Device")
    @Description("The device's handle, e.g. WDFDEVICE#3")
    public String device;
    @Label("Instance ID")
    public String instanceId;
    @Label("PnP event")
    @Description("START, REMOVE, SURPRISE_REMOVE, SLEEP or WAKE")
    public String pnpEvent;
    @Label("From state")
    public String fromState;
    @Label("To state")
    public String toState;
    @Label("Status")
    public String status;
    @Label("Status code")
    @Description("The NTSTATUS value")
    public int statusCode;
    @Label("Succeeded")
    public boolean succeeded;
    @Label("Elapsed")
    @Description("How long the transition took, the driver's callbacks and the framework's waits included")
    @Timespan(Timespan.NANOSECONDS)
    public long elapsed;
}
