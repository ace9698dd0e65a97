package org.wdf4j.framework;

import org.wdf4j.Irql;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * What timers and work items share: a callback the framework runs for the driver (through {@link #callbacks},
 * serialized under the parent's scope with automatic serialization), a parent the driver can ask for, and a
 * framework cleanup (stop, flush) that may wait for a running callback, so they are always disposed at
 * PASSIVE_LEVEL.
 */
abstract class FxCallbackObject extends FxObject {

    /** Runs the callback and tracks who runs it; its monitor guards the subclass's state. */
    final FxCallbacks callbacks;

    FxCallbackObject(FxDriverGlobals globals, FxObject parent, WdfObjectAttributes attributes,
                     boolean automaticSerialization) {
        super(globals, parent, attributes, true);
        this.callbacks = new FxCallbacks(globals, FxCallbacks.serializationLock(parent, automaticSerialization));
    }

    /** {@code WdfTimerGetParentObject}, {@code WdfWorkItemGetParentObject}: callable at DISPATCH_LEVEL or below. */
    final WdfObject parentObject(String function) {
        checkHandle(function, Irql.DISPATCH_LEVEL);
        return parent();
    }

    @Override
    final boolean hasFrameworkCleanup() {
        return true;
    }
}
