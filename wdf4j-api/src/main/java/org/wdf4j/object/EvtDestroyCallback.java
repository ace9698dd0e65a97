package org.wdf4j.object;

/**
 * {@code EVT_WDF_OBJECT_CONTEXT_DESTROY}: called once the deleted object's reference count reached
 * zero, after its cleanup, just before its contexts are released. The callback may read the
 * object's contexts but must not call the object's other methods (a bug check).
 */
@FunctionalInterface
public interface EvtDestroyCallback {
    void destroy(WdfObject object);
}
