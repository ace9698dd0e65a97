package org.wdf4j;

import org.wdf4j.spi.WdfFunctions;

/**
 * The execution level of the current thread, modelled on the kernel's IRQL.
 *
 * <p>Every thread runs at {@link #PASSIVE_LEVEL} unless it raised its level or the framework calls
 * it at a higher one (a DPC, a timer at dispatch level, a spin lock held). Code at
 * {@link #DISPATCH_LEVEL} must not block and may call only the framework methods documented as
 * callable at that level; the verifier reports a call above a method's maximum level.
 */
public enum Irql {
    PASSIVE_LEVEL(0),
    APC_LEVEL(1),
    DISPATCH_LEVEL(2);

    private final int value;

    Irql(int value) {
        this.value = value;
    }

    /** The numeric level (0, 1, 2). */
    public int value() {
        return value;
    }

    /** {@code KeGetCurrentIrql}: the level of the calling thread. */
    public static Irql current() {
        return WdfFunctions.get().currentIrql();
    }

    /**
     * {@code KeRaiseIrql}: raises the calling thread to {@code level} until the returned scope is
     * closed ({@code KeLowerIrql}). Raising to a level below the current one is a driver bug.
     *
     * <pre>{@code
     * try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
     *     // runs at DISPATCH_LEVEL
     * }
     * }</pre>
     */
    public static Scope raise(Irql level) {
        Irql old = WdfFunctions.get().raiseIrql(level);
        return new Scope(old);
    }

    /** The level a thread returns to when a {@link #raise(Irql)} scope is closed. */
    public static final class Scope implements AutoCloseable {
        private final Irql previous;
        private boolean closed;

        private Scope(Irql previous) {
            this.previous = previous;
        }

        /** The level before the raise. */
        public Irql previous() {
            return previous;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                WdfFunctions.get().lowerIrql(previous);
            }
        }
    }
}
