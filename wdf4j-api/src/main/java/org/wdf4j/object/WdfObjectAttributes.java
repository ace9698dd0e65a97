package org.wdf4j.object;

/**
 * {@code WDF_OBJECT_ATTRIBUTES}: what a driver may say about an object when creating it.
 *
 * <p>Start from {@link #init()} ({@code WDF_OBJECT_ATTRIBUTES_INIT}) or {@link #of(ContextType)}
 * ({@code WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE}) and refine with the {@code with} methods; the
 * record is immutable, so one constant can serve many creations.
 *
 * @param parent the parent object, or null for the default (the driver object)
 * @param evtCleanupCallback called at the object's cleanup, or null
 * @param evtDestroyCallback called at the object's destruction, or null
 * @param executionLevel the execution level, never null
 * @param synchronizationScope the synchronization scope, never null
 * @param contextType the context type attached at creation, or null
 */
public record WdfObjectAttributes(
        WdfObject parent,
        EvtCleanupCallback evtCleanupCallback,
        EvtDestroyCallback evtDestroyCallback,
        WdfExecutionLevel executionLevel,
        WdfSynchronizationScope synchronizationScope,
        ContextType<?> contextType) {

    /** {@code WDF_NO_OBJECT_ATTRIBUTES}: no parent, callbacks or context; levels inherited. */
    public static final WdfObjectAttributes NONE = new WdfObjectAttributes(null, null, null,
            WdfExecutionLevel.INHERIT_FROM_PARENT, WdfSynchronizationScope.INHERIT_FROM_PARENT, null);

    public WdfObjectAttributes {
        if (executionLevel == null) {
            throw new IllegalArgumentException("executionLevel must not be null; use INHERIT_FROM_PARENT");
        }
        if (synchronizationScope == null) {
            throw new IllegalArgumentException("synchronizationScope must not be null; use INHERIT_FROM_PARENT");
        }
    }

    /** {@code WDF_OBJECT_ATTRIBUTES_INIT}. */
    public static WdfObjectAttributes init() {
        return NONE;
    }

    /** {@code WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE}. */
    public static WdfObjectAttributes of(ContextType<?> contextType) {
        return NONE.withContextType(contextType);
    }

    public WdfObjectAttributes withParent(WdfObject parent) {
        return new WdfObjectAttributes(parent, evtCleanupCallback, evtDestroyCallback, executionLevel,
                synchronizationScope, contextType);
    }

    public WdfObjectAttributes withCleanup(EvtCleanupCallback callback) {
        return new WdfObjectAttributes(parent, callback, evtDestroyCallback, executionLevel,
                synchronizationScope, contextType);
    }

    public WdfObjectAttributes withDestroy(EvtDestroyCallback callback) {
        return new WdfObjectAttributes(parent, evtCleanupCallback, callback, executionLevel,
                synchronizationScope, contextType);
    }

    public WdfObjectAttributes withExecutionLevel(WdfExecutionLevel level) {
        return new WdfObjectAttributes(parent, evtCleanupCallback, evtDestroyCallback, level,
                synchronizationScope, contextType);
    }

    public WdfObjectAttributes withSynchronizationScope(WdfSynchronizationScope scope) {
        return new WdfObjectAttributes(parent, evtCleanupCallback, evtDestroyCallback, executionLevel,
                scope, contextType);
    }

    public WdfObjectAttributes withContextType(ContextType<?> type) {
        return new WdfObjectAttributes(parent, evtCleanupCallback, evtDestroyCallback, executionLevel,
                synchronizationScope, type);
    }
}
