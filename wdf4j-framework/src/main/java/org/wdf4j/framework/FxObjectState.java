package org.wdf4j.framework;

/**
 * The states of a framework object's life, in the order an object passes through them.
 *
 * <pre>
 *   CREATED --DELETE--> DISPOSING --CLEANUP_DONE--> DISPOSED --LAST_RELEASE--> DESTROYING --DESTROY_DONE--> DESTROYED
 *                                                      |
 *                                                      +--ABANDON--> ABANDONED   (leaked at unload)
 * </pre>
 *
 * The transitions are data, in {@link FxObjectStateMachine}.
 */
public enum FxObjectState {
    /** Alive and usable: accepts children, contexts and references. */
    CREATED,
    /** Deleted; the cleanup callbacks of the object and its descendants are running or queued. */
    DISPOSING,
    /** Cleaned up; waiting for its reference count to reach zero and its children to be destroyed. */
    DISPOSED,
    /** Its destroy callbacks are running: only its contexts may be read. */
    DESTROYING,
    /** Gone: any call on it is a bug check (WDF_INVALID_HANDLE). */
    DESTROYED,
    /** Still referenced when its driver unloaded: reported as leaked, never destroyed; calls are bug checks. */
    ABANDONED;

    /** True once the object's handle is no longer valid. */
    boolean isInvalidHandle() {
        return this == DESTROYED || this == ABANDONED;
    }
}
