package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event, off unless enabled: a queue delivered a request to the driver (presented or retrieved). */
@Name("org.wdf4j.RequestPresented")
@Label("Request presented")
@Category({"wdf4j", "I/O"})
@Description("A queue delivered a request to the driver: presented to its handler, or retrieved from a manual queue.")
@Enabled(false)
@StackTrace(false)
public final class RequestPresentedEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("Request")
    @Description("The request's handle, e.g. WDFREQUEST#12")
    public String request;
    @Label("Queue")
    public String queue;
    @Label("Type")
    @Description("READ, WRITE, DEVICE_CONTROL, ...")
    public String type;
    @Label("Length")
    @Description("Bytes: what a write brings, what a read asks for, an IOCTL's input")
    @jdk.jfr.DataAmount
    public long length;
    @Label("Control code")
    public int ioControlCode;
    @Label("Requestor PID")
    public long requestorPid;
}
