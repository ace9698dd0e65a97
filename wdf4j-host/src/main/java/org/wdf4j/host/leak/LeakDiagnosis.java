package org.wdf4j.host.leak;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.LoggerFactory;
import org.wdf4j.host.JvmFlags;
import org.wdf4j.host.UnloadReport;

/**
 * Why an unloaded driver's class loader was not collected, in words a user can act on (U2, U6 step 6).
 *
 * <ol>
 *   <li>threads of the driver still alive: name, state, where they are and where they were started
 *       ({@link ThreadStarts});</li>
 *   <li>JDK registries the public APIs can query: security providers, the default uncaught-exception handler,
 *       java.util.logging handlers, platform MBeans;</li>
 *   <li>the shortest path from a GC root to the loader, from a heap dump analysed in this process
 *       ({@link HeapPath}); the path also names what the APIs cannot see: shutdown hooks, JDBC drivers,
 *       ThreadLocals on other threads, JDK statics.</li>
 * </ol>
 *
 * <p>Nothing here keeps the driver's loader, classes or objects: each step that touches them is a method of
 * its own that answers text, so no frame holds them while the heap is dumped. The heap dump can be turned off
 * with {@code -Dwdf4j.leak.heapDump=false}.
 */
public final class LeakDiagnosis {

    /** The system property that turns the heap dump off ({@code false}). */
    public static final String HEAP_DUMP_PROPERTY = "wdf4j.leak.heapDump";

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(LeakDiagnosis.class);
    private static final Object DUMP_LOCK = new Object();

    /**
     * What holds the loader.
     *
     * @param leaks one leak per cause found, then one {@code class loader} leak that sums up with the GC root path
     * @param gcRootPath the shortest path from a GC root to the loader, or null when none was found
     */
    public record Result(List<UnloadReport.Leak> leaks, String gcRootPath) {
    }

    private record Identity(String name, String nameAndId) {
    }

    private record ThreadText(long id, String name, String state, String stack) {
    }

    private LeakDiagnosis() {
    }

    /** Diagnoses a loader that survived its collection check; the reference is only read, never kept. */
    public static Result diagnose(WeakReference<? extends ClassLoader> loader) {
        Identity identity = identify(loader);
        if (identity == null) {
            return new Result(List.of(), null);
        }
        List<UnloadReport.Leak> leaks = new ArrayList<>();
        List<String> threadNames = new ArrayList<>();
        ThreadStarts starts = ThreadStarts.get();
        List<ThreadText> threads = threadsOf(loader);
        if (starts != null && threads.stream().anyMatch(t -> starts.recorded(t.id()) == null)) {
            starts.awaitCatchUp(); // once: every thread in question started before this
        }
        for (ThreadText t : threads) {
            String startedAt = starts == null ? null : starts.recorded(t.id());
            leaks.add(new UnloadReport.Leak("thread", "thread \"" + t.name() + "\" (" + t.state()
                    + ") runs with the driver's class loader and keeps it alive; it is now at:\n" + t.stack(),
                    startedAt != null ? startedAt : "(where it was started is not recorded: it started before the "
                            + "host, or JFR thread events are not available)"));
            threadNames.add(t.name());
        }
        leaks.addAll(registries(loader));

        HeapPath.Result path = null;
        String pathProblem = null;
        if (!"false".equals(System.getProperty(HEAP_DUMP_PROPERTY))) {
            try {
                path = heapPath(identity);
                if (path == null) {
                    pathProblem = "no strong path from a GC root to it was found in a heap dump (it may be held by "
                            + "native code, or have become unreachable during the check)";
                }
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                pathProblem = "the heap dump could not be analysed: " + e.getMessage();
                LOG.warn("[{}] heap dump analysis failed", identity.name(), e);
            }
        } else {
            pathProblem = "the heap dump is turned off (-D" + HEAP_DUMP_PROPERTY + "=false)";
        }
        String why = "something outside the driver still references one of its classes or objects";
        boolean explained = false;
        if (path != null && path.soft()) {
            // A JDK cache, not the driver: MethodHandle.asType's soft cache on a method handle the JDK shares keeps the
            // last type converted to, a record class's for each record whose equals, hashCode or toString ran
            // (java.lang.runtime.ObjectMethods). Found by the toaster bus sample's record.
            leaks.add(new UnloadReport.Leak("class loader", "the driver's class loader is reachable only through a soft"
                    + " reference, a cache of the JDK's; it goes when the JVM clears soft references: when memory runs"
                    + " short, or at the next collection in a JVM run with " + JvmFlags.UNLOAD_PROOF.getFirst()
                    + " (as the wdf4j launcher, driver hosts and the host's tests run; add it to the JVM that embeds"
                    + " the host or runs the test kit)\nshortest path from a GC root: " + path.text(), ""));
            return new Result(leaks, path.text());
        }
        if (path != null) {
            UnloadReport.Leak cause = classify(path, threadNames);
            if (cause != null && leaks.stream().noneMatch(l -> l.kind().equals(cause.kind()))) {
                leaks.add(cause);
            }
            if (cause != null) {
                why = "the " + cause.kind() + " above holds it";
                explained = true;
            } else if (path.rootThread() != null && threadNames.contains(path.rootThread())) {
                why = "the thread \"" + path.rootThread() + "\" above holds it";
                explained = true;
            } else {
                why = "an object outside the driver (" + path.steps().getFirst().node() + ") references it";
            }
        } else if (!leaks.isEmpty()) {
            why = "see the " + leaks.getLast().kind() + " above";
        }
        // The path is in the report's gcRootPath ("Held by:"); it is repeated here only when nothing else explains it.
        leaks.add(new UnloadReport.Leak("class loader", "the driver's class loader is still reachable: " + why
                + (path == null ? "; " + pathProblem : explained ? "" : "\nshortest path from a GC root: " + path.text()),
                ""));
        return new Result(leaks, path == null ? null : path.text());
    }

    /** The loader's name and {@code ClassLoader.nameAndId} ({@code 'wdf4j-driver:x' @1b6d3586}), or null if gone. */
    private static Identity identify(WeakReference<? extends ClassLoader> ref) {
        ClassLoader loader = ref.get();
        if (loader == null) {
            return null;
        }
        String name = loader.getName() != null ? loader.getName() : loader.getClass().getName();
        String nameAndId = (loader.getName() != null ? "'" + loader.getName() + "'" : loader.getClass().getName())
                + " @" + Integer.toHexString(System.identityHashCode(loader));
        return new Identity(name, nameAndId);
    }

    private static boolean of(Object o, ClassLoader loader) {
        return o != null && o.getClass().getClassLoader() == loader;
    }

    /** Live threads of the driver (their class or their context class loader is the driver's), as text. */
    private static List<ThreadText> threadsOf(WeakReference<? extends ClassLoader> ref) {
        ClassLoader loader = ref.get();
        List<ThreadText> out = new ArrayList<>();
        if (loader == null) {
            return out;
        }
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (t.isAlive() && (t.getContextClassLoader() == loader || t.getClass().getClassLoader() == loader)) {
                StringBuilder text = new StringBuilder();
                for (StackTraceElement e : t.getStackTrace()) {
                    text.append("\tat ").append(e).append('\n');
                }
                out.add(new ThreadText(t.threadId(), t.getName(), t.getState().toString(),
                        text.toString().stripTrailing()));
            }
        });
        return out;
    }

    /** What the JDK's public registries hold of the driver. */
    private static List<UnloadReport.Leak> registries(WeakReference<? extends ClassLoader> ref) {
        ClassLoader loader = ref.get();
        List<UnloadReport.Leak> out = new ArrayList<>();
        if (loader == null) {
            return out;
        }
        for (Provider p : Security.getProviders()) {
            if (of(p, loader)) {
                out.add(new UnloadReport.Leak("security provider", "security provider \"" + p.getName() + "\" ("
                        + p.getClass().getName() + ") added by the driver (Security.addProvider) is still installed; "
                        + "remove it in EvtDriverUnload: Security.removeProvider(\"" + p.getName() + "\")", ""));
            }
        }
        Thread.UncaughtExceptionHandler handler = Thread.getDefaultUncaughtExceptionHandler();
        if (of(handler, loader)) {
            out.add(new UnloadReport.Leak("uncaught-exception handler", "the default uncaught-exception handler "
                    + "is the driver's (" + handler.getClass().getName() + ", set with "
                    + "Thread.setDefaultUncaughtExceptionHandler); restore the previous one in EvtDriverUnload", ""));
        }
        LogManager logs = LogManager.getLogManager();
        for (String name : Collections.list(logs.getLoggerNames())) {
            Logger logger = logs.getLogger(name);
            for (Handler h : logger == null ? new Handler[0] : logger.getHandlers()) {
                if (of(h, loader)) {
                    out.add(new UnloadReport.Leak("logging handler", "java.util.logging handler "
                            + h.getClass().getName() + " added by the driver to the " + (name.isEmpty() ? "root logger"
                            : "logger \"" + name + "\"") + " (Logger.addHandler) is still installed; remove it in "
                            + "EvtDriverUnload (Logger.removeHandler)", ""));
                }
            }
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName name : server.queryNames(null, null)) {
            try {
                if (server.getClassLoaderFor(name) == loader) {
                    out.add(new UnloadReport.Leak("mbean", "MBean " + name + " registered by the driver "
                            + "(MBeanServer.registerMBean) is still registered in the platform MBean server; "
                            + "unregister it in EvtDriverUnload", ""));
                }
            } catch (JMException | RuntimeException e) {
                // unregistered meanwhile, or not ours to ask
            }
        }
        return out;
    }

    /** Dumps the heap (live objects) to a temporary file, finds the path, deletes the file. */
    private static HeapPath.Result heapPath(Identity identity) throws IOException {
        synchronized (DUMP_LOCK) {
            Path dir = Files.createTempDirectory("wdf4j-leak-");
            Path file = dir.resolve("heap.hprof");
            try {
                long start = System.nanoTime();
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpHeap(file.toString(), true);
                long dumped = System.nanoTime();
                long size = Files.size(file);
                Runtime rt = Runtime.getRuntime();
                long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
                if (size > free) {
                    throw new IOException("the heap dump (" + size / (1 << 20) + " MB) is larger than the memory left "
                            + "to analyse it (" + free / (1 << 20) + " MB)");
                }
                HeapPath.Result result = HeapPath.find(file, identity.nameAndId());
                LOG.info("[{}] heap dump of {} MB written in {} ms, analysed in {} ms ({} objects in the graph)",
                        identity.name(), size / (1 << 20), (dumped - start) / 1_000_000,
                        (System.nanoTime() - dumped) / 1_000_000, result == null ? "?" : result.objects());
                return result;
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        }
    }

    /** The cause the path shows, in words, or null when it is a thread of the driver or nothing specific. */
    static UnloadReport.Leak classify(HeapPath.Result path, List<String> driverThreads) {
        List<HeapPath.Step> steps = path.steps();
        String culprit = culprit(steps);
        String held = "\nheld by: " + path.text();
        for (int i = 0; i < steps.size(); i++) {
            HeapPath.Step s = steps.get(i);
            String edge = s.edge() == null ? "" : s.edge();
            if (s.className().equals("java.lang.ApplicationShutdownHooks")) {
                String thread = threadAfter(steps, i);
                return new UnloadReport.Leak("shutdown hook", "a shutdown hook registered by the driver "
                        + "(Runtime.addShutdownHook) holds it: thread \"" + thread + "\"; remove it in EvtDriverUnload "
                        + "(Runtime.removeShutdownHook)" + held, "");
            }
            if (edge.equals("java.lang.Thread.defaultUncaughtExceptionHandler")
                    || edge.equals("java.lang.Thread.uncaughtExceptionHandler")) {
                return new UnloadReport.Leak("uncaught-exception handler", "an uncaught-exception handler of the "
                        + "driver (" + culprit + ") is still installed" + (edge.endsWith("default" + "UncaughtExceptionHandler")
                        ? " as the default handler (Thread.setDefaultUncaughtExceptionHandler)"
                        : " on thread \"" + steps.get(i - 1).threadName() + "\"") + "; restore the previous one in "
                        + "EvtDriverUnload" + held, "");
            }
            if (s.className().equals("java.sql.DriverManager")) {
                return new UnloadReport.Leak("jdbc driver", "JDBC driver " + culprit + " registered by the driver "
                        + "(DriverManager.registerDriver) is still registered; deregister it in EvtDriverUnload "
                        + "(DriverManager.deregisterDriver)" + held, "");
            }
            if (s.className().startsWith("com.sun.jmx.") || s.className().startsWith("javax.management.")) {
                return new UnloadReport.Leak("mbean", "an MBean of the driver (" + culprit + ") is still registered "
                        + "in the platform MBean server; unregister it in EvtDriverUnload" + held, "");
            }
            if (s.className().startsWith("java.util.logging.") && edge.contains("handlers")) {
                return new UnloadReport.Leak("logging handler", "a java.util.logging handler of the driver ("
                        + culprit + ") is still installed (Logger.addHandler); remove it in EvtDriverUnload" + held, "");
            }
            if (s.className().startsWith("sun.security.jca.") || s.className().equals("java.security.Security")) {
                return new UnloadReport.Leak("security provider", "a security provider of the driver (" + culprit
                        + ") is still installed (Security.addProvider); remove it in EvtDriverUnload" + held, "");
            }
            if (edge.equals("java.lang.Thread.threadLocals") || edge.equals("java.lang.Thread.inheritableThreadLocals")) {
                String thread = i > 0 ? steps.get(i - 1).threadName() : path.rootThread();
                return new UnloadReport.Leak("thread-local", "a ThreadLocal on thread \"" + thread + "\" holds an "
                        + "instance of " + culprit + "; the driver set it there and did not remove it "
                        + "(ThreadLocal.remove)" + held, startedAt(thread));
            }
        }
        String rootThread = path.rootThread();
        if (rootThread != null && !driverThreads.contains(rootThread)) {
            return new UnloadReport.Leak("thread", "thread \"" + rootThread + "\" holds the driver's classes or "
                    + "objects" + held, startedAt(rootThread));
        }
        return null;
    }

    /** The first object of the driver on the path (its class name), else its first class, else its loader. */
    private static String culprit(List<HeapPath.Step> steps) {
        for (HeapPath.Step s : steps) {
            if (s.ofDriver() && !s.isClass()) {
                return s.className();
            }
        }
        for (HeapPath.Step s : steps) {
            if (s.ofDriver()) {
                return s.className();
            }
        }
        return steps.getLast().node();
    }

    /** Where the live thread of that name was started (the thread's, not the driver's: a host thread is text). */
    private static String startedAt(String threadName) {
        ThreadStarts starts = ThreadStarts.get();
        if (starts == null || threadName == null) {
            return "";
        }
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (threadName.equals(t.getName())) {
                String text = starts.startedAt(t.threadId());
                return text == null ? "" : text;
            }
        }
        return "";
    }

    private static String threadAfter(List<HeapPath.Step> steps, int from) {
        for (int i = from; i < steps.size(); i++) {
            if (steps.get(i).threadName() != null) {
                return steps.get(i).threadName();
            }
        }
        return "?";
    }
}
