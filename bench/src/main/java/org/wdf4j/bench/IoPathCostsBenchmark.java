package org.wdf4j.bench;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The unit cost, on this machine and JVM, of each primitive one request through a wdf4j queue is made of, so that the
 * framework's per-request counts (monitors, atomics, allocations, the scoped-value binding...) can be turned into
 * nanoseconds. Single thread, uncontended, unless named {@code *2Threads}; each against {@code baseline} (returning a
 * field).
 *
 * <ul>
 *   <li>{@code monitorEnterExit}: one empty-bodied {@code synchronized} block on a shared object (it cannot be elided:
 *       the object escapes), incrementing a field inside.</li>
 *   <li>{@code atomicIncrement}: {@code AtomicInteger.incrementAndGet} (the object-id counter).</li>
 *   <li>{@code chmKeySetAddRemove}: add then remove of a new object in a {@code ConcurrentHashMap.newKeySet()}, as
 *       {@code FxFileHandle} does per request (allocates the key and a map node).</li>
 *   <li>{@code scopedValueCall}: {@code ScopedValue.where(V, x).call(supplier::get)} around a field read, as
 *       {@code FxDriverGlobals.callDriver} does per driver callback.</li>
 *   <li>{@code threadLocalGet}: {@code ThreadLocal.get()} (how {@code FxThreadState.current()} finds a non-framework
 *       thread's state).</li>
 *   <li>{@code completableFutureCompleteJoin}: {@code new CompletableFuture}, {@code complete}, {@code join} on one
 *       thread.</li>
 *   <li>{@code monitorEnterExit2Threads}, {@code atomicIncrement2Threads}: the same by two threads on one shared lock
 *       or counter ({@code @Threads(2)}): the cost when the cache line moves between the cores at every operation.</li>
 *   <li>{@code monitorEnterNotifyAllExit}: the same with {@code notifyAll()} inside (no waiter).</li>
 *   <li>{@code volatileWrite}, {@code newObjectIdentityHash}, {@code newObject}: a volatile reference store; the
 *       identity hash code of a new object (kept in a field); a new object alone.</li>
 *   <li>{@code outputBufferAndCopy}: what the framework allocates for a 64-byte read's data besides its objects: the
 *       driver's {@code byte[64]}, a {@code ByteBuffer.wrap} of it, and the client's copy ({@code byte[64]} +
 *       {@code arraycopy}).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class IoPathCostsBenchmark {

    static final ScopedValue<Object> BOUND = ScopedValue.newInstance();
    static final ThreadLocal<Object> LOCAL = ThreadLocal.withInitial(Object::new);

    final Object lock = new Object();
    int counter;
    final AtomicInteger ids = new AtomicInteger();
    final Set<Object> set = ConcurrentHashMap.newKeySet();
    final Object driver = new Object();
    final Supplier<Object> work = () -> counter;
    volatile Object published;
    byte[] lastDriverBuffer;
    Object lastObject;

    /** What two threads share in the {@code *2Threads} variants: one lock, one counter, as a queue's lock is shared. */
    @State(Scope.Benchmark)
    public static class Shared {
        final Object lock = new Object();
        int counter;
        final AtomicInteger ids = new AtomicInteger();
    }

    /** {@code monitorEnterExit} by two threads on one shared lock (contended; the lock's cache line moves). */
    @Benchmark
    @Threads(2)
    public int monitorEnterExit2Threads(Shared s) {
        synchronized (s.lock) {
            return ++s.counter;
        }
    }

    /** {@code atomicIncrement} by two threads on one shared counter (as the driver's object-id counter is). */
    @Benchmark
    @Threads(2)
    public int atomicIncrement2Threads(Shared s) {
        return s.ids.incrementAndGet();
    }

    @Benchmark
    public int baseline() {
        return counter;
    }

    @Benchmark
    public int monitorEnterExit() {
        synchronized (lock) {
            return ++counter;
        }
    }

    /** {@code synchronized (lock) { lock.notifyAll(); }} with no waiter, as {@code FxIoQueue.requestLeft} does. */
    @Benchmark
    public int monitorEnterNotifyAllExit() {
        synchronized (lock) {
            lock.notifyAll();
            return ++counter;
        }
    }

    /** A volatile write of a reference (a StoreLoad fence on x86), as {@code FxIrp.bind} does. */
    @Benchmark
    public void volatileWrite() {
        published = driver;
    }

    /** The identity hash code of a new object (what a {@code ConcurrentHashMap} of {@code FxIrp}s asks for each). */
    @Benchmark
    public int newObjectIdentityHash() {
        Object o = new Object();
        lastObject = o;
        return o.hashCode();
    }

    /** A new object alone (the allocation included in {@code newObjectIdentityHash} and {@code chmKeySetAddRemove}). */
    @Benchmark
    public Object newObject() {
        return new Object();
    }

    @Benchmark
    public int atomicIncrement() {
        return ids.incrementAndGet();
    }

    @Benchmark
    public boolean chmKeySetAddRemove() {
        Object key = new Object();
        set.add(key);
        return set.remove(key);
    }

    @Benchmark
    public Object scopedValueCall() throws Exception {
        Supplier<Object> code = work;
        return ScopedValue.where(BOUND, driver).call(code::get);
    }

    @Benchmark
    public Object threadLocalGet() {
        return LOCAL.get();
    }

    @Benchmark
    public Object completableFutureCompleteJoin() {
        CompletableFuture<Object> f = new CompletableFuture<>();
        f.complete(driver);
        return f.join();
    }

    @Benchmark
    public byte[] outputBufferAndCopy() {
        byte[] driverBuffer = new byte[IoBenchDevice.LENGTH];
        lastDriverBuffer = driverBuffer; // escapes, as the request's buffer does
        ByteBuffer.wrap(driverBuffer).put(IoBenchDevice.PATTERN);
        byte[] out = new byte[IoBenchDevice.LENGTH];
        System.arraycopy(driverBuffer, 0, out, 0, IoBenchDevice.LENGTH);
        return out;
    }
}
