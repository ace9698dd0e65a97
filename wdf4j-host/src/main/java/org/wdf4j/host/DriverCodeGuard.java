package org.wdf4j.host;

import static java.lang.constant.ConstantDescs.CD_Class;
import static java.lang.constant.ConstantDescs.CD_MethodHandle;
import static java.lang.constant.ConstantDescs.CD_MethodHandles_Lookup;
import static java.lang.constant.ConstantDescs.CD_MethodType;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.BootstrapMethodEntry;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.TypeKind;
import java.lang.classfile.constantpool.ConstantDynamicEntry;
import java.lang.classfile.constantpool.ConstantPoolBuilder;
import java.lang.classfile.constantpool.InterfaceMethodRefEntry;
import java.lang.classfile.constantpool.LoadableConstantEntry;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.constantpool.MethodRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wdf4j.HostGuard;

/**
 * Rewrites an in-process driver's classes as they are loaded so that it cannot end the host (rule H9 of the
 * hosting rules): {@link DriverClassLoader} passes every class of a driver package through {@link #guard}.
 *
 * <p><b>What is rewritten</b>, in the code of every method of the driver's classes:
 * <ul>
 *   <li>{@code invokestatic java/lang/System.exit(I)V}, {@code invokevirtual java/lang/Runtime.exit(I)V} and
 *       {@code invokevirtual java/lang/Runtime.halt(I)V} become calls to {@link HostGuard#systemExit},
 *       {@link HostGuard#runtimeExit} and {@link HostGuard#runtimeHalt}, which refuse them with a bug check
 *       (WDF4J_HOST_CALL_REFUSED) that fails the driver; the host stops it and goes on;</li>
 *   <li>{@code invokevirtual java/lang/reflect/Method.invoke} is preceded by a call to
 *       {@link HostGuard#checkInvoke}, which refuses invoking those three methods, and refuses reaching
 *       {@code Method.invoke} or a finder of {@code MethodHandles.Lookup} reflectively (the guard could not see
 *       what they go on to call); the driver's own call follows, so the JDK still sees the driver as its caller;</li>
 *   <li>{@code MethodHandles.Lookup}'s {@code findStatic}, {@code findVirtual}, {@code findSpecial}, {@code bind},
 *       {@code unreflect} and {@code unreflectSpecial} become the methods of the same names of {@link HostGuard},
 *       which refuse a handle to those three methods or to the reflective entry points, and otherwise delegate
 *       to the lookup (which carries the access, so nothing else changes);</li>
 *   <li>method-handle constants ({@code CONSTANT_MethodHandle}) to any of these methods, wherever code uses them:
 *       the bootstrap method and arguments of {@code invokedynamic} (the {@code System::exit} of a method
 *       reference, a lambda factory's implementation method), {@code ldc}, and dynamic constants, nested or not,
 *       point at the {@link HostGuard} method instead, which has the same type; a method reference to
 *       {@code System::exit} is then refused when it is called, as the call would have been.</li>
 * </ul>
 * A class whose constant pool names none of those methods is returned as it was, byte for byte; in a class that
 * does, only the methods whose code uses them are rewritten (and get new stack maps).
 *
 * <p><b>What is not rewritten, and stays possible</b> for a driver in the host's JVM: code that does not come
 * from the driver's package (a class loader the driver makes itself, {@code Lookup.defineClass} and hidden
 * classes); the JDK's own reflective machinery reached without those entry points ({@code java.beans.Statement}
 * and {@code Expression} call {@code Runtime.exit} for a driver); ending the process from outside the JVM
 * ({@code ProcessBuilder} running {@code kill -9} on the host's pid, {@code sun.misc.Signal.raise}); native code
 * (JNI, the foreign function API) where the host grants native access to unnamed modules; exhausting the host's
 * memory or threads; and reflection into framework and host internals. {@code sun.misc.Unsafe} memory access is
 * not a rewrite: the host's JVM runs with {@link JvmFlags#HARDENING}. A serializable lambda of one of these methods
 * no longer deserializes. Drivers that are not trusted run isolated, in a driver-host process of their own, where
 * nothing is rewritten and an exit ends only that process.
 */
final class DriverCodeGuard {

    private static final ClassDesc CD_HOST_GUARD = ClassDesc.of(HostGuard.class.getName());
    private static final ClassDesc CD_SYSTEM = ClassDesc.of("java.lang.System");
    private static final ClassDesc CD_RUNTIME = ClassDesc.of("java.lang.Runtime");
    private static final ClassDesc CD_METHOD = ClassDesc.of("java.lang.reflect.Method");
    private static final ClassDesc CD_OBJECT_ARRAY = CD_Object.arrayType();

    private static final DirectMethodHandleDesc METHOD_INVOKE = virtual(CD_METHOD, "invoke",
            MethodTypeDesc.of(CD_Object, CD_Object, CD_OBJECT_ARRAY));
    private static final MethodTypeDesc CHECK_INVOKE = MethodTypeDesc.of(CD_void, CD_METHOD, CD_Object, CD_OBJECT_ARRAY);

    /** Each guarded method, to the {@link HostGuard} method of the same type that stands in for it in a call. */
    private static final Map<DirectMethodHandleDesc, DirectMethodHandleDesc> CALLS = Map.ofEntries(
            replacedBy(MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC, CD_SYSTEM, "exit",
                    MethodTypeDesc.of(CD_void, CD_int)), "systemExit"),
            replacedBy(virtual(CD_RUNTIME, "exit", MethodTypeDesc.of(CD_void, CD_int)), "runtimeExit"),
            replacedBy(virtual(CD_RUNTIME, "halt", MethodTypeDesc.of(CD_void, CD_int)), "runtimeHalt"),
            replacedBy(virtual(CD_MethodHandles_Lookup, "findStatic",
                    MethodTypeDesc.of(CD_MethodHandle, CD_Class, CD_String, CD_MethodType)), "findStatic"),
            replacedBy(virtual(CD_MethodHandles_Lookup, "findVirtual",
                    MethodTypeDesc.of(CD_MethodHandle, CD_Class, CD_String, CD_MethodType)), "findVirtual"),
            replacedBy(virtual(CD_MethodHandles_Lookup, "findSpecial",
                    MethodTypeDesc.of(CD_MethodHandle, CD_Class, CD_String, CD_MethodType, CD_Class)), "findSpecial"),
            replacedBy(virtual(CD_MethodHandles_Lookup, "bind",
                    MethodTypeDesc.of(CD_MethodHandle, CD_Object, CD_String, CD_MethodType)), "bind"),
            replacedBy(virtual(CD_MethodHandles_Lookup, "unreflect",
                    MethodTypeDesc.of(CD_MethodHandle, CD_METHOD)), "unreflect"),
            replacedBy(virtual(CD_MethodHandles_Lookup, "unreflectSpecial",
                    MethodTypeDesc.of(CD_MethodHandle, CD_METHOD, CD_Class)), "unreflectSpecial"));

    /**
     * As {@link #CALLS}, for method-handle constants: there {@code Method.invoke} too is replaced (a call to it is
     * checked in place instead, see {@link #guardInvoke}).
     */
    static final Map<DirectMethodHandleDesc, DirectMethodHandleDesc> HANDLES = handles();

    /** The owners of the guarded methods, as internal names: a cheap first test of a call. */
    private static final Set<String> OWNERS = Set.of("java/lang/System", "java/lang/Runtime",
            "java/lang/invoke/MethodHandles$Lookup", "java/lang/reflect/Method");

    /** The guarded methods as constant-pool references ({@code owner.nameDescriptor}). */
    private static final Set<String> GUARDED_REFERENCES = HANDLES.keySet().stream()
            .map(m -> m.owner().descriptorString().substring(1, m.owner().descriptorString().length() - 1) + "."
                    + m.methodName() + m.lookupDescriptor())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** How deep dynamic constants may nest in a bootstrap argument list before the class is refused as malformed. */
    private static final int MAX_NESTING = 64;

    /** Immutable once made; safe for concurrent use by the loader's parallel class loading. */
    private final ClassFile classFile;

    /**
     * @param hierarchy tells the stack-map generator the superclass of a type and whether it is an interface, for
     *     the methods that are rewritten: it must know the driver's own classes, the JDK's and the API's
     */
    DriverCodeGuard(ClassHierarchyResolver hierarchy) {
        this.classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(hierarchy));
    }

    /**
     * The class as the host defines it: {@code classBytes} itself when its constant pool names none of the guarded
     * methods, else the class with the rewriting described above.
     *
     * @throws ClassFormatError when the class cannot be parsed, or the rewritten code cannot be given stack maps
     *     (a type it needs is in neither the driver package, the JDK nor the API)
     */
    byte[] guard(String className, byte[] classBytes) {
        try {
            ClassModel model = classFile.parse(classBytes);
            if (!namesGuardedMethod(model)) {
                return classBytes;
            }
            Set<MethodModel> rewritten = new HashSet<>();
            for (MethodModel method : model.methods()) {
                if (method.code().map(DriverCodeGuard::reaches).orElse(false)) {
                    rewritten.add(method);
                }
            }
            if (rewritten.isEmpty()) {
                return classBytes; // named in the constant pool, used by no code
            }
            CodeTransform code = DriverCodeGuard::rewrite;
            return classFile.transformClass(model, (builder, element) -> {
                if (element instanceof MethodModel method && rewritten.contains(method)) {
                    builder.transformMethod(method, MethodTransform.transformingCode(code));
                } else {
                    builder.with(element);
                }
            });
        } catch (IllegalArgumentException | IllegalStateException e) {
            ClassFormatError error = new ClassFormatError("wdf4j host: cannot load " + className + " with the host's "
                    + "code guard (H9): " + e.getMessage());
            error.initCause(e);
            throw error;
        }
    }

    /** Whether a method reference of the class's constant pool names a guarded method (used by code or not). */
    private static boolean namesGuardedMethod(ClassModel model) {
        for (PoolEntry entry : model.constantPool()) {
            if ((entry instanceof MethodRefEntry || entry instanceof InterfaceMethodRefEntry)
                    && GUARDED_REFERENCES.contains(reference((MemberRefEntry) entry))) {
                return true;
            }
        }
        return false;
    }

    /** A member reference as {@code owner.nameDescriptor}, e.g. {@code java/lang/System.exit(I)V}. */
    private static String reference(MemberRefEntry member) {
        return member.owner().asInternalName() + "." + member.name().stringValue() + member.type().stringValue();
    }

    /** Whether the code uses a guarded method: a call, or a method-handle constant, however nested. */
    private static boolean reaches(CodeModel code) {
        for (CodeElement element : code) {
            boolean reaches = switch (element) {
                case InvokeInstruction call -> guardedCall(call) != null;
                case InvokeDynamicInstruction indy -> reaches(indy.invokedynamic().bootstrap(), 0);
                case ConstantInstruction.LoadConstantInstruction ldc -> reaches(ldc.constantEntry(), 0);
                default -> false;
            };
            if (reaches) {
                return true;
            }
        }
        return false;
    }

    private static boolean reaches(BootstrapMethodEntry bootstrap, int depth) {
        if (reaches(bootstrap.bootstrapMethod(), depth)) {
            return true;
        }
        for (LoadableConstantEntry argument : bootstrap.arguments()) {
            if (reaches(argument, depth)) {
                return true;
            }
        }
        return false;
    }

    private static boolean reaches(LoadableConstantEntry entry, int depth) {
        return switch (entry) {
            case MethodHandleEntry handle -> HANDLES.containsKey(handle.asSymbol());
            case ConstantDynamicEntry dynamic -> reaches(dynamic.bootstrap(), nested(depth));
            default -> false;
        };
    }

    private static int nested(int depth) {
        if (depth >= MAX_NESTING) {
            throw new IllegalArgumentException("dynamic constants nested deeper than " + MAX_NESTING);
        }
        return depth + 1;
    }

    /** One element of a method that uses a guarded method: rewritten when it is such a use, else kept. */
    private static void rewrite(CodeBuilder builder, CodeElement element) {
        switch (element) {
            case InvokeInstruction call when guardedCall(call) != null -> {
                DirectMethodHandleDesc target = guardedCall(call);
                if (target.equals(METHOD_INVOKE)) {
                    guardInvoke(builder, call);
                } else {
                    DirectMethodHandleDesc guard = CALLS.get(target);
                    builder.invokestatic(guard.owner(), guard.methodName(), guard.invocationType());
                }
            }
            case InvokeDynamicInstruction indy -> {
                ConstantPoolBuilder pool = builder.constantPool();
                BootstrapMethodEntry bootstrap = guardBootstrap(pool, indy.invokedynamic().bootstrap(), 0);
                builder.invokedynamic(bootstrap == indy.invokedynamic().bootstrap() ? indy.invokedynamic()
                        : pool.invokeDynamicEntry(bootstrap, indy.invokedynamic().nameAndType()));
            }
            case ConstantInstruction.LoadConstantInstruction ldc -> {
                LoadableConstantEntry constant = guardEntry(builder.constantPool(), ldc.constantEntry(), 0);
                if (constant == ldc.constantEntry()) {
                    builder.with(ldc);
                } else {
                    builder.ldc(constant);
                }
            }
            default -> builder.with(element);
        }
    }

    /**
     * {@code method.invoke(target, args)}: the arguments are kept in two new locals while
     * {@link HostGuard#checkInvoke} looks at them, then the driver's own call is made as it was.
     */
    private static void guardInvoke(CodeBuilder builder, InvokeInstruction call) {
        int args = builder.allocateLocal(TypeKind.REFERENCE);
        int target = builder.allocateLocal(TypeKind.REFERENCE);
        builder.astore(args)
                .astore(target)
                .dup()
                .aload(target)
                .aload(args)
                .invokestatic(CD_HOST_GUARD, "checkInvoke", CHECK_INVOKE)
                .aload(target)
                .aload(args)
                .with(call);
    }

    /** The bootstrap entry to use instead of {@code bootstrap}; {@code bootstrap} itself when nothing in it changes. */
    private static BootstrapMethodEntry guardBootstrap(ConstantPoolBuilder pool, BootstrapMethodEntry bootstrap, int depth) {
        MethodHandleEntry method = (MethodHandleEntry) guardEntry(pool, bootstrap.bootstrapMethod(), depth);
        boolean changed = method != bootstrap.bootstrapMethod();
        List<LoadableConstantEntry> arguments = new ArrayList<>(bootstrap.arguments().size());
        for (LoadableConstantEntry argument : bootstrap.arguments()) {
            LoadableConstantEntry guarded = guardEntry(pool, argument, depth);
            changed |= guarded != argument;
            arguments.add(guarded);
        }
        return changed ? pool.bsmEntry(method, arguments) : bootstrap;
    }

    /** The constant to use instead of {@code entry}; {@code entry} itself when it reaches no guarded method. */
    private static LoadableConstantEntry guardEntry(ConstantPoolBuilder pool, LoadableConstantEntry entry, int depth) {
        return switch (entry) {
            case MethodHandleEntry handle -> {
                DirectMethodHandleDesc guard = HANDLES.get(handle.asSymbol());
                yield guard == null ? handle : pool.methodHandleEntry(guard);
            }
            case ConstantDynamicEntry dynamic -> {
                BootstrapMethodEntry bootstrap = guardBootstrap(pool, dynamic.bootstrap(), nested(depth));
                yield bootstrap == dynamic.bootstrap() ? dynamic : pool.constantDynamicEntry(bootstrap, dynamic.nameAndType());
            }
            default -> entry;
        };
    }

    /** The guarded method a call instruction calls, or null. */
    private static DirectMethodHandleDesc guardedCall(InvokeInstruction call) {
        if (!OWNERS.contains(call.owner().asInternalName())) {
            return null;
        }
        DirectMethodHandleDesc.Kind kind = switch (call.opcode()) {
            case INVOKESTATIC -> call.isInterface() ? DirectMethodHandleDesc.Kind.INTERFACE_STATIC
                    : DirectMethodHandleDesc.Kind.STATIC;
            case INVOKEVIRTUAL -> DirectMethodHandleDesc.Kind.VIRTUAL;
            default -> null; // invokespecial and invokeinterface cannot reach these from a driver's class
        };
        if (kind == null) {
            return null;
        }
        DirectMethodHandleDesc called = MethodHandleDesc.ofMethod(kind, call.owner().asSymbol(),
                call.name().stringValue(), call.typeSymbol());
        return called.equals(METHOD_INVOKE) || CALLS.containsKey(called) ? called : null;
    }

    private static DirectMethodHandleDesc virtual(ClassDesc owner, String name, MethodTypeDesc type) {
        return MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.VIRTUAL, owner, name, type);
    }

    /** The guarded method to a static method of {@link HostGuard} whose type is the guarded method's invocation type. */
    private static Map.Entry<DirectMethodHandleDesc, DirectMethodHandleDesc> replacedBy(DirectMethodHandleDesc guarded,
                                                                                       String guardName) {
        return Map.entry(guarded, MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC, CD_HOST_GUARD, guardName,
                guarded.invocationType()));
    }

    private static Map<DirectMethodHandleDesc, DirectMethodHandleDesc> handles() {
        java.util.HashMap<DirectMethodHandleDesc, DirectMethodHandleDesc> handles = new java.util.HashMap<>(CALLS);
        Map.Entry<DirectMethodHandleDesc, DirectMethodHandleDesc> invoke = replacedBy(METHOD_INVOKE, "invoke");
        handles.put(invoke.getKey(), invoke.getValue());
        return Map.copyOf(handles);
    }
}
