package org.wdf4j.framework;

/** What happens to a framework object; see {@link FxObjectStateMachine}. */
public enum FxObjectEvent {
    /** The driver deleted it, or its parent's deletion reached it. */
    DELETE,
    /** Its cleanup callbacks (and its descendants') have run; its creation reference is given up. */
    CLEANUP_DONE,
    /** Its reference count is zero and it has no children left. */
    LAST_RELEASE,
    /** Its destroy callbacks have run; its contexts are released. */
    DESTROY_DONE,
    /** Its driver unloaded while it was still referenced. */
    ABANDON
}
