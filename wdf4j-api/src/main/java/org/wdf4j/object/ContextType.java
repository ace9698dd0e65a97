package org.wdf4j.object;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A declared context type ({@code WDF_DECLARE_CONTEXT_TYPE_WITH_NAME}): per-object storage of a
 * driver-defined class, attached when the object is created ({@link WdfObjectAttributes#of}) or
 * later ({@link WdfObject#allocateContext}), and released when the object is destroyed.
 *
 * <p>Declare each type once, as a constant, and read the context with {@link #get(WdfObject)}:
 *
 * <pre>{@code
 * static final class DeviceContext { int openCount; }
 * static final ContextType<DeviceContext> DEVICE_CONTEXT =
 *         ContextType.declare(DeviceContext.class, DeviceContext::new);
 *
 * DeviceContext ctx = DEVICE_CONTEXT.get(device);   // WdfObjectGet_DEVICE_CONTEXT(device)
 * }</pre>
 *
 * <p>Types are compared by identity: two declarations are two types, even for the same class.
 *
 * @param <T> the class of the context
 */
public final class ContextType<T> {

    private final Class<T> type;
    private final Supplier<? extends T> initializer;
    private final String name;

    private ContextType(Class<T> type, Supplier<? extends T> initializer, String name) {
        this.type = Objects.requireNonNull(type, "type");
        this.initializer = Objects.requireNonNull(initializer, "initializer");
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Declares a context type named after its class. */
    public static <T> ContextType<T> declare(Class<T> type, Supplier<? extends T> initializer) {
        return new ContextType<>(type, initializer, type.getSimpleName());
    }

    /** Declares a context type with an explicit name, as {@code WDF_DECLARE_CONTEXT_TYPE_WITH_NAME} does. */
    public static <T> ContextType<T> declare(String name, Class<T> type, Supplier<? extends T> initializer) {
        return new ContextType<>(type, initializer, name);
    }

    /** The context attached to {@code object}, or null when this type is not attached. */
    public T get(WdfObject object) {
        return object.getContext(this);
    }

    /** The class of the context. */
    public Class<T> type() {
        return type;
    }

    /** The name shown in traces and reports. */
    public String name() {
        return name;
    }

    /** Makes a new context instance; called by the framework when the context is attached. */
    public T newInstance() {
        T value = initializer.get();
        if (value == null) {
            throw new IllegalStateException("context initializer of " + name + " returned null");
        }
        return type.cast(value);
    }

    @Override
    public String toString() {
        return "ContextType[" + name + "]";
    }
}
