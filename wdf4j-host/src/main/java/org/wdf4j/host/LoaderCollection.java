package org.wdf4j.host;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;

/** Proves that an unloaded driver's class loader is gone: bounded GC attempts, and what still runs its code. */
final class LoaderCollection {

    static final int MAX_GC_ATTEMPTS = 10;
    private static final long WAIT_PER_ATTEMPT_MS = 200;

    private LoaderCollection() {
    }

    /** A weak reference to watch, registered with its own queue. */
    static Watch watch(ClassLoader loader) {
        ReferenceQueue<ClassLoader> queue = new ReferenceQueue<>();
        return new Watch(new WeakReference<>(loader, queue), queue);
    }

    record Watch(WeakReference<ClassLoader> ref, ReferenceQueue<ClassLoader> queue) {

        /** Runs up to {@link #MAX_GC_ATTEMPTS} collections; answers how many it took, or -1 when the loader survived. */
        int awaitCollected() throws InterruptedException {
            for (int attempt = 1; attempt <= MAX_GC_ATTEMPTS; attempt++) {
                if (ref.refersTo(null)) {
                    return attempt - 1;
                }
                System.gc();
                if (queue.remove(WAIT_PER_ATTEMPT_MS) != null || ref.refersTo(null)) {
                    return attempt;
                }
            }
            return -1;
        }
    }
}
