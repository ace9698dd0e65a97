package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR event, off unless enabled: a request of a queue was completed, by the driver or by the framework. */
@Name("org.wdf4j.RequestCompleted")
@Label("Request completed")
@Category({"wdf4j", "I/O"})
@Description("A request of a queue was completed, by the driver or by the framework (cancelled while queued, purged, "
        + "no handler, device gone).")
@Enabled(false)
@StackTrace(false)
public final class RequestCompletedEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("Request")
    public String request;
    @Label("Queue")
    public String queue;
    @Label("Type")
    public String type;
    @Label("Status")
    public String status;
    @Label("Status code")
    @Description("The NTSTATUS value")
    public int statusCode;
    @Label("Information")
    @Description("Bytes transferred, or what the driver set")
    public long information;
    @Label("Held")
    @Description("How long the driver held it, from its delivery to its completion; 0 when it was never delivered")
    @Timespan(Timespan.NANOSECONDS)
    public long held;
    @Label("Cancelled")
    @Description("Whether its requestor had cancelled it")
    public boolean cancelled;
}
