package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event, off unless enabled: a request's requestor (or a cleanup, or a purge) cancelled it. */
@Name("org.wdf4j.RequestCancelled")
@Label("Request cancelled")
@Category({"wdf4j", "I/O"})
@Description("A request was cancelled: by its requestor, a file cleanup or a purge.")
@Enabled(false)
@StackTrace(false)
public final class RequestCancelledEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("Request")
    public String request;
    @Label("Type")
    public String type;
    @Label("State")
    @Description("Who owned it when the cancel came: QUEUED (the framework completes it), CANCELABLE (the driver's cancel routine runs), SENT (the cancel goes below), DRIVER (the driver sees it with WdfRequestIsCanceled)")
    public String state;
}
