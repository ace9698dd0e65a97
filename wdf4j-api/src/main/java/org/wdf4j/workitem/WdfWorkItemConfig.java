package org.wdf4j.workitem;

import java.util.Objects;

/**
 * {@code WDF_WORKITEM_CONFIG}.
 *
 * @param evtWorkItemFunc the callback, never null
 * @param automaticSerialization the callback runs under the synchronization lock of the work item's
 *     parent (see {@code docs/object-model.md}); ignored when the parent's synchronization scope is NONE
 */
public record WdfWorkItemConfig(EvtWorkItem evtWorkItemFunc, boolean automaticSerialization) {

    public WdfWorkItemConfig {
        Objects.requireNonNull(evtWorkItemFunc, "evtWorkItemFunc");
    }

    /** {@code WDF_WORKITEM_CONFIG_INIT}: automatic serialization on, as in WDF. */
    public static WdfWorkItemConfig init(EvtWorkItem evtWorkItemFunc) {
        return new WdfWorkItemConfig(evtWorkItemFunc, true);
    }

    public WdfWorkItemConfig withAutomaticSerialization(boolean value) {
        return new WdfWorkItemConfig(evtWorkItemFunc, value);
    }
}
