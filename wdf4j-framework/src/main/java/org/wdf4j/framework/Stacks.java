package org.wdf4j.framework;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.stream.Collectors;

/** Stack traces as text: what reports keep, so that they never hold a driver's classes. */
final class Stacks {

    private static final StackWalker WALKER = StackWalker.getInstance();

    private Stacks() {
    }

    /** The caller's stack, without the framework's own frames on top. */
    static String here() {
        return WALKER.walk(frames -> frames
                .dropWhile(f -> f.getClassName().startsWith("org.wdf4j.framework.")
                        || f.getClassName().startsWith("org.wdf4j.spi.")
                        || isApiEntry(f.getClassName()))
                .limit(24)
                .map(f -> "\tat " + f)
                .collect(Collectors.joining("\n")));
    }

    private static boolean isApiEntry(String className) {
        return className.equals("org.wdf4j.object.WdfObject") || className.equals("org.wdf4j.driver.WdfDriver")
                || className.equals("org.wdf4j.object.ContextType") || className.equals("org.wdf4j.Irql");
    }

    /** What a thread is doing now, e.g. where a hung callback is stuck. */
    static String threadStack(Thread thread) {
        StringBuilder out = new StringBuilder("thread \"").append(thread.getName()).append("\" ").append(thread.getState());
        for (StackTraceElement e : thread.getStackTrace()) {
            out.append("\n\tat ").append(e);
        }
        return out.toString();
    }

    /** A throwable with its stack and causes. */
    static String of(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString().stripTrailing();
    }
}
