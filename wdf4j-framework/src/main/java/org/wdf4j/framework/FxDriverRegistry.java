package org.wdf4j.framework;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which driver owns which class loader, so that a call from a driver's own thread (outside any
 * framework callback) is attributed to the right driver. Entries are removed at unload, so the
 * registry never keeps a driver's loader alive.
 */
final class FxDriverRegistry {

    private static final Map<ClassLoader, FxDriverGlobals> BY_LOADER = new ConcurrentHashMap<>();
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private FxDriverRegistry() {
    }

    static void register(ClassLoader loader, FxDriverGlobals globals) {
        FxDriverGlobals previous = BY_LOADER.putIfAbsent(loader, globals);
        if (previous != null && previous != globals) {
            throw new IllegalArgumentException("class loader " + loader + " already belongs to " + previous);
        }
    }

    static void unregister(ClassLoader loader, FxDriverGlobals globals) {
        BY_LOADER.remove(loader, globals);
    }

    /** The driver whose class is {@code caller}, or null. */
    static FxDriverGlobals ofClass(Class<?> caller) {
        if (caller == null || BY_LOADER.isEmpty()) {
            return null;
        }
        ClassLoader loader = caller.getClassLoader();
        return loader == null ? null : BY_LOADER.get(loader);
    }

    /**
     * The driver the calling thread is working for: the driver whose callback the framework is
     * running on this thread, or else the first driver class on the stack.
     */
    static FxDriverGlobals caller() {
        FxDriverGlobals current = FxThreadState.currentDriver();
        if (current != null || BY_LOADER.isEmpty()) {
            return current;
        }
        return WALKER.walk(frames -> frames
                .map(f -> ofClass(f.getDeclaringClass()))
                .filter(g -> g != null)
                .findFirst()
                .orElse(null));
    }
}
