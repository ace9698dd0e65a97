package org.wdf4j.framework.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event: A framework object's cleanup ran (its cleanup callbacks, if any). */
@Name("org.wdf4j.ObjectCleanup")
@Label("Object cleanup")
@Category({"wdf4j", "Driver lifecycle"})
@Description("A framework object's cleanup ran (its cleanup callbacks, if any).")
public final class ObjectCleanupEvent extends Event {
    @Label("Driver")
    public String driver;
    @Label("Object")
    public String object;
    @Label("Callbacks")
    public String callbacks;
}
