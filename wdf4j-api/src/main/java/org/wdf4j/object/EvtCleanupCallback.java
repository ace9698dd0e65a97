package org.wdf4j.object;

/**
 * {@code EVT_WDF_OBJECT_CONTEXT_CLEANUP}: called when the object is deleted, after the cleanup of
 * all its descendants, whatever its reference count. Release here what the object holds that
 * others may hold references to. Called at PASSIVE_LEVEL for objects whose execution level is
 * Passive; otherwise at the level the deletion started at, at most DISPATCH_LEVEL.
 */
@FunctionalInterface
public interface EvtCleanupCallback {
    void cleanup(WdfObject object);
}
