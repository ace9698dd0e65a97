package org.wdf4j.framework;

/** A framework thread: carries its thread state in a field, and the driver's loader as context loader. */
final class FxThread extends Thread {

    final FxThreadState state = new FxThreadState();

    FxThread(Runnable task, String name, ClassLoader contextLoader) {
        super(null, task, name, 0, false);
        setDaemon(true);
        setContextClassLoader(contextLoader);
    }
}
