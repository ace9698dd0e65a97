package org.wdf4j.host.isolation;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Linux futexes on a word of memory shared between processes ({@code futex(2)}, through the C library's
 * {@code syscall}, bound with the foreign function API): a thread sleeps until the word is no longer what it saw, or
 * another process wakes it. Shared (not {@code FUTEX_PRIVATE_FLAG}) operations, since the word lies in a mapping two
 * processes share ({@link SharedRing}).
 */
final class Futex {

    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    /** {@code SYS_futex}: 202 on x86-64, 98 on aarch64 (the generic table). */
    private static final long SYS_FUTEX = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> 202;
        case "aarch64", "arm64", "riscv64" -> 98;
        default -> -1;
    };
    private static final Linker LINKER = Linker.nativeLinker();
    /** {@code long syscall(long number, ...)}: the futex's address, op, value, timeout. */
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(1));
    /** A {@code struct timespec} per thread for the waits' timeouts. */
    private static final ThreadLocal<MemorySegment> TIMESPEC =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));

    private Futex() {
    }

    /** Whether futexes can be used here (Linux on a known architecture). */
    static boolean available() {
        return SYS_FUTEX > 0 && System.getProperty("os.name", "").startsWith("Linux");
    }

    /**
     * Sleeps while the int at {@code word} equals {@code expected}, at most {@code timeoutNanos}; returns at once when it
     * differs. May return early (a signal, a spurious wake-up): the caller checks its condition again.
     */
    static void await(MemorySegment word, int expected, long timeoutNanos) {
        MemorySegment timespec = TIMESPEC.get();
        timespec.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
        timespec.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
        try {
            long ignored = (long) SYSCALL.invokeExact(SYS_FUTEX, word, FUTEX_WAIT, expected, timespec);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wait failed", t);
        }
    }

    /** Wakes up to {@code count} threads sleeping on {@code word}, in any process. */
    static void wake(MemorySegment word, int count) {
        try {
            long ignored = (long) SYSCALL.invokeExact(SYS_FUTEX, word, FUTEX_WAKE, count, MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException("futex wake failed", t);
        }
    }
}
