package org.wdf4j.device;

import java.util.Objects;

/**
 * {@code WDF_CHILD_LIST_CONFIG}: how a bus driver's default child list makes devices for the children it reports
 * ({@link WdfDeviceInit#setDefaultChildListConfig}). WDF's identification description is a buffer of a declared size
 * with a compare callback; here it is any object, compared with {@code equals} (a record is the natural choice).
 *
 * @param evtChildListCreateDevice makes the PDO of a child reported present
 */
public record WdfChildListConfig(EvtChildListCreateDevice evtChildListCreateDevice) {

    public WdfChildListConfig {
        Objects.requireNonNull(evtChildListCreateDevice, "evtChildListCreateDevice");
    }

    /** {@code WDF_CHILD_LIST_CONFIG_INIT}. */
    public static WdfChildListConfig init(EvtChildListCreateDevice evtChildListCreateDevice) {
        return new WdfChildListConfig(evtChildListCreateDevice);
    }
}
