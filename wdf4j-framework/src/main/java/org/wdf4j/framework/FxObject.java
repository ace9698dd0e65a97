package org.wdf4j.framework;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.EvtCleanupCallback;
import org.wdf4j.object.EvtDestroyCallback;
import org.wdf4j.object.WdfExecutionLevel;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.object.WdfSynchronizationScope;
import org.wdf4j.framework.trace.Trace;

/**
 * The framework side of every object: its place in the tree, its state, its references and its
 * contexts.
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>{@code state} changes only through {@link FxObjectStateMachine}, under {@code this}'s lock.</li>
 *   <li>The child list of an object ({@code firstChild}, {@code lastChild} and the children's
 *       sibling links) is changed only under that object's lock. A child is linked while its parent
 *       is CREATED and unlinked when it is destroyed or abandoned.</li>
 *   <li>An object is destroyed exactly once, when it is DISPOSED, its reference count is zero and
 *       it has no children: whoever makes the LAST_RELEASE transition, under the object's lock,
 *       destroys it.</li>
 *   <li>The creation reference is part of {@code refs} and is given up at CLEANUP_DONE.</li>
 *   <li>Deletion never recurses per level: the subtree is collected with an explicit stack and
 *       destruction climbs the tree in a loop, so a tree of any depth is deleted in linear time.</li>
 * </ul>
 */
public abstract class FxObject implements WdfObject {

    private static final VarHandle REFS;
    private static final VarHandle STATE;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(FxObject.class, "refs", int.class);
            STATE = MethodHandles.lookup().findVarHandle(FxObject.class, "state", FxObjectState.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final FxDriverGlobals globals;
    private final int id;
    private FxObject parent;
    private FxObject firstChild;
    private FxObject lastChild;
    private FxObject prevSibling;
    private FxObject nextSibling;
    /**
     * Written only under this object's lock, with release semantics; read under the lock, or
     * without it through {@link #stateNow()} (acquire). Not volatile: a full fence on every
     * transition is what made create+delete slow.
     */
    private FxObjectState state = FxObjectState.CREATED;
    /** Changed only by compare-and-set through {@link #REFS}; read through {@link #refsNow()}. */
    private int refs = 1;
    private final boolean passiveLevel;
    /** Cleanup and destroy must run at PASSIVE_LEVEL: the level is PASSIVE, or the type waits in its cleanup (timers, work items). */
    private final boolean passiveDispose;
    private final WdfSynchronizationScope synchronizationScope;
    /**
     * Whether this object has a presentation lock in its driver's map (see {@link #presentationLock()}); a
     * flag rather than a field holding the lock, so that objects without one (nearly all) stay small.
     */
    private volatile boolean hasPresentationLock;
    /** Some descendant must be cleaned up at PASSIVE_LEVEL; set when such a descendant is created, never cleared. */
    private volatile boolean passiveInSubtree;
    private FxContext contexts;
    final FxTracker tracker;

    /**
     * @param parent the parent, or null for the driver object; linking happens in {@link #attach}
     */
    FxObject(FxDriverGlobals globals, FxObject parent, WdfObjectAttributes attributes) {
        this(globals, parent, attributes, false);
    }

    /**
     * @param forcePassiveDispose the object's cleanup and destroy always run at PASSIVE_LEVEL, deferred to the
     *     passive framework thread when deletion starts above it, whatever its execution level (WDF's
     *     "passive dispose", for objects whose cleanup waits: timers, work items)
     */
    FxObject(FxDriverGlobals globals, FxObject parent, WdfObjectAttributes attributes, boolean forcePassiveDispose) {
        this.globals = globals;
        this.id = globals.nextObjectId();
        this.parent = parent;
        WdfExecutionLevel level = attributes.executionLevel();
        this.passiveLevel = level == WdfExecutionLevel.INHERIT_FROM_PARENT
                ? parent != null && parent.passiveLevel
                : level == WdfExecutionLevel.PASSIVE;
        this.passiveDispose = passiveLevel || forcePassiveDispose;
        WdfSynchronizationScope scope = attributes.synchronizationScope();
        this.synchronizationScope = scope == WdfSynchronizationScope.INHERIT_FROM_PARENT
                ? (parent == null ? WdfSynchronizationScope.NONE : parent.synchronizationScope)
                : scope;
        if (attributes.evtCleanupCallback() != null || attributes.evtDestroyCallback() != null
                || attributes.contextType() != null) {
            ContextType<?> type = attributes.contextType();
            this.contexts = new FxContext(type, type == null ? null : type.newInstance(),
                    attributes.evtCleanupCallback(), attributes.evtDestroyCallback());
        }
        this.tracker = globals.verifier().enabled() && recordsCreation() ? new FxTracker(globals.verifier().tracks(objectType())
                ? globals.verifier().referenceHistory() : 0) : null;
    }

    /** The WDF type name, e.g. {@code WDFOBJECT}, {@code WDFDRIVER}. */
    public abstract String objectType();

    /**
     * Whether the verifier records where objects of this type are created (and counts their references by tag). Every
     * type does with the verifier on; requests, made by the framework for each I/O, only with handle tracking on for
     * {@code WDFREQUEST} (a stack walk per request would dominate the I/O path). Called from the constructor: it may
     * use {@link #globals} and nothing of the subclass.
     */
    boolean recordsCreation() {
        return true;
    }

    /** Whether the driver may delete this object; the framework always may. */
    boolean canBeDeletedByDriver() {
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // Creation

    /** Links this new object under its parent; fails when the parent is being deleted. */
    final NtStatus attach() {
        FxObject p = parent;
        if (p == null) {
            return NtStatus.STATUS_SUCCESS;
        }
        if (passiveDispose) {
            // Deletion above PASSIVE_LEVEL must defer when any object below the deleted one is passive.
            // Flagged before linking, so that no deletion can see the child without the flag.
            for (FxObject a = p; a != null && !a.passiveInSubtree; a = a.parent) {
                a.passiveInSubtree = true;
            }
        }
        synchronized (p) {
            if (p.state != FxObjectState.CREATED) {
                return NtStatus.STATUS_DELETE_PENDING;
            }
            prevSibling = p.lastChild;
            if (p.lastChild == null) {
                p.firstChild = this;
            } else {
                p.lastChild.nextSibling = this;
            }
            p.lastChild = this;
        }
        return NtStatus.STATUS_SUCCESS;
    }

    // ---------------------------------------------------------------------------------------------
    // Handle checks

    /** Bug check (WDF_INVALID_HANDLE) unless this handle is valid; also checks the caller's IRQL. */
    final void checkHandle(String function, Irql maxIrql) {
        checkValid(function);
        globals.checkIrql(function, maxIrql, this);
    }

    /** Bug check (WDF_INVALID_HANDLE) unless this handle is valid; no IRQL check (the caller makes its own). */
    final void checkValid(String function) {
        FxObjectState s = stateNow();
        if (s.isInvalidHandle() || s == FxObjectState.DESTROYING) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_HANDLE,
                    function + " called on " + this + ", which is " + describeInvalid(s));
        }
    }

    private static String describeInvalid(FxObjectState s) {
        return switch (s) {
            case DESTROYING -> "being destroyed (a destroy callback may read contexts only)";
            case DESTROYED -> "destroyed";
            case ABANDONED -> "abandoned: its driver unloaded while it was still referenced";
            default -> s.name();
        };
    }

    // ---------------------------------------------------------------------------------------------
    // WdfObject

    @Override
    public NtStatus delete() {
        checkHandle("WdfObjectDelete", Irql.DISPATCH_LEVEL);
        if (!canBeDeletedByDriver()) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "STATUS_CANNOT_DELETE", this,
                    "the driver may not delete " + objectType() + " objects; the framework deletes it");
            return NtStatus.STATUS_CANNOT_DELETE;
        }
        return deleteInternal();
    }

    /**
     * Starts the deletion of this object and its subtree. The subtree is marked DISPOSING at once,
     * so nothing new can be attached below it; the callbacks run now, or on the driver's passive
     * framework thread when the caller is above PASSIVE_LEVEL and some object in the subtree must
     * be cleaned up at PASSIVE_LEVEL.
     */
    final NtStatus deleteInternal() {
        boolean leaf;
        boolean destroyed = false;
        synchronized (this) {
            if (!apply(FxObjectEvent.DELETE)) {
                return NtStatus.STATUS_DELETE_PENDING;
            }
            leaf = firstChild == null; // stays true: nothing attaches below a DISPOSING object
            if (leaf && contexts == null && tracker == null && !hasFrameworkCleanup() && REFS.compareAndSet(this, 1, 0)) {
                // A leaf with no callbacks, no contexts and no other reference: nothing of the driver runs between
                // DELETE and DESTROYED, so the whole walk through the table is made under this one lock.
                apply(FxObjectEvent.CLEANUP_DONE);
                apply(FxObjectEvent.LAST_RELEASE);
                apply(FxObjectEvent.DESTROY_DONE);
                destroyed = true;
            }
        }
        if (destroyed) {
            if (Trace.objectEventsEnabled()) {
                Trace.objectCleanup(globals.name(), this, 0);
                Trace.objectDestroy(globals.name(), this, 0);
            }
            globals.objectGone();
            FxObject parentClaimed = unlinkFromParentAndClaimIt();
            if (parentClaimed != null) {
                destroyClaimed(parentClaimed);
            }
            return NtStatus.STATUS_SUCCESS;
        }
        boolean defer = (passiveDispose || passiveInSubtree) && FxThreadState.currentIrql() != Irql.PASSIVE_LEVEL;
        if (leaf) {
            if (defer) {
                globals.deferToPassive(this::disposeLeaf, "deferred deletion of " + this);
            } else {
                disposeLeaf();
            }
        } else {
            List<FxObject> preorder = markDescendantsForDisposal();
            if (defer) {
                globals.deferToPassive(() -> dispose(preorder), "deferred deletion of " + this);
            } else {
                dispose(preorder);
            }
        }
        return NtStatus.STATUS_SUCCESS;
    }

    /**
     * With this object already DISPOSING, marks every descendant not already being deleted
     * DISPOSING, and answers this object and them in pre-order (parents before children, siblings
     * in creation order).
     */
    private List<FxObject> markDescendantsForDisposal() {
        List<FxObject> preorder = new ArrayList<>();
        ArrayDeque<FxObject> stack = new ArrayDeque<>();
        stack.push(this);
        List<FxObject> children = new ArrayList<>();
        while (!stack.isEmpty()) {
            FxObject node = stack.pop();
            preorder.add(node);
            children.clear();
            synchronized (node) {
                for (FxObject c = node.firstChild; c != null; c = c.nextSibling) {
                    children.add(c);
                }
            }
            // Push in reverse so the first-created child is visited first.
            for (int i = children.size() - 1; i >= 0; i--) {
                FxObject child = children.get(i);
                boolean marked;
                synchronized (child) {
                    marked = child.apply(FxObjectEvent.DELETE);
                }
                if (marked) {
                    stack.push(child);
                }
                // A child already being deleted belongs to the deletion that marked it.
            }
        }
        return preorder;
    }

    /**
     * Runs the cleanup callbacks of the marked objects in reverse pre-order (children before
     * parents, the last-created child first), then gives up their creation references in the same
     * order, which destroys every object nothing else references.
     */
    private static void dispose(List<FxObject> preorder) {
        for (int i = preorder.size() - 1; i >= 0; i--) {
            FxObject o = preorder.get(i);
            o.frameworkCleanup();
            o.runCleanupCallbacks();
        }
        for (int i = preorder.size() - 1; i >= 0; i--) {
            preorder.get(i).cleanupDone();
        }
    }

    private void disposeLeaf() {
        frameworkCleanup();
        runCleanupCallbacks();
        cleanupDone();
    }

    /** CLEANUP_DONE and the release of the creation reference, under one lock; destroys the object if unused. */
    private void cleanupDone() {
        boolean claimed;
        synchronized (this) {
            apply(FxObjectEvent.CLEANUP_DONE);
            int c;
            do {
                c = refsNow();
            } while (!REFS.compareAndSet(this, c, c - 1));
            claimed = c == 1 && claimIfUnused();
        }
        if (claimed) {
            destroyClaimed(this);
        }
    }

    @Override
    public void reference(Object tag) {
        checkHandle("WdfObjectReference", Irql.DISPATCH_LEVEL);
        int c;
        do {
            c = refsNow();
            if (c == 0) {
                throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_HANDLE,
                        "WdfObjectReference called on " + this + ", whose reference count already reached zero");
            }
        } while (!REFS.compareAndSet(this, c, c + 1));
        if (tracker != null) {
            tracker.referenced(tag);
        }
    }

    @Override
    public void dereference(Object tag) {
        checkHandle("WdfObjectDereference", Irql.DISPATCH_LEVEL);
        if (tracker != null && !tracker.dereferenced(tag) && tracker.recordsHistory()) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "WDF_OBJECT_ERROR", this,
                    "dereference with tag " + FxTracker.tagName(tag) + ", which holds no reference on it"
                            + tracker.describeHeld());
        }
        release(tag, false);
    }

    /**
     * A reference the framework takes for itself while it calls the driver about the object (as KMDF does around
     * EvtIoStop): no tag, no verifier accounting; false when the object is already gone (count zero).
     */
    final boolean tryFrameworkReference() {
        int c;
        do {
            c = refsNow();
            if (c == 0) {
                return false;
            }
        } while (!REFS.compareAndSet(this, c, c + 1));
        return true;
    }

    /** Gives back a reference {@link #tryFrameworkReference()} took; the object is destroyed if it was the last. */
    final void releaseFrameworkReference() {
        release(null, false);
    }

    /**
     * Gives up one reference. {@code creationReference} is true for the reference the object was
     * created with (given up by deletion); dropping the count to zero any other way while that
     * reference is still held is a bug check.
     */
    private void release(Object tag, boolean creationReference) {
        int c;
        do {
            c = refsNow();
            if (c == 1 && !creationReference && stateNow().compareTo(FxObjectState.DISPOSED) < 0) {
                throw globals.bugCheck(WdfBugCheckCode.WDF_OBJECT_ERROR, "dereference of " + this
                        + " would drop its reference count to zero while it is not deleted; "
                        + "delete the object instead of releasing its creation reference");
            }
            if (c == 0) {
                throw globals.bugCheck(WdfBugCheckCode.WDF_OBJECT_ERROR,
                        "dereference of " + this + ", whose reference count is already zero");
            }
        } while (!REFS.compareAndSet(this, c, c - 1));
        if (c == 1) {
            destroyIfUnused(this);
        }
    }

    /** Destroys {@code o} when it is unused (DISPOSED, no references, no children), and then its ancestors as they become unused. */
    static void destroyIfUnused(FxObject o) {
        boolean claimed;
        synchronized (o) {
            claimed = o.claimIfUnused();
        }
        if (claimed) {
            destroyClaimed(o);
        }
    }

    /**
     * With the object's lock held: makes the LAST_RELEASE transition when the object is unused
     * (DISPOSED, no references, no children). The thread that makes it destroys the object.
     */
    private boolean claimIfUnused() {
        if (state != FxObjectState.DISPOSED || refsNow() != 0 || firstChild != null) {
            return false;
        }
        apply(FxObjectEvent.LAST_RELEASE);
        return true;
    }

    /**
     * Destroys a claimed object, then climbs: a destroyed object unlinks from its parent, which
     * may then be unused and claimed in turn. A loop, not a recursion, so any depth is fine. An
     * object that must be destroyed at PASSIVE_LEVEL, reached above it, is handed to the passive
     * framework thread, which climbs on from there.
     */
    private static void destroyClaimed(FxObject claimed) {
        FxObject o = claimed;
        while (o != null) {
            if (o.passiveDispose && FxThreadState.currentIrql() != Irql.PASSIVE_LEVEL) {
                FxObject deferred = o;
                o.globals.deferToPassive(() -> destroyClaimed(deferred), "deferred destroy of " + o);
                return;
            }
            o = o.destroyNow();
        }
    }

    /**
     * Runs the destroy callbacks, releases the contexts, unlinks from the parent; answers the
     * parent when this made it unused (claimed for destruction), else null.
     */
    private FxObject destroyNow() {
        int callbacks = 0;
        for (FxContext c = contexts; c != null; c = c.next) {
            EvtDestroyCallback cb = c.destroy;
            if (cb != null) {
                callbacks++;
                globals.invokeObjectCallback(JournalEntry.Kind.DESTROY, this, () -> cb.destroy(this));
            }
        }
        if (tracker != null && tracker.recordsHistory()) {
            String held = tracker.heldTags();
            if (!held.isEmpty()) {
                globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "WDF_OBJECT_ERROR", this,
                        "destroyed with references still held under other tags: " + held, false);
            }
        }
        if (callbacks > 0 || Trace.objectEventsEnabled()) {
            Trace.objectDestroy(globals.name(), this, callbacks);
        }
        synchronized (this) {
            contexts = null;
            apply(FxObjectEvent.DESTROY_DONE);
        }
        if (hasPresentationLock) {
            globals.forgetPresentationLock(this); // the timers and work items that use it keep their own reference
        }
        globals.objectGone();
        return unlinkFromParentAndClaimIt();
    }

    /** Removes this object from its parent's child list; answers the parent if that made it unused and claimed. */
    private FxObject unlinkFromParentAndClaimIt() {
        FxObject p = parent;
        if (p == null) {
            return null;
        }
        synchronized (p) {
            unlinkLocked(p);
            return p.claimIfUnused() ? p : null;
        }
    }

    /** With the parent's lock held: takes this object out of the parent's child list. */
    private void unlinkLocked(FxObject p) {
        if (prevSibling == null) {
            p.firstChild = nextSibling;
        } else {
            prevSibling.nextSibling = nextSibling;
        }
        if (nextSibling == null) {
            p.lastChild = prevSibling;
        } else {
            nextSibling.prevSibling = prevSibling;
        }
        prevSibling = null;
        nextSibling = null;
    }

    /** Whether {@link #frameworkCleanup()} does something for this type; such objects never take the fast deletion path. */
    boolean hasFrameworkCleanup() {
        return false;
    }

    /**
     * The framework's own cleanup of this object, just before its cleanup callbacks (a timer stops, a work
     * item is cancelled, each waiting for a running callback). At PASSIVE_LEVEL for passive-dispose types.
     */
    void frameworkCleanup() {
    }

    /**
     * The lock under which the framework serializes the callbacks whose synchronization scope this object provides
     * (a device for scope DEVICE, a queue for scope QUEUE); made on first use. See {@link #scopeLock()}.
     */
    final FxPresentationLock presentationLock() {
        hasPresentationLock = true;
        return globals.presentationLock(this);
    }

    /**
     * The lock that serializes callbacks under this object's synchronization scope (O7): none for scope NONE; for
     * QUEUE the nearest queue at or above this object, for DEVICE (or QUEUE with no queue above) the nearest device;
     * an object with neither above it (a timer under the driver object) uses its own.
     */
    final FxPresentationLock scopeLock() {
        WdfSynchronizationScope scope = synchronizationScope;
        if (scope == WdfSynchronizationScope.NONE) {
            return null;
        }
        for (FxObject a = this; a != null; a = a.parent) {
            if ((scope == WdfSynchronizationScope.QUEUE && a instanceof FxIoQueue) || a instanceof FxDevice) {
                return a.presentationLock();
            }
        }
        return presentationLock();
    }

    /**
     * {@code WdfObjectAcquireLock} on a device or queue: takes the lock that serializes its callbacks (its scope's, or
     * its own without a scope), raising to DISPATCH_LEVEL for a DISPATCH-level object; the lock remembers the level to
     * restore. Public for {@code WdfDevice} and {@code WdfQueue}, which declare it; no other API type does.
     */
    public final void acquireLock() {
        boolean passive = passiveLevel;
        checkHandle("WdfObjectAcquireLock", passive ? Irql.PASSIVE_LEVEL : Irql.DISPATCH_LEVEL);
        FxPresentationLock lock = objectLock();
        if (lock.isHeldByCurrentThread()) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_RECURSIVE_LOCK, "WdfObjectAcquireLock: the lock of " + this
                    + " is already held by this thread (a callback it serializes, or a second acquire); it would deadlock in WDF");
        }
        lock.lock();
        Irql previous = FxThreadState.currentIrql();
        if (!passive && previous.value() < Irql.DISPATCH_LEVEL.value()) {
            FxThreadState.raise(Irql.DISPATCH_LEVEL);
        }
        lock.acquiredFrom = previous;
    }

    /** {@code WdfObjectReleaseLock}: restores the level the acquire raised from and releases the lock. */
    public final void releaseLock() {
        checkValid("WdfObjectReleaseLock");
        FxPresentationLock lock = objectLock();
        if (!lock.isHeldByCurrentThread()) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_LOCK_OPERATION, "WdfObjectReleaseLock: the lock of " + this
                    + " is not held by this thread");
        }
        FxThreadState.current().irql = lock.acquiredFrom;
        lock.unlock();
    }

    private FxPresentationLock objectLock() {
        FxPresentationLock scoped = scopeLock();
        return scoped != null ? scoped : presentationLock();
    }

    private void runCleanupCallbacks() {
        int callbacks = 0;
        for (FxContext c = contexts; c != null; c = c.next) {
            EvtCleanupCallback cb = c.cleanup;
            if (cb != null) {
                callbacks++;
                globals.invokeObjectCallback(JournalEntry.Kind.CLEANUP, this, () -> cb.cleanup(this));
            }
        }
        if (callbacks > 0 || Trace.objectEventsEnabled()) {
            Trace.objectCleanup(globals.name(), this, callbacks);
        }
    }

    /**
     * The framework gives up on a leaked object at unload: it is never destroyed (no destroy
     * callback runs), its contexts are released, and it leaves the tree, so that its ancestors
     * are destroyed as they become unused.
     */
    final void abandon() {
        synchronized (this) {
            apply(FxObjectEvent.ABANDON);
            contexts = null;
        }
        if (hasPresentationLock) {
            globals.forgetPresentationLock(this);
        }
        globals.objectGone();
        FxObject parentClaimed = unlinkFromParentAndClaimIt();
        if (parentClaimed != null) {
            destroyClaimed(parentClaimed);
        }
    }

    /**
     * With this object's lock held: applies {@code event} by the state table. A DELETE that does
     * not apply (already deleting) answers false; any other illegal event is a framework bug.
     */
    private boolean apply(FxObjectEvent event) {
        FxObjectState next = FxObjectStateMachine.next(state, event);
        if (next == null) {
            if (event == FxObjectEvent.DELETE) {
                return false;
            }
            throw new IllegalStateException("illegal object transition " + state + " --" + event + "--> for " + this);
        }
        STATE.setRelease(this, next);
        return true;
    }

    @Override
    public <T> T getContext(ContextType<T> type) {
        FxObjectState s = stateNow();
        if (s.isInvalidHandle()) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_INVALID_HANDLE,
                    "WdfObjectGetTypedContext called on " + this + ", which is " + describeInvalid(s));
        }
        if (type == null) {
            // Never match the untyped context that carries the creation callbacks only.
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL,
                    "WdfObjectGetTypedContext needs a context type");
        }
        for (FxContext c = contexts; c != null; c = c.next) {
            if (c.type == type) {
                return type.type().cast(c.value);
            }
        }
        return null;
    }

    @Override
    public <T> NtResult<T> allocateContext(ContextType<T> type, WdfObjectAttributes attributes) {
        checkHandle("WdfObjectAllocateContext", Irql.DISPATCH_LEVEL);
        if (type == null || attributes == null) {
            throw globals.bugCheck(WdfBugCheckCode.WDF_REQUIRED_PARAMETER_IS_NULL,
                    "WdfObjectAllocateContext needs a context type and attributes (use WdfObjectAttributes.NONE)");
        }
        if (attributes.parent() != null
                || attributes.executionLevel() != WdfExecutionLevel.INHERIT_FROM_PARENT
                || attributes.synchronizationScope() != WdfSynchronizationScope.INHERIT_FROM_PARENT
                || (attributes.contextType() != null && attributes.contextType() != type)) {
            globals.violation(WdfBugCheckCode.WDF_OBJECT_ERROR, "STATUS_INVALID_PARAMETER", this,
                    "WdfObjectAllocateContext takes a context type and its cleanup and destroy callbacks only; "
                            + "the attributes named a parent, a level, a scope or another context type", false);
            return NtResult.failure(NtStatus.STATUS_INVALID_PARAMETER);
        }
        NtResult<T> refused = refuseContext(type);
        if (refused != null) {
            return refused; // checked first, so the driver's initializer runs only for a context that is kept
        }
        T value = type.newInstance();
        synchronized (this) {
            refused = refuseContext(type); // again: the initializer ran without the lock
            if (refused != null) {
                return refused;
            }
            FxContext last = null;
            for (FxContext c = contexts; c != null; c = c.next) {
                last = c;
            }
            FxContext added = new FxContext(type, value, attributes.evtCleanupCallback(), attributes.evtDestroyCallback());
            if (last == null) {
                contexts = added;
            } else {
                last.next = added;
            }
        }
        return NtResult.success(value);
    }

    /** Why a context of {@code type} cannot be attached now (deleting, or already attached), or null. */
    private synchronized <T> NtResult<T> refuseContext(ContextType<T> type) {
        if (state != FxObjectState.CREATED) {
            return NtResult.failure(NtStatus.STATUS_DELETE_PENDING);
        }
        for (FxContext c = contexts; c != null; c = c.next) {
            if (c.type == type) {
                return new NtResult<>(NtStatus.STATUS_OBJECT_NAME_EXISTS, type.type().cast(c.value));
            }
        }
        return null;
    }

    @Override
    public String handleName() {
        return objectType() + "#" + id;
    }

    // ---------------------------------------------------------------------------------------------
    // Framework queries

    public final FxObjectState state() {
        return stateNow();
    }

    public final int referenceCount() {
        return refsNow();
    }

    private FxObjectState stateNow() {
        return (FxObjectState) STATE.getAcquire(this);
    }

    private int refsNow() {
        return (int) REFS.getVolatile(this);
    }

    public final FxObject parent() {
        return parent;
    }

    /** The effective execution level: PASSIVE or DISPATCH, never inherit. */
    public final WdfExecutionLevel executionLevel() {
        return passiveLevel ? WdfExecutionLevel.PASSIVE : WdfExecutionLevel.DISPATCH;
    }

    /** The effective synchronization scope, never inherit. */
    public final WdfSynchronizationScope synchronizationScope() {
        return synchronizationScope;
    }

    /** The children, in creation order (a snapshot). */
    public final List<FxObject> children() {
        List<FxObject> list = new ArrayList<>();
        synchronized (this) {
            for (FxObject c = firstChild; c != null; c = c.nextSibling) {
                list.add(c);
            }
        }
        return list;
    }

    /** The names of the attached context types, in attachment order. */
    final List<String> contextNames() {
        List<String> names = new ArrayList<>();
        synchronized (this) {
            for (FxContext c = contexts; c != null; c = c.next) {
                if (c.type != null) {
                    names.add(c.type.name());
                }
            }
        }
        return names;
    }

    /** The object's name with its context types, for journals and reports. */
    @Override
    public String toString() {
        FxContext head = contexts;
        return head == null || head.type == null ? handleName() : handleName() + " [" + head.type.name() + "]";
    }

    /** A context attached to an object, with its own callbacks; the first one comes from the creation attributes. */
    private static final class FxContext {
        final ContextType<?> type;
        final Object value;
        final EvtCleanupCallback cleanup;
        final EvtDestroyCallback destroy;
        FxContext next;

        FxContext(ContextType<?> type, Object value, EvtCleanupCallback cleanup, EvtDestroyCallback destroy) {
            this.type = type;
            this.value = value;
            this.cleanup = cleanup;
            this.destroy = destroy;
        }
    }
}
