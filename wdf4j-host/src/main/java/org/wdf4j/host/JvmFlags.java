package org.wdf4j.host;

import java.util.List;
import java.util.stream.Stream;

/**
 * The options of the JVMs that run drivers: the host's, and the driver-host processes it starts. Both run the host's
 * code as modules ({@code org.wdf4j.host}, {@code org.wdf4j.framework}, {@code org.wdf4j.api}: see {@link HostCode}),
 * and drivers in unnamed modules of their own class loaders, which see only what those modules export to everyone
 * (rule H9).
 */
public final class JvmFlags {

    /**
     * What the JVM itself must refuse a driver (rule H9), in every JVM that runs drivers:
     * <ul>
     * <li>{@code --sun-misc-unsafe-memory-access=deny}: {@code sun.misc.Unsafe}'s memory access (JEP 471 and 498)
     * throws {@link UnsupportedOperationException} instead of reading or writing memory outside Java's checks;</li>
     * <li>{@code --illegal-native-access=deny}: a module that was not granted native access (JEP 472) gets
     * {@link IllegalCallerException} from a restricted method: the foreign function and memory API's
     * ({@code Linker.downcallHandle}, {@code MemorySegment.reinterpret}, {@code SymbolLookup.libraryLookup}, ...) and
     * JNI's ({@code System.load}, {@code System.loadLibrary}); without it the JVM would only warn and go on. In the
     * host's JVM that is every module but {@code org.wdf4j.host} ({@link #HOST_NATIVE_ACCESS}), in-process drivers
     * included; in a driver host, which grants native access to its drivers ({@link #DRIVER_HOST_NATIVE_ACCESS}), the
     * host's own modules;</li>
     * <li>{@code -XX:-EnableDynamicAgentLoading}: no agent can be loaded into the running JVM (JEP 451). Without it a
     * driver could load a Java or JVMTI agent through the platform MBean server (the {@code DiagnosticCommand}
     * MBean's {@code jvmtiAgentLoad}, no native code or JDK internals needed) and, with the agent's
     * {@code Instrumentation.redefineModule}, open every module to itself: the module boundary would be a wish. The
     * host needs no agent: its thread dumps of driver hosts ({@code jcmd Thread.print}) and heap dumps are not agents.</li>
     * </ul>
     * The {@code wdf4j} launcher (the last line of the {@code wdf4j} script) and the host module's test JVMs pass the
     * same flags; a test compares the launcher with {@link #host()}, so change both together.
     */
    public static final List<String> HARDENING = List.of("--sun-misc-unsafe-memory-access=deny",
            "--illegal-native-access=deny", "-XX:-EnableDynamicAgentLoading");

    /**
     * Native access for the host's own module, which the FUSE transport ({@code org.wdf4j.host.fuse}) needs, and for
     * no other: with {@link #HARDENING}'s {@code --illegal-native-access=deny} an in-process driver's restricted call
     * throws (H9). The host's JVM only: a driver host has no device files.
     */
    public static final List<String> HOST_NATIVE_ACCESS = List.of("--enable-native-access=" + HostCode.MODULE);

    /**
     * Native access in a driver host, for the host's own code (its module, or the unnamed module when it runs from
     * the class path), which sleeps and wakes on the channel's shared memory with futexes
     * ({@code org.wdf4j.host.isolation.SharedRing}) and enables native access for each driver's module as it defines
     * it ({@link DriverModule}): a driver that needs native code (JNI, the foreign function API) runs there, as a UMDF
     * driver may call anything in its WUDFHost, since whatever it does, a crash included, ends only that process (H4).
     */
    public static final List<String> DRIVER_HOST_NATIVE_ACCESS = List.of(
            "--enable-native-access=ALL-UNNAMED," + HostCode.MODULE);

    /**
     * The JDK modules a driver can use: all those a class-path program gets (the default root modules of the unnamed
     * module, {@code java.se} and the JDK's other exporting modules). Run from the module path, a JVM would otherwise
     * resolve only the modules the host's modules require, and a driver that uses, say, {@code java.sql} or
     * {@code java.desktop} would fail with {@link NoClassDefFoundError}.
     */
    public static final List<String> DRIVER_MODULES = List.of("--add-modules=ALL-DEFAULT");

    /**
     * What makes an unload provable by collection in a JVM that runs several drivers one after another (the host's, a
     * pool's driver host): soft references cleared at every collection unless used since the one before. The JDK
     * keeps some conversions of shared method handles in soft caches ({@code MethodHandle.asType}); a driver whose
     * record's {@code equals}, {@code hashCode} or {@code toString} ran leaves its record class there
     * ({@code java.lang.runtime.ObjectMethods}), and with the JVM's default policy its class loader stayed until memory
     * ran short: the toaster bus sample's unload report said "Class loader collected: NO" in-process. Caches that are
     * in use survive; an unused one is made again when next needed.
     */
    public static final List<String> UNLOAD_PROOF = List.of("-XX:SoftRefLRUPolicyMSPerMB=0");

    private JvmFlags() {
    }

    /**
     * The options of the host's JVM, as the {@code wdf4j} launcher passes them: hardening, native access, modules, the
     * unload proof.
     */
    public static List<String> host() {
        return Stream.of(HARDENING, HOST_NATIVE_ACCESS, DRIVER_MODULES, UNLOAD_PROOF).flatMap(List::stream).toList();
    }

    /**
     * The command line that runs the {@code wdf4j} command with {@code arguments} in a JVM of its own, as the
     * {@code wdf4j} launcher runs it: this JVM's {@code java}, {@link #host()}, and the host's code where this JVM found
     * it ({@link HostCode}) as the module path. {@code mvn wdf4j:run} runs drivers with it.
     */
    public static List<String> hostCommand(List<String> arguments) {
        return hostCommand(HostCode.locations(), arguments);
    }

    /** The same, with the host's code in {@code code}: the JARs of the host, the framework, the API and their libraries. */
    public static List<String> hostCommand(List<java.nio.file.Path> code, List<String> arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(host());
        command.add("--module-path");
        command.add(String.join(java.io.File.pathSeparator, code.stream().map(java.nio.file.Path::toString).toList()));
        command.add("-m");
        command.add(HostCode.MODULE + "/" + org.wdf4j.host.cli.Wdf4jCommand.class.getName());
        command.addAll(arguments);
        return List.copyOf(command);
    }

    /**
     * The options of a driver host's JVM besides its size and collector: hardening, its drivers' native access, modules,
     * the unload proof (a pool's driver host unloads drivers one by one).
     */
    public static List<String> driverHost() {
        return Stream.of(HARDENING, DRIVER_HOST_NATIVE_ACCESS, DRIVER_MODULES, UNLOAD_PROOF).flatMap(List::stream)
                .toList();
    }
}
