package org.wdf4j.host;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event: an isolated driver's driver host process ended without being asked to (H5, H6). */
@Name("org.wdf4j.DriverHostEnded")
@Label("Driver host ended")
@Category({"wdf4j", "Driver hosting"})
@Description("An isolated driver's driver host process ended without being asked to; the driver is restarted or "
        + "left failed.")
final class DriverHostEndedEvent extends Event {
    @Label("Driver")
    String driver;
    @Label("Process ID")
    long pid;
    @Label("Cause")
    String cause;
    @Label("Restarted")
    boolean restarted;
    @Label("Restarts left")
    int restartsLeft;

    /** Logs nothing; commits the event when it is enabled. */
    static void commit(String driver, long pid, String cause, boolean restarted, int restartsLeft) {
        DriverHostEndedEvent e = new DriverHostEndedEvent();
        if (e.isEnabled()) {
            e.driver = driver;
            e.pid = pid;
            e.cause = cause;
            e.restarted = restarted;
            e.restartsLeft = restartsLeft;
            e.commit();
        }
    }
}
