package org.wdf4j.testdrivers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.management.ObjectName;
import org.wdf4j.DbgPrint;
import org.wdf4j.HostGuard;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/**
 * H9: tries, in DriverEntry, to reach the framework's, the host's or the API's internals by reflection, method handles,
 * class loaders or an agent. Which attempt is chosen by the driver's name, {@code peek-ATTACK}:
 * <ul>
 * <li>{@code apiloader}: load {@code org.wdf4j.framework.FxDriverGlobals} through its own class loader
 * (ClassNotFoundException: it shows the JDK and the API only);</li>
 * <li>{@code systemloader}: load {@code org.wdf4j.framework.FxFunctions} through the system class loader (that
 * works: a Class object is no access) and call its public {@code setProcessExitHandler} by reflection
 * (IllegalAccessException: the framework exports its packages to the host only);</li>
 * <li>{@code objectclass}: {@code setAccessible} the private field of its own driver object's class, a framework class
 * (InaccessibleObjectException: no package of the framework is open);</li>
 * <li>{@code privatelookup}: {@code MethodHandles.privateLookupIn} that class (IllegalAccessException);</li>
 * <li>{@code hostclass}: load {@code org.wdf4j.host.DriverHost} through its driver object's class's loader (that
 * works: the package is exported, for embedders) and {@code setAccessible} its private field
 * (InaccessibleObjectException: exported is not open);</li>
 * <li>{@code hostmain}: call {@code org.wdf4j.host.DriverHostMain.main} by reflection, which would switch the JVM to
 * a driver host's handling of exit calls and end it (IllegalAccessException: the class is not public);</li>
 * <li>{@code spi}: call {@code org.wdf4j.spi.WdfFunctions.get()}, the framework's function table, by reflection
 * (IllegalAccessException: the package is exported to the framework only);</li>
 * <li>{@code functiontable}: {@code setAccessible} the field that holds it (InaccessibleObjectException);</li>
 * <li>{@code deputyopen}, {@code deputylookup}: have {@code HostGuard.invoke}, code of the API's module, call
 * {@code Module.addOpens} on that module (to open {@code org.wdf4j.spi} to the driver) or {@code MethodHandles.lookup}
 * (for a full-power lookup in the API's module) (IllegalAccessException: HostGuard calls what a public caller may
 * call only);</li>
 * <li>{@code unsafe}: {@code sun.misc.Unsafe.objectFieldOffset} of the driver object's private field, to read it
 * without reflection's checks (UnsupportedOperationException: Unsafe memory access is denied);</li>
 * <li>{@code otherdriver}: find another driver's class loader (the context class loader of one of its framework
 * threads), read its entry class's name from its manifest, load that class and {@code setAccessible} its constructor
 * (InaccessibleObjectException: each driver is a named module of its own that opens nothing);</li>
 * <li>{@code otherlookup}: the same, then {@code MethodHandles.privateLookupIn} that class (IllegalAccessException);</li>
 * <li>{@code agent}: load a Java agent into the host's JVM through the platform MBean server
 * ({@code DiagnosticCommand}'s {@code jvmtiAgentLoad}); its {@code Instrumentation} could open any module. The JVM
 * answers with a message, not an exception: the driver throws IllegalStateException with it ("Dynamic agent loading
 * is not enabled").</li>
 * </ul>
 * Each refusal is thrown out of DriverEntry as it came (checked exceptions too). Should an attempt succeed, the driver
 * prints {@code ATTACK SUCCEEDED} and returns STATUS_SUCCESS.
 */
public final class ReflectionPeekDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath,
                WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("EvtDriverUnload MUST NOT RUN")));
        String name = driverObject.driverName();
        String attack = name.substring(name.lastIndexOf('-') + 1);
        DbgPrint.print("attack: %s", attack);
        String result;
        try {
            result = attack(attack, driverObject);
        } catch (InvocationTargetException e) {
            throw sneaky(e.getCause());
        } catch (Exception e) {
            throw sneaky(e);
        }
        DbgPrint.print("ATTACK SUCCEEDED: %s", result);
        return NtStatus.STATUS_SUCCESS;
    }

    private String attack(String attack, DriverObject driverObject) throws Exception {
        ClassLoader system = ClassLoader.getSystemClassLoader();
        Class<?> driverObjectClass = driverObject.getClass();
        return switch (attack) {
            case "apiloader" -> "loaded "
                    + Class.forName("org.wdf4j.framework.FxDriverGlobals", false, getClass().getClassLoader());
            case "systemloader" -> {
                Class<?> functions = Class.forName("org.wdf4j.framework.FxFunctions", false, system);
                DbgPrint.print("loaded %s, in %s", functions.getName(), functions.getModule());
                Class<?> handler = Class.forName("org.wdf4j.framework.FxFunctions$ProcessExitHandler", false, system);
                functions.getMethod("setProcessExitHandler", handler).invoke(null, (Object) null);
                yield "called FxFunctions.setProcessExitHandler";
            }
            case "objectclass" -> {
                DbgPrint.print("driver object class %s, in %s", driverObjectClass.getName(), driverObjectClass.getModule());
                Field globals = driverObjectClass.getDeclaredField("globals");
                globals.setAccessible(true);
                yield "read " + driverObjectClass.getName() + ".globals: " + globals.get(driverObject);
            }
            case "privatelookup" -> "private lookup "
                    + MethodHandles.privateLookupIn(driverObjectClass, MethodHandles.lookup());
            case "hostclass" -> {
                Class<?> host = Class.forName("org.wdf4j.host.DriverHost", false, driverObjectClass.getClassLoader());
                DbgPrint.print("loaded %s, in %s", host.getName(), host.getModule());
                Field drivers = host.getDeclaredField("drivers");
                drivers.setAccessible(true);
                yield "made DriverHost.drivers accessible";
            }
            case "hostmain" -> {
                Class<?> main = Class.forName("org.wdf4j.host.DriverHostMain", false, system);
                main.getDeclaredMethod("main", String[].class).invoke(null, (Object) new String[0]);
                yield "called DriverHostMain.main";
            }
            case "spi" -> {
                Class<?> table = Class.forName("org.wdf4j.spi.WdfFunctions", false, system);
                yield "the function table: " + table.getMethod("get").invoke(null);
            }
            case "functiontable" -> {
                Field field = Class.forName("org.wdf4j.spi.WdfFunctions$Binding", false, system)
                        .getDeclaredField("FUNCTIONS");
                field.setAccessible(true);
                yield "the function table: " + field.get(null);
            }
            case "deputyopen" -> {
                Method addOpens = Module.class.getMethod("addOpens", String.class, Module.class);
                HostGuard.invoke(addOpens, HostGuard.class.getModule(), "org.wdf4j.spi", getClass().getModule());
                yield "org.wdf4j.spi open to the driver: " + HostGuard.class.getModule().isOpen("org.wdf4j.spi",
                        getClass().getModule());
            }
            case "deputylookup" -> "a lookup in the API's module: "
                    + HostGuard.invoke(MethodHandles.class.getMethod("lookup"), null);
            case "unsafe" -> {
                Class<?> type = Class.forName("sun.misc.Unsafe");
                Field theUnsafe = type.getDeclaredField("theUnsafe");
                theUnsafe.setAccessible(true);
                Object unsafe = theUnsafe.get(null);
                DbgPrint.print("got theUnsafe");
                Object offset = type.getMethod("objectFieldOffset", Field.class)
                        .invoke(unsafe, driverObjectClass.getDeclaredField("globals"));
                yield "offset of the driver object's globals: " + offset;
            }
            case "otherdriver" -> {
                Class<?> other = anotherDriversEntryClass();
                other.getDeclaredConstructor().setAccessible(true);
                yield "made " + other.getName() + "'s constructor accessible";
            }
            case "otherlookup" -> "private lookup " + MethodHandles.privateLookupIn(anotherDriversEntryClass(),
                    MethodHandles.lookup());
            case "agent" -> loadAgent();
            default -> throw new IllegalArgumentException("no attack named " + attack);
        };
    }

    /**
     * The entry class of another driver in the same JVM, found through the context class loader of one of its threads
     * (a driver's framework threads have its loader as theirs) and the manifest of its JAR.
     */
    private Class<?> anotherDriversEntryClass() throws IOException, ClassNotFoundException {
        ClassLoader own = getClass().getClassLoader();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            ClassLoader loader = thread.getContextClassLoader();
            if (loader == null || loader == own || loader.getName() == null
                    || !loader.getName().startsWith("wdf4j-driver:")) {
                continue;
            }
            var manifests = loader.getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                try (InputStream in = manifests.nextElement().openStream()) {
                    String entry = new Manifest(in).getMainAttributes().getValue("Wdf4j-Driver-Entry");
                    if (entry != null) {
                        Class<?> type = Class.forName(entry.strip(), false, loader);
                        DbgPrint.print("found %s of %s, in %s", type.getName(), loader.getName(), type.getModule());
                        return type;
                    }
                }
            }
        }
        throw new IllegalStateException("no other driver's thread found");
    }

    /** Writes a JAR with {@link ReflectionPeekAgent} and asks the JVM, through the MBean server, to load it. */
    private String loadAgent() throws Exception {
        Path jar = Files.createTempFile("wdf4j-peek-agent", ".jar");
        try {
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.getMainAttributes().putValue("Agent-Class", ReflectionPeekAgent.class.getName());
            String entry = ReflectionPeekAgent.class.getName().replace('.', '/') + ".class";
            try (OutputStream file = Files.newOutputStream(jar);
                 JarOutputStream out = new JarOutputStream(file, manifest);
                 InputStream in = getClass().getClassLoader().getResourceAsStream(entry)) {
                if (in == null) {
                    throw new IOException(entry + " not found");
                }
                out.putNextEntry(new JarEntry(entry));
                in.transferTo(out);
                out.closeEntry();
            }
            Object answer = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "jvmtiAgentLoad",
                    new Object[] {new String[] {jar.toString()}}, new String[] {String[].class.getName()});
            String loaded = System.getProperty(ReflectionPeekAgent.LOADED);
            if (loaded == null) {
                throw new IllegalStateException("the agent was not loaded; the JVM answered: "
                        + String.valueOf(answer).strip());
            }
            return "agent loaded (" + loaded + "), the JVM answered: " + answer;
        } finally {
            Files.deleteIfExists(jar);
        }
    }

    /** Throws {@code t} as it is, checked or not, for DriverEntry to throw it. */
    private static RuntimeException sneaky(Throwable t) {
        ReflectionPeekDriver.<RuntimeException>throwAs(t);
        return new IllegalStateException("unreachable");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwAs(Throwable t) throws T {
        throw (T) t;
    }
}
