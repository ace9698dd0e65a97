package org.wdf4j.framework;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The device stacks of one process, by device node (instance ID): where the host finds the stack a driver's device
 * joins when it builds a node's stack driver by driver, in its own process or in a driver host. A stack leaves the
 * registry when its last device is deleted (or when it is replaced by a new stack for the same node), so the registry
 * holds only stacks that have devices, or are being built.
 *
 * <p>Thread-safe: the map is guarded by this object's monitor, which is never held while a stack's is.
 */
public final class FxDeviceStacks {

    /** By upper-cased instance ID; guarded by this. */
    private final Map<String, FxDeviceStack> stacks = new HashMap<>();

    /** A new, empty stack for the node {@code instanceId}, replacing any stack the registry had for it. */
    public FxDeviceStack create(String instanceId) {
        FxDeviceStack stack = new FxDeviceStack(instanceId, this);
        synchronized (this) {
            stacks.put(key(instanceId), stack);
        }
        return stack;
    }

    /** The stack of the node {@code instanceId}, or null when it has none (never built, or all its devices deleted). */
    public synchronized FxDeviceStack find(String instanceId) {
        return stacks.get(key(Objects.requireNonNull(instanceId, "instanceId")));
    }

    /** Forgets {@code stack} when it has no device (a build whose first driver made none). */
    public void forgetIfEmpty(FxDeviceStack stack) {
        if (stack.devices().isEmpty()) {
            forget(stack);
        }
    }

    /** The stack's last device was deleted: it leaves the registry, unless a new stack replaced it already. */
    synchronized void forget(FxDeviceStack stack) {
        stacks.remove(key(stack.instanceId()), stack);
    }

    /** How many stacks are registered, for tests. */
    public synchronized int size() {
        return stacks.size();
    }

    private static String key(String instanceId) {
        return instanceId.toUpperCase(Locale.ROOT);
    }
}
