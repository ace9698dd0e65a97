package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Enabled;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event: A framework object was destroyed (its destroy callbacks, if any, ran). */
@Name("org.wdf4j.ObjectDestroy")
@Label("Object destroy")
@Category({"wdf4j", "Driver lifecycle"})
@Description("A framework object was destroyed (its destroy callbacks, if any, ran).")
// Off unless asked for (one event per object is costly for large trees), and without stacks.
@Enabled(false)
@StackTrace(false)
public final class ObjectDestroyEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("Object")
    public String object;
    @Label("Callbacks")
    public String callbacks;
}
