package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.host.fuse.FuseTests;

/**
 * H9, the module boundary: an in-process driver cannot call native code, nor reach the framework's, the host's or the
 * API's internals by reflection, method handles, class loaders or an agent. Proven on the real {@code wdf4j run}, run
 * as the {@code wdf4j} launcher runs it ({@link LauncherRun}: its JVM flags, the host's code as modules on the module
 * path), since this test JVM runs everything on the class path, where every package is open and native access is
 * granted. Each attack is a package of its own ({@code NativeCallDriver}, {@code ReflectionPeekDriver}, the attack
 * chosen by the driver's name), run beside the hello sample: each DriverEntry throws the JVM's refusal, the command
 * exits with its documented status for a failed driver, 3 (it did not crash), and hello unloads clean.
 */
class ModuleBoundaryTest {

    /** The native attacks of NativeCallDriver; each is IllegalCallerException (JvmFlags.HARDENING, JEP 472). */
    private static final List<String> NATIVE_ATTACKS = List.of("downcall", "reinterpret", "lookup", "load", "loadlibrary");

    /** The attacks of ReflectionPeekDriver, and the exception each must end DriverEntry with. */
    private static final Map<String, String> PEEKS = Map.ofEntries(
            Map.entry("apiloader", "java.lang.ClassNotFoundException: org.wdf4j.framework.FxDriverGlobals"),
            Map.entry("systemloader", "java.lang.IllegalAccessException"),
            Map.entry("objectclass", "java.lang.reflect.InaccessibleObjectException"),
            Map.entry("privatelookup", "java.lang.IllegalAccessException"),
            Map.entry("hostclass", "java.lang.reflect.InaccessibleObjectException"),
            Map.entry("hostmain", "java.lang.IllegalAccessException"),
            Map.entry("spi", "java.lang.IllegalAccessException"),
            Map.entry("functiontable", "java.lang.reflect.InaccessibleObjectException"),
            Map.entry("deputyopen", "java.lang.IllegalAccessException"),
            Map.entry("deputylookup", "java.lang.IllegalAccessException"),
            Map.entry("otherdriver", "java.lang.reflect.InaccessibleObjectException"),
            Map.entry("otherlookup", "java.lang.IllegalAccessException"),
            Map.entry("unsafe", "java.lang.UnsupportedOperationException"),
            Map.entry("agent", "java.lang.IllegalStateException: the agent was not loaded; the JVM answered: "
                    + "Dynamic agent loading is not enabled"));

    // H9: native code is refused to an in-process driver: the foreign function and memory API's restricted methods
    // and JNI's library loading each throw IllegalCallerException, since only org.wdf4j.host has native access and
    // --illegal-native-access=deny; the host goes on, reports each, exits with 3, and hello is clean.
    @Test
    @Timeout(120)
    void h9_nativeCodeIsRefusedToAnInProcessDriver(@TempDir Path tmp) throws Exception {
        List<String> names = NATIVE_ATTACKS.stream().map(a -> "native-" + a).toList();
        LauncherRun.Ran ran = runInProcess(tmp, "org.wdf4j.testdrivers.NativeCallDriver", names);
        Map<String, String> reports = ran.reports();
        for (String name : names) {
            assertThat(reports).as(ran.output()).containsKey(name);
            assertRefused(reports.get(name), "java.lang.IllegalCallerException");
            // The driver's classes are in a named module of their own (DriverModule), which has no native access.
            assertThat(reports.get(name)).contains("NativeCallDriver.call",
                    "Illegal native access from module " + DriverModule.moduleName(name));
        }
        assertHelloCleanAndExitThree(ran, reports);
    }

    // H9: the framework's, the host's and the API's internals are closed to an in-process driver: a framework class is
    // ClassNotFoundException through its own class loader; through the system class loader, or its driver object's
    // class, it gets the Class, but calling its public methods is IllegalAccessException (the framework exports to
    // the host only), setAccessible is InaccessibleObjectException (nothing is open), privateLookupIn is
    // IllegalAccessException; the host's DriverHostMain.main and the API's function table are out of reach too, as is
    // HostGuard as a deputy; Unsafe cannot read a field, and no agent can be loaded to open the modules.
    @Test
    @Timeout(120)
    void h9_reflectionIntoTheFrameworkTheHostAndTheApiIsRefused(@TempDir Path tmp) throws Exception {
        List<String> names = PEEKS.keySet().stream().sorted().map(a -> "peek-" + a).toList();
        LauncherRun.Ran ran = runInProcess(tmp, "org.wdf4j.testdrivers.ReflectionPeekDriver", names,
                LauncherRun.repackage(tmp.resolve("frameworkpeek.jar"), "org.wdf4j.testdrivers.FrameworkPeekDriver",
                        "frameworkpeek", null));
        Map<String, String> reports = ran.reports();
        // Its class loader shows a driver the JDK and the API only, on the module path as on the class path.
        assertThat(reports.get("frameworkpeek")).as(ran.output()).contains(
                "DbgPrint: org.wdf4j.framework.FxObject: ClassNotFoundException",
                "DbgPrint: org.wdf4j.host.DriverHost: ClassNotFoundException",
                "DbgPrint: org.wdf4j.spi.WdfFunctions: ClassNotFoundException",
                "DbgPrint: org.slf4j.Logger: ClassNotFoundException",
                "DbgPrint: org.wdf4j.NtStatus: visible");
        for (String name : names) {
            assertThat(reports).as(ran.output()).containsKey(name);
            assertRefused(reports.get(name), PEEKS.get(name.substring("peek-".length())));
        }
        // The host's code ran as named modules: the Class objects the driver got name them.
        assertThat(reports.get("peek-systemloader")).contains(
                "loaded org.wdf4j.framework.FxFunctions, in module org.wdf4j.framework");
        assertThat(reports.get("peek-objectclass")).contains(
                "driver object class org.wdf4j.framework.FxDriverObject, in module org.wdf4j.framework");
        assertThat(reports.get("peek-hostclass")).contains("loaded org.wdf4j.host.DriverHost, in module org.wdf4j.host");
        assertThat(reports.get("peek-unsafe")).contains("got theUnsafe");
        // Another driver's entry class was found (through a thread of hello's), in hello's own module.
        for (String attack : List.of("peek-otherdriver", "peek-otherlookup")) {
            assertThat(reports.get(attack)).contains("of wdf4j-driver:hello, in module " + DriverModule.moduleName("hello"));
        }
        assertHelloCleanAndExitThree(ran, reports);
    }

    // H9 and H1: a driver in a driver host (pooled, and isolated) meets the same module boundary: the driver host runs
    // the host's code on the module path with the same hardening, so reflection into the framework is refused there
    // too, and a pool-mate cannot reach into another driver of its driver host. Native code is not refused: a driver
    // host gives its drivers' modules native access, since whatever they do ends only that process (a driver that
    // needs JNI runs there).
    @Test
    @Timeout(120)
    void h9_driverHostsHaveTheSameModuleBoundaryAndLetTheirDriversCallNativeCode(@TempDir Path tmp) throws Exception {
        List<String> args = new ArrayList<>(List.of("run"));
        for (HostingModel hosting : List.of(HostingModel.POOLED, HostingModel.ISOLATED)) {
            String prefix = hosting.label() + "-";
            args.add(LauncherRun.repackage(tmp.resolve(prefix + "n.jar"), "org.wdf4j.testdrivers.NativeCallDriver",
                    prefix + "native-downcall", hosting).toString());
            args.add(LauncherRun.repackage(tmp.resolve(prefix + "o.jar"), "org.wdf4j.testdrivers.ReflectionPeekDriver",
                    prefix + "peek-objectclass", hosting).toString());
            args.add(LauncherRun.repackage(tmp.resolve(prefix + "s.jar"), "org.wdf4j.testdrivers.ReflectionPeekDriver",
                    prefix + "peek-systemloader", hosting).toString());
        }
        // A pool-mate of hello's, in the same driver host, cannot reach into it either.
        args.add(LauncherRun.repackage(tmp.resolve("mate.jar"), "org.wdf4j.testdrivers.ReflectionPeekDriver",
                "pooled-peek-otherdriver", HostingModel.POOLED).toString());
        args.add(1, TestDrivers.HELLO.toString()); // first, pooled by default
        LauncherRun.Ran ran = LauncherRun.run(args.toArray(String[]::new));
        Map<String, String> reports = ran.reports();
        for (HostingModel hosting : List.of(HostingModel.POOLED, HostingModel.ISOLATED)) {
            String prefix = hosting.label() + "-";
            assertRefused(reports.get(prefix + "peek-objectclass"), "java.lang.reflect.InaccessibleObjectException");
            assertRefused(reports.get(prefix + "peek-systemloader"), "java.lang.IllegalAccessException");
            assertThat(reports.get(prefix + "peek-systemloader")).contains("in module org.wdf4j.framework",
                    "Ran in:                 driver host");
            assertThat(reports.get(prefix + "native-downcall")).as(ran.output())
                    .contains("Ran in:                 driver host", "a downcall handle to getpid")
                    .doesNotContain("IllegalCallerException");
        }
        assertRefused(reports.get("pooled-peek-otherdriver"), "java.lang.reflect.InaccessibleObjectException");
        assertThat(reports.get("pooled-peek-otherdriver")).contains("Ran in:                 driver host",
                "does not \"exports org.wdf4j.", "to module " + DriverModule.moduleName("pooled-peek-otherdriver"));
        assertHelloCleanAndExitThree(ran, reports);
    }

    // H9: the host's own native access is intact on the module path: the FUSE reflector (org.wdf4j.host.fuse) mounts
    // the echo sample's device, and a real program writes and reads it through its file.
    @Test
    @Timeout(120)
    void h9_theHostKeepsItsNativeAccessForDeviceFiles(@TempDir Path tmp) throws Exception {
        FuseTests.assumeFuse();
        Path mountRoot = Files.createDirectory(tmp.resolve("dev"));
        LauncherRun.Ran ran = LauncherRun.run("run", "--hosting", "in-process", "--device", "ROOT\\ECHO",
                "--mount-root", mountRoot.toString(), "--exec",
                "printf 'module path' > \"$WDF4J_MOUNT_ROOT/echo0\" && head -c 11 \"$WDF4J_MOUNT_ROOT/echo0\" && echo",
                TestDrivers.ECHO.toString());
        assertThat(ran.output()).contains("module path").doesNotContain("WARNING: A restricted method");
        assertThat(ran.exit()).as(ran.output()).isZero();
        assertThat(ran.reports().get("echo")).as(ran.output()).contains("Verdict: clean");
    }

    /**
     * Runs {@code wdf4j run} with the hello sample, then one package of {@code entryClass} per name, then {@code more},
     * all in-process.
     */
    private static LauncherRun.Ran runInProcess(Path tmp, String entryClass, List<String> names, Path... more)
            throws Exception {
        // hello first: the attacks on another driver look for its threads.
        List<String> args = new ArrayList<>(List.of("run", "--hosting", "in-process", TestDrivers.HELLO.toString()));
        for (String name : names) {
            args.add(LauncherRun.repackage(tmp.resolve(name + ".jar"), entryClass, name, null).toString());
        }
        for (Path jar : more) {
            args.add(jar.toString());
        }
        return LauncherRun.run(args.toArray(String[]::new));
    }

    /** A report of a driver whose DriverEntry threw {@code refusal} (the start of its first line) and nothing else. */
    private static void assertRefused(String report, String refusal) {
        assertThat(report).as("no report").isNotNull();
        assertThat(report).contains("DriverEntry threw:\n      " + refusal, "EvtDriverUnload called: no",
                "Class loader collected: yes", "Verdict: NOT clean").doesNotContain("ATTACK SUCCEEDED", "MUST NOT RUN");
    }

    /** The host went on: hello, started beside the attackers, unloaded clean; and the command's status is 3. */
    private static void assertHelloCleanAndExitThree(LauncherRun.Ran ran, Map<String, String> reports) {
        assertThat(reports.get("hello")).as(ran.output()).contains("DriverEntry returned:   STATUS_SUCCESS",
                "EvtDriverUnload called: yes", "Verdict: clean");
        assertThat(ran.output()).doesNotContain("WARNING: A restricted method", "WARNING: A Java agent");
        assertThat(ran.exit()).as(ran.output()).isEqualTo(3);
    }
}
