package org.wdf4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.Set;
import org.wdf4j.spi.WdfFunctions;

/**
 * What an in-process driver's calls to end the process become (rule H9 of the hosting rules).
 * <strong>Drivers must not call these methods:</strong> the host calls them for the driver. When it
 * loads a driver's classes into the host's own JVM it rewrites every call to {@code System.exit},
 * {@code Runtime.exit} and {@code Runtime.halt} into a call to {@link #systemExit}, {@link #runtimeExit}
 * or {@link #runtimeHalt}, and routes the driver's reflective ways to reach them ({@code Method.invoke},
 * the finders and {@code unreflect} of {@link MethodHandles.Lookup}, and method-handle constants such as
 * the {@code System::exit} of a method reference) through the checks here.
 *
 * <p>A refused call is a bug check (WDF_VIOLATION, {@link WdfBugCheckCode#WDF4J_HOST_CALL_REFUSED}) that
 * names the call and its status: the driver is failed and stopped without its EvtDriverUnload, whether or
 * not it catches the {@link WdfBugCheck}, and the host goes on. Every other call goes through unchanged:
 * it returns, or throws, exactly what the original call would.
 *
 * <p>The rewriting is for drivers in the host's own JVM. A driver-host process, where {@code System.exit} is to
 * end only that process as it would any Java program, loads its drivers without it.
 */
public final class HostGuard {

    /** The methods of {@link MethodHandles.Lookup} that make a handle from a name or a reflected method. */
    private static final Set<String> LOOKUP_FINDERS = Set.of("findStatic", "findVirtual", "findSpecial", "bind",
            "unreflect", "unreflectSpecial");

    private static final MethodType INT_TO_VOID = MethodType.methodType(void.class, int.class);

    /**
     * Finds the driver's class that called: hidden frames included, so that the class of a lambda or method
     * reference (defined by the driver's loader) names the driver even when a JDK class called it.
     */
    private static final StackWalker WALKER = StackWalker.getInstance(
            Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));

    private HostGuard() {
    }

    // ---------------------------------------------------------------------------------------------
    // The three calls, refused

    /** A driver's {@code System.exit(status)}: refused. Drivers must not call this. */
    public static void systemExit(int status) {
        throw WdfFunctions.get().processExitRefused(caller(), "System.exit(" + status + ")");
    }

    /** A driver's {@code runtime.exit(status)}: refused. Drivers must not call this. */
    public static void runtimeExit(Runtime runtime, int status) {
        Objects.requireNonNull(runtime); // where the original call would throw NullPointerException
        throw WdfFunctions.get().processExitRefused(caller(), "Runtime.exit(" + status + ")");
    }

    /** A driver's {@code runtime.halt(status)}: refused. Drivers must not call this. */
    public static void runtimeHalt(Runtime runtime, int status) {
        Objects.requireNonNull(runtime);
        throw WdfFunctions.get().processExitRefused(caller(), "Runtime.halt(" + status + ")");
    }

    // ---------------------------------------------------------------------------------------------
    // Reflection

    /**
     * Checks a driver's {@code method.invoke(target, args)} before it is made (the driver's own call follows, so
     * that the JDK still sees the driver as the caller). Refused: invoking one of the three, or reaching
     * {@code Method.invoke} or a {@link MethodHandles.Lookup} finder through reflection (the host checks those
     * only where the driver calls them). Drivers must not call this.
     */
    public static void checkInvoke(Method method, Object target, Object[] args) {
        if (method == null) {
            return; // the driver's call throws NullPointerException
        }
        Class<?> caller = caller();
        String exit = exitName(method.getDeclaringClass(), method.getName(), MethodType.methodType(method.getReturnType(),
                method.getParameterTypes()));
        if (exit != null) {
            throw WdfFunctions.get().processExitRefused(caller, exit + "(" + status(args) + ") through Method.invoke");
        }
        String gateway = gatewayName(method.getDeclaringClass(), method.getName());
        if (gateway != null) {
            throw WdfFunctions.get().indirectReflectionRefused(caller, gateway + " called through Method.invoke");
        }
    }

    /**
     * A driver's method reference {@code Method::invoke}: checked as {@link #checkInvoke}, then invoked. Unlike a
     * direct call, the invocation is made from here, so it reaches only what a public caller reaches: public members
     * of public classes in packages exported to everyone, and members the driver made accessible; anything else,
     * and every caller-sensitive method ({@code MethodHandles.lookup}, {@code Module.addOpens}, {@code Class.forName},
     * ...), is {@link IllegalAccessException}. This class must not lend the driver its own module's access (H9): a
     * caller-sensitive method called from here would take this class for its caller, and a public member of this
     * module's packages that are not exported to drivers would be in reach. Drivers must not call this.
     */
    public static Object invoke(Method method, Object target, Object... args)
            throws IllegalAccessException, InvocationTargetException {
        checkInvoke(method, target, args);
        if (method != null) {
            MethodHandles.publicLookup().unreflect(method); // only its access check: what a public caller may call
        }
        return method.invoke(target, args);
    }

    // ---------------------------------------------------------------------------------------------
    // Method handles: the lookup carries the access, so delegating from here changes nothing else

    /** A driver's {@code lookup.findStatic(refc, name, type)}. Drivers must not call this. */
    public static MethodHandle findStatic(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type)
            throws NoSuchMethodException, IllegalAccessException {
        checkHandle(refc, name, type, "MethodHandles.Lookup.findStatic");
        return lookup.findStatic(refc, name, type);
    }

    /** A driver's {@code lookup.findVirtual(refc, name, type)}. Drivers must not call this. */
    public static MethodHandle findVirtual(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type)
            throws NoSuchMethodException, IllegalAccessException {
        checkHandle(refc, name, type, "MethodHandles.Lookup.findVirtual");
        return lookup.findVirtual(refc, name, type);
    }

    /** A driver's {@code lookup.findSpecial(refc, name, type, specialCaller)}. Drivers must not call this. */
    public static MethodHandle findSpecial(MethodHandles.Lookup lookup, Class<?> refc, String name, MethodType type,
                                           Class<?> specialCaller) throws NoSuchMethodException, IllegalAccessException {
        checkHandle(refc, name, type, "MethodHandles.Lookup.findSpecial");
        return lookup.findSpecial(refc, name, type, specialCaller);
    }

    /** A driver's {@code lookup.bind(receiver, name, type)}. Drivers must not call this. */
    public static MethodHandle bind(MethodHandles.Lookup lookup, Object receiver, String name, MethodType type)
            throws NoSuchMethodException, IllegalAccessException {
        if (receiver != null) {
            checkHandle(receiver.getClass(), name, type, "MethodHandles.Lookup.bind");
        }
        return lookup.bind(receiver, name, type);
    }

    /** A driver's {@code lookup.unreflect(method)}. Drivers must not call this. */
    public static MethodHandle unreflect(MethodHandles.Lookup lookup, Method method) throws IllegalAccessException {
        if (method != null) {
            checkHandle(method, "MethodHandles.Lookup.unreflect");
        }
        return lookup.unreflect(method);
    }

    /** A driver's {@code lookup.unreflectSpecial(method, specialCaller)}. Drivers must not call this. */
    public static MethodHandle unreflectSpecial(MethodHandles.Lookup lookup, Method method, Class<?> specialCaller)
            throws IllegalAccessException {
        if (method != null) {
            checkHandle(method, "MethodHandles.Lookup.unreflectSpecial");
        }
        return lookup.unreflectSpecial(method, specialCaller);
    }

    private static void checkHandle(Method method, String how) {
        checkHandle(method.getDeclaringClass(), method.getName(),
                MethodType.methodType(method.getReturnType(), method.getParameterTypes()), how);
    }

    private static void checkHandle(Class<?> refc, String name, MethodType type, String how) {
        String exit = exitName(refc, name, type);
        if (exit != null) {
            throw WdfFunctions.get().processExitRefused(caller(), "a method handle to " + exit + "(int) (" + how + ")");
        }
        String gateway = gatewayName(refc, name);
        if (gateway != null) {
            throw WdfFunctions.get().indirectReflectionRefused(caller(), "a method handle to " + gateway + " (" + how + ")");
        }
    }

    /**
     * The class that called into this class (a driver's class, or the hidden class of its lambda); the framework
     * falls back to the driver the thread works for when that class belongs to no driver.
     */
    private static Class<?> caller() {
        return WALKER.walk(frames -> frames
                .map(StackWalker.StackFrame::getDeclaringClass)
                .dropWhile(c -> c == HostGuard.class)
                .findFirst()
                .orElse(null));
    }

    /** {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt} when that is what the member is, else null. */
    private static String exitName(Class<?> owner, String name, MethodType type) {
        if (!INT_TO_VOID.equals(type)) {
            return null;
        }
        if (owner == System.class && "exit".equals(name)) {
            return "System.exit";
        }
        if (owner == Runtime.class && ("exit".equals(name) || "halt".equals(name))) {
            return "Runtime." + name;
        }
        return null;
    }

    /** {@code Method.invoke} or a {@link MethodHandles.Lookup} finder when that is what the member is, else null. */
    private static String gatewayName(Class<?> owner, String name) {
        if (owner == Method.class && "invoke".equals(name)) {
            return "Method.invoke";
        }
        if (owner == MethodHandles.Lookup.class && LOOKUP_FINDERS.contains(name)) {
            return "MethodHandles.Lookup." + name;
        }
        return null;
    }

    /** The status argument of a reflective exit call, as the driver passed it. */
    private static String status(Object[] args) {
        return args != null && args.length == 1 ? String.valueOf(args[0]) : "?";
    }
}
