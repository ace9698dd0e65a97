package org.wdf4j.object;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.spi.WdfFunctions;

/**
 * A framework object: the handle every WDF object type shares ({@code WDFOBJECT}).
 *
 * <h2>Lifetime</h2>
 * Every object except the driver object has a parent; without an explicit parent it is the driver
 * object. {@link #delete()} starts the object's cleanup at once, whatever its reference count: the
 * cleanup callbacks of its descendants run first (children before parents, the last-created child
 * first), then its own. The object is destroyed, and its destroy callbacks run, when its reference
 * count reaches zero and all its children are destroyed. Deleting a parent deletes its children,
 * so a driver seldom deletes objects it parented well.
 *
 * <h2>References</h2>
 * An object starts with one reference, its creation reference, which {@link #delete()} (or the
 * deletion of its parent) gives up. {@link #reference(Object)} keeps the object's memory (and its
 * context) valid past its deletion; every reference must be given back with
 * {@link #dereference(Object)}. Dropping the count to zero by dereference instead of delete is a
 * bug check (WDF_OBJECT_ERROR).
 *
 * <h2>After destruction</h2>
 * Calling any method of a destroyed object is a bug check (WDF_INVALID_HANDLE).
 *
 * <h2>Execution level</h2>
 * Each method states the highest {@link org.wdf4j.Irql} it may be called at; with the verifier on,
 * a call above it is a verifier violation.
 */
public interface WdfObject {

    /**
     * {@code WdfObjectCreate}: creates a general framework object, a node in the object tree that
     * owns contexts and callbacks. Callable at IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the object, or STATUS_INSUFFICIENT_RESOURCES (allocation failed or injected by the
     *     verifier), STATUS_DELETE_PENDING (the parent is being deleted),
     *     STATUS_INVALID_PARAMETER (the attributes are not valid for this object)
     */
    static NtResult<WdfObject> create(WdfObjectAttributes attributes) {
        return WdfFunctions.get().objectCreate(attributes);
    }

    /**
     * {@code WdfObjectDelete}: starts the deletion of this object and its descendants. Callable at
     * IRQL {@code <= DISPATCH_LEVEL}; when called above PASSIVE_LEVEL for an object that must be
     * cleaned up at PASSIVE_LEVEL, the cleanup is deferred to a passive framework thread.
     *
     * @return STATUS_SUCCESS; STATUS_CANNOT_DELETE for objects the driver may not delete (the
     *     driver object, PnP devices, default queues), which are left as they were and the
     *     attempt reported; STATUS_DELETE_PENDING when the object is already being deleted
     */
    NtStatus delete();

    /** {@code WdfObjectReference}: adds an untagged reference. IRQL {@code <= DISPATCH_LEVEL}. */
    default void reference() {
        reference(null);
    }

    /**
     * {@code WdfObjectReferenceWithTag}: adds a reference. The tag (any object, typically a string
     * or the referencing object) identifies the reference in the verifier's handle tracking and in
     * leak reports. IRQL {@code <= DISPATCH_LEVEL}.
     */
    void reference(Object tag);

    /** {@code WdfObjectDereference}: gives back an untagged reference. IRQL {@code <= DISPATCH_LEVEL}. */
    default void dereference() {
        dereference(null);
    }

    /**
     * {@code WdfObjectDereferenceWithTag}: gives back a reference taken with the same tag. When the
     * count reaches zero after deletion, the object is destroyed. IRQL {@code <= DISPATCH_LEVEL}.
     */
    void dereference(Object tag);

    /**
     * {@code WdfObjectGetTypedContext}: the context of that type attached to this object, or null
     * when none is attached (not an error). Callable at any IRQL, and from the object's own destroy
     * callbacks.
     */
    <T> T getContext(ContextType<T> type);

    /**
     * {@code WdfObjectAllocateContext}: attaches a context of {@code type} to this object, with the
     * cleanup and destroy callbacks given in {@code attributes} (which may also name the same
     * context type, and nothing else). IRQL {@code <= DISPATCH_LEVEL}.
     *
     * @return the new context; STATUS_OBJECT_NAME_EXISTS (a success) with the context already
     *     attached when that type is attached; STATUS_INVALID_PARAMETER when the attributes name a
     *     parent, an execution level, a synchronization scope or another context type;
     *     STATUS_DELETE_PENDING when the object is being deleted
     */
    <T> NtResult<T> allocateContext(ContextType<T> type, WdfObjectAttributes attributes);

    /** {@link #allocateContext(ContextType, WdfObjectAttributes)} without callbacks. */
    default <T> NtResult<T> allocateContext(ContextType<T> type) {
        return allocateContext(type, WdfObjectAttributes.NONE);
    }

    /**
     * The object's name for traces and reports: its type and a number unique within the driver, for
     * example {@code WDFOBJECT#12}. Callable at any IRQL.
     */
    String handleName();
}
