package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.DynamicCallSiteDesc;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.wdf4j.HostGuard;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;

/** The rewriting of a driver's classes (H9), class file by class file; {@link ProcessExitGuardTest} runs the drivers. */
class DriverCodeGuardTest {

    /**
     * The test drivers whose code uses a guarded method: those that try System.exit, Runtime.exit or Runtime.halt
     * (directly or reflectively), and UnsafeWriteDriver, whose Method.invoke is checked.
     */
    private static final Set<String> REWRITTEN = Set.of("ExitInEntryDriver", "HaltInEntryDriver",
            "RuntimeExitInUnloadDriver", "ExitByReflectionDriver", "ExitByMethodHandleDriver", "ExitByMethodRefDriver",
            "CatchingExitDriver", "ExitInIoCallbackDriver", "UnsafeWriteDriver", "HostileDriver", "ReflectionPeekDriver");

    // H9: the guard changes no class whose code does not use the guarded methods, byte for byte: the hello, echo and
    // nonpnp samples and every test driver but those that use them.
    @Test
    void h9_aClassThatUsesNoGuardedMethodIsDefinedByteForByte() throws IOException {
        for (Path jar : List.of(TestDrivers.HELLO, TestDrivers.ECHO, TestDrivers.NONPNP, TestDrivers.JAR)) {
            DriverCodeGuard guard = guardFor(jar);
            Map<String, byte[]> classes = classes(jar);
            assertThat(classes).isNotEmpty();
            classes.forEach((name, bytes) -> {
                byte[] guarded = guard.guard(name, bytes);
                if (REWRITTEN.contains(topLevelSimpleName(name))) {
                    assertThat(guarded).as(name).isNotEqualTo(bytes);
                } else {
                    assertThat(guarded).as(name + " is not rewritten").isSameAs(bytes);
                }
            });
        }
    }

    // H9: after the rewriting no code of those drivers calls or makes a handle to System.exit, Runtime.exit, Runtime.halt
    // or a Lookup finder: those calls go to HostGuard; Method.invoke is still called by the driver's own code, after
    // HostGuard.checkInvoke.
    @Test
    void h9_rewrittenCodeReachesTheGuardedMethodsOnlyThroughHostGuard() throws IOException {
        DriverCodeGuard guard = guardFor(TestDrivers.JAR);
        Map<String, byte[]> classes = classes(TestDrivers.JAR);
        List<String> calls = new ArrayList<>();
        for (String driver : REWRITTEN) {
            String name = "org.wdf4j.testdrivers." + driver;
            ClassModel model = ClassFile.of().parse(guard.guard(name, classes.get(name)));
            for (MethodModel method : model.methods()) {
                for (CodeElement element : method.code().map(code -> code.elementList()).orElse(List.of())) {
                    if (element instanceof InvokeInstruction call) {
                        String called = call.owner().asInternalName() + "." + call.name().stringValue();
                        assertThat(called).as(name).isNotIn("java/lang/System.exit", "java/lang/Runtime.exit",
                                "java/lang/Runtime.halt", "java/lang/invoke/MethodHandles$Lookup.findVirtual",
                                "java/lang/invoke/MethodHandles$Lookup.findStatic");
                        calls.add(driver + ": " + called);
                    }
                    if (element instanceof InvokeDynamicInstruction indy) {
                        indy.invokedynamic().bootstrap().arguments().stream()
                                .filter(a -> a instanceof MethodHandleEntry)
                                .map(a -> ((MethodHandleEntry) a).asSymbol())
                                .forEach(h -> assertThat(h.owner().displayName() + "." + h.methodName()).as(name)
                                        .isNotIn("System.exit", "Runtime.exit", "Runtime.halt"));
                    }
                }
            }
        }
        assertThat(calls).contains("ExitInEntryDriver: org/wdf4j/HostGuard.systemExit",
                "HaltInEntryDriver: org/wdf4j/HostGuard.runtimeHalt",
                "RuntimeExitInUnloadDriver: org/wdf4j/HostGuard.runtimeExit",
                "ExitByReflectionDriver: org/wdf4j/HostGuard.checkInvoke",
                "ExitByReflectionDriver: java/lang/reflect/Method.invoke",
                "ExitByMethodHandleDriver: org/wdf4j/HostGuard.findStatic",
                "ExitByMethodHandleDriver: org/wdf4j/HostGuard.findVirtual",
                "UnsafeWriteDriver: org/wdf4j/HostGuard.checkInvoke", "UnsafeWriteDriver: java/lang/reflect/Method.invoke");
    }

    // H9: every method the guard puts in place of a guarded one exists in HostGuard, is public and static, and has the
    // guarded method's invocation type (receiver first), so the rewritten stack and a lambda factory see no difference.
    @Test
    void h9_everyReplacementIsAHostGuardMethodOfTheSameType() throws ReflectiveOperationException {
        assertThat(DriverCodeGuard.HANDLES).hasSize(10);
        for (Map.Entry<DirectMethodHandleDesc, DirectMethodHandleDesc> entry : DriverCodeGuard.HANDLES.entrySet()) {
            DirectMethodHandleDesc guard = entry.getValue();
            assertThat(guard.owner().displayName()).isEqualTo("HostGuard");
            assertThat(guard.kind()).isEqualTo(DirectMethodHandleDesc.Kind.STATIC);
            MethodHandle handle = guard.resolveConstantDesc(MethodHandles.lookup());
            MethodHandle original = entry.getKey().resolveConstantDesc(MethodHandles.lookup());
            assertThat(handle.type()).as(guard.toString()).isEqualTo(original.type());
            assertThat(handle.isVarargsCollector()).as(guard.toString()).isEqualTo(original.isVarargsCollector());
        }
        MethodType check = MethodType.methodType(void.class, java.lang.reflect.Method.class, Object.class, Object[].class);
        assertThat(MethodHandles.lookup().findStatic(HostGuard.class, "checkInvoke", check)).isNotNull();
    }

    // H9: every reflective route HostGuard stands in for refuses the three methods, and the reflective entry points
    // themselves (which would take the call past the guard); called here from outside any driver, the bug check is
    // thrown all the same, charged to no driver.
    @Test
    void h9_hostGuardRefusesTheExitsAndTheReflectiveEntryPointsByEveryRoute() throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodType exitType = MethodType.methodType(void.class, int.class);
        java.lang.reflect.Method exit = System.class.getMethod("exit", int.class);
        java.lang.reflect.Method invoke = java.lang.reflect.Method.class.getMethod("invoke", Object.class, Object[].class);
        java.lang.reflect.Method findStatic = MethodHandles.Lookup.class.getMethod("findStatic", Class.class,
                String.class, MethodType.class);
        Map<String, ThrowingCallable> routes = new LinkedHashMap<>();
        routes.put("System.exit(3)", () -> HostGuard.systemExit(3));
        routes.put("Runtime.exit(4)", () -> HostGuard.runtimeExit(Runtime.getRuntime(), 4));
        routes.put("Runtime.halt(5)", () -> HostGuard.runtimeHalt(Runtime.getRuntime(), 5));
        routes.put("System.exit(6) through Method.invoke", () -> HostGuard.checkInvoke(exit, null, new Object[] {6}));
        routes.put("Runtime.halt(7) through Method.invoke", () -> HostGuard.checkInvoke(
                Runtime.class.getMethod("halt", int.class), Runtime.getRuntime(), new Object[] {7}));
        routes.put("a method handle to System.exit(int) (MethodHandles.Lookup.findStatic)",
                () -> HostGuard.findStatic(lookup, System.class, "exit", exitType));
        routes.put("a method handle to Runtime.exit(int) (MethodHandles.Lookup.findVirtual)",
                () -> HostGuard.findVirtual(lookup, Runtime.class, "exit", exitType));
        routes.put("a method handle to Runtime.halt(int) (MethodHandles.Lookup.findSpecial)",
                () -> HostGuard.findSpecial(lookup, Runtime.class, "halt", exitType, DriverCodeGuardTest.class));
        routes.put("a method handle to Runtime.halt(int) (MethodHandles.Lookup.bind)",
                () -> HostGuard.bind(lookup, Runtime.getRuntime(), "halt", exitType));
        routes.put("a method handle to System.exit(int) (MethodHandles.Lookup.unreflect)",
                () -> HostGuard.unreflect(lookup, exit));
        routes.put("a method handle to System.exit(int) (MethodHandles.Lookup.unreflectSpecial)",
                () -> HostGuard.unreflectSpecial(lookup, exit, DriverCodeGuardTest.class));
        routes.forEach((call, route) -> assertThatThrownBy(route).as(call).isInstanceOfSatisfying(WdfBugCheck.class, b -> {
            assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF4J_HOST_CALL_REFUSED);
            assertThat(b.driverName()).isNull();
            assertThat(b.getMessage()).endsWith(": " + call + " refused: a driver cannot end the host; run untrusted "
                    + "drivers isolated");
        }));

        Map<String, ThrowingCallable> indirect = new LinkedHashMap<>();
        indirect.put("Method.invoke called through Method.invoke", () -> HostGuard.checkInvoke(invoke, exit,
                new Object[] {null, new Object[] {8}}));
        indirect.put("MethodHandles.Lookup.findStatic called through Method.invoke", () -> HostGuard.checkInvoke(
                findStatic, lookup, new Object[] {System.class, "exit", exitType}));
        indirect.put("a method handle to Method.invoke (MethodHandles.Lookup.findVirtual)", () -> HostGuard.findVirtual(
                lookup, java.lang.reflect.Method.class, "invoke", MethodType.methodType(Object.class, Object.class,
                        Object[].class)));
        indirect.put("a method handle to MethodHandles.Lookup.findStatic (MethodHandles.Lookup.unreflect)",
                () -> HostGuard.unreflect(lookup, findStatic));
        indirect.put("a method handle to Method.invoke (MethodHandles.Lookup.bind)", () -> HostGuard.bind(lookup, exit,
                "invoke", MethodType.methodType(Object.class, Object.class, Object[].class)));
        indirect.forEach((call, route) -> assertThatThrownBy(route).as(call).isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.getMessage()).contains(": " + call + " refused: the host checks Method.invoke")));
    }

    // H9: everything else goes through HostGuard unchanged: the same results, the same exceptions.
    @Test
    void h9_hostGuardLetsEveryOtherCallThroughUnchanged() throws Throwable {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodType intToInt = MethodType.methodType(int.class, int.class);
        assertThat((int) HostGuard.findStatic(lookup, Math.class, "abs", intToInt).invokeExact(-3)).isEqualTo(3);
        assertThat((int) HostGuard.findVirtual(lookup, String.class, "length", MethodType.methodType(int.class))
                .invokeExact("four")).isEqualTo(4);
        assertThat((int) HostGuard.bind(lookup, "seven", "length", MethodType.methodType(int.class)).invokeExact())
                .isEqualTo(5);
        java.lang.reflect.Method abs = Math.class.getMethod("abs", int.class);
        assertThat((int) HostGuard.unreflect(lookup, abs).invokeExact(-9)).isEqualTo(9);
        HostGuard.checkInvoke(abs, null, new Object[] {-1});
        HostGuard.checkInvoke(null, null, null);
        assertThat(HostGuard.invoke(abs, null, -2)).isEqualTo(2);
        assertThatThrownBy(() -> HostGuard.findStatic(lookup, System.class, "exit", MethodType.methodType(void.class,
                long.class))).as("not System.exit(int): the lookup's own answer").isInstanceOf(NoSuchMethodException.class);
        assertThatThrownBy(() -> HostGuard.findStatic(lookup, null, "exit", MethodType.methodType(void.class, int.class)))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> HostGuard.runtimeExit(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> HostGuard.invoke(abs, null, "not an int")).isInstanceOf(IllegalArgumentException.class);
    }

    // H9: method-handle constants are rewritten wherever code uses them: an ldc of a handle to System.exit, a dynamic
    // constant whose bootstrap argument is one, and an invokedynamic lambda factory with System.exit as its
    // implementation. Code javac does not write, so it is generated here; each is refused when it is called.
    @Test
    void h9_handleConstantsInLdcDynamicConstantsAndInvokedynamicAreGuarded() throws Exception {
        ClassDesc generated = ClassDesc.of("org.wdf4j.generated.Constants");
        DirectMethodHandleDesc exit = MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC,
                ClassDesc.of("java.lang.System"), "exit", MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int));
        DynamicConstantDesc<MethodHandle> castExit = DynamicConstantDesc.ofNamed(ConstantDescs.BSM_EXPLICIT_CAST,
                ConstantDescs.DEFAULT_NAME, ConstantDescs.CD_MethodHandle, exit);
        ClassDesc intConsumer = ClassDesc.of("java.util.function.IntConsumer");
        MethodTypeDesc intToVoid = MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int);
        DynamicCallSiteDesc lambda = DynamicCallSiteDesc.of(ConstantDescs.ofCallsiteBootstrap(
                ClassDesc.of("java.lang.invoke.LambdaMetafactory"), "metafactory", ConstantDescs.CD_CallSite,
                ConstantDescs.CD_MethodType, ConstantDescs.CD_MethodHandle, ConstantDescs.CD_MethodType),
                "accept", MethodTypeDesc.of(intConsumer), intToVoid, exit, intToVoid);
        byte[] bytes = ClassFile.of().build(generated, clb -> {
            clb.withFlags(java.lang.reflect.AccessFlag.PUBLIC);
            clb.withMethodBody("viaLdc", MethodTypeDesc.of(ConstantDescs.CD_void), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                    cb -> cb.ldc(exit).bipush(13).invokevirtual(ConstantDescs.CD_MethodHandle, "invokeExact", intToVoid)
                            .return_());
            clb.withMethodBody("viaDynamicConstant", MethodTypeDesc.of(ConstantDescs.CD_void),
                    ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                    cb -> cb.ldc(castExit).bipush(14).invokevirtual(ConstantDescs.CD_MethodHandle, "invokeExact", intToVoid)
                            .return_());
            clb.withMethodBody("viaLambda", MethodTypeDesc.of(ConstantDescs.CD_void), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                    cb -> cb.invokedynamic(lambda).bipush(15).invokeinterface(intConsumer, "accept", intToVoid).return_());
        });
        DriverCodeGuard guard = new DriverCodeGuard(ClassHierarchyResolver.defaultResolver());
        byte[] guarded = guard.guard(generated.displayName(), bytes);
        assertThat(guarded).isNotEqualTo(bytes);
        Class<?> type = new ClassLoader("generated", DriverCodeGuardTest.class.getClassLoader()) {
            Class<?> define() {
                return defineClass(null, guarded, 0, guarded.length);
            }
        }.define();
        for (String method : List.of("viaLdc:13", "viaDynamicConstant:14", "viaLambda:15")) {
            String[] nameAndStatus = method.split(":");
            java.lang.reflect.Method run = type.getMethod(nameAndStatus[0]);
            assertThatThrownBy(() -> run.invoke(null)).as(method).cause().isInstanceOf(WdfBugCheck.class)
                    .hasMessageContaining("System.exit(" + nameAndStatus[1] + ") refused");
        }
    }

    // H9: a guarded driver loader still defines each class with the JAR as its code source, in a package with the
    // JAR manifest's attributes, finds resources as before, and is parallel capable; with the guard off (a driver-host
    // process) it loads the same classes.
    @Test
    void h9_aGuardedLoaderKeepsCodeSourcePackagesAndResources() throws Exception {
        URL jarUrl = TestDrivers.JAR.toUri().toURL();
        for (boolean guarded : List.of(true, false)) {
            DriverPackage pkg = DriverPackage.of(TestDrivers.JAR, "org.wdf4j.testdrivers.ExitInEntryDriver",
                    "guard-" + guarded, DriverPackage.FRAMEWORK_VERSION);
            try (DriverClassLoader loader = DriverClassLoader.open(pkg, guarded, false)) {
                assertThat(loader.guardsCode()).isEqualTo(guarded);
                assertThat(loader.isRegisteredAsParallelCapable()).isTrue();
                Class<?> type = loader.loadClass("org.wdf4j.testdrivers.ExitInEntryDriver");
                assertThat(type.getClassLoader()).isSameAs(loader);
                assertThat(type.getProtectionDomain().getCodeSource().getLocation()).isEqualTo(jarUrl);
                assertThat(type.getPackage().getName()).isEqualTo("org.wdf4j.testdrivers");
                assertThat(loader.getResource("org/wdf4j/testdrivers/ExitInEntryDriver.class")).isNotNull();
                try (InputStream in = loader.getResourceAsStream("META-INF/MANIFEST.MF")) {
                    assertThat(in).isNotNull();
                }
                assertThatThrownBy(() -> loader.loadClass("org.wdf4j.testdrivers.NoSuchDriver"))
                        .isInstanceOf(ClassNotFoundException.class);
                assertThatThrownBy(() -> loader.loadClass("org.wdf4j.framework.FxFunctions"))
                        .as("still only the API").isInstanceOf(ClassNotFoundException.class);
            }
        }
    }

    /** A guard as a driver loader has it, for the classes of {@code jar}. */
    private static DriverCodeGuard guardFor(Path jar) throws IOException {
        URLClassLoader resources = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
        return new DriverCodeGuard(ClassHierarchyResolver.ofResourceParsing(resources)
                .orElse(ClassHierarchyResolver.defaultResolver()));
    }

    /** The class files of a JAR, by class name. */
    private static Map<String, byte[]> classes(Path jar) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry entry : file.stream().toList()) {
                String path = entry.getName();
                if (path.endsWith(".class") && !path.endsWith("module-info.class")) {
                    try (InputStream in = file.getInputStream(entry)) {
                        classes.put(path.substring(0, path.length() - 6).replace('/', '.'), in.readAllBytes());
                    }
                }
            }
        }
        return classes;
    }

    private static String topLevelSimpleName(String className) {
        String simple = className.substring(className.lastIndexOf('.') + 1);
        int nested = simple.indexOf('$');
        return nested < 0 ? simple : simple.substring(0, nested);
    }
}
