package org.wdf4j.bench;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.wdf4j.NtStatus;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.EvtCleanupCallback;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Creating and deleting one object, against doing the same by hand.
 *
 * <ul>
 *   <li>{@code frameworkCreateDelete}: {@code WdfObject.create} under the driver object (explicit
 *       parent, no context, no callbacks), then {@code delete()}, which destroys it at once.</li>
 *   <li>{@code plainNewAddRemove} (baseline): {@code new} of a {@link PlainNode} holding its parent,
 *       added to and removed from the parent's {@code ArrayList}. Not thread-safe.</li>
 *   <li>{@code threadSafeNewAddRemove} (second baseline): what one writes by hand for a tree used
 *       from several threads: a {@link SafeNode} with a parent reference and an
 *       {@code AtomicInteger} reference count starting at 1, added to the parent's child list under
 *       {@code synchronized (parent)}, removed under {@code synchronized (parent)}, and its count
 *       decremented (to zero) on removal.</li>
 *   <li>{@code frameworkCreateDeleteWithContextAndCleanup}: the same with a context type and an
 *       empty cleanup callback in the attributes.</li>
 *   <li>{@code plainNewAddRemoveWithContextAndCleanup} (its baseline): a hand-written node that
 *       also allocates a context object and calls a cleanup callback when removed.</li>
 * </ul>
 *
 * In steady state the parent has no other child in either case, so list operations are O(1).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class ObjectLifecycleBenchmark {

    /** A small context, as a driver would declare one. */
    public static final class Counter {
        int value;
    }

    static final ContextType<Counter> COUNTER = ContextType.declare(Counter.class, Counter::new);

    /** The hand-written counterpart of an object with a context and a cleanup callback. */
    static final class PlainNodeWithContext {
        final PlainNode parent;
        final Counter context;
        final EvtCleanupCallback cleanup;

        PlainNodeWithContext(PlainNode parent, Counter context, EvtCleanupCallback cleanup) {
            this.parent = parent;
            this.context = context;
            this.cleanup = cleanup;
        }
    }

    /**
     * The hand-written node of a tree shared between threads: a parent reference, a reference
     * count that starts at 1, and a child list guarded by the node's monitor.
     */
    static final class SafeNode {
        final SafeNode parent;
        final AtomicInteger refs = new AtomicInteger(1);
        /** Guarded by {@code this}. */
        ArrayList<SafeNode> children;

        SafeNode(SafeNode parent) {
            this.parent = parent;
        }
    }

    private BenchDriver bench;
    private WdfObjectAttributes underDriver;
    private WdfObjectAttributes withContextAndCleanup;
    private PlainNode plainParent;
    private ArrayList<PlainNode> plainChildren;
    private SafeNode safeParent;
    private ArrayList<Object> plainParentWithContextChildren;
    private EvtCleanupCallback plainCleanup;

    @Setup(Level.Trial)
    public void setUp() {
        bench = BenchDriver.load("lifecycle");
        underDriver = WdfObjectAttributes.NONE.withParent(bench.driver);
        withContextAndCleanup = WdfObjectAttributes.of(COUNTER).withCleanup(o -> { }).withParent(bench.driver);
        plainParent = new PlainNode(null);
        plainParent.children = new ArrayList<>();
        plainChildren = plainParent.children;
        safeParent = new SafeNode(null);
        safeParent.children = new ArrayList<>();
        plainParentWithContextChildren = new ArrayList<>();
        plainCleanup = o -> { };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        // Outside the measurement: liveObjects() walks the driver's tree.
        bench.checkOnlyDriverLeft("after the lifecycle benchmark");
        boolean safeEmpty;
        synchronized (safeParent) {
            safeEmpty = safeParent.children.isEmpty();
        }
        if (!plainChildren.isEmpty() || !safeEmpty || !plainParentWithContextChildren.isEmpty()) {
            throw new IllegalStateException("plain parent still has children");
        }
        bench.stop();
    }

    @Benchmark
    public NtStatus frameworkCreateDelete() {
        WdfObject o = WdfObject.create(underDriver).value();
        return o.delete();
    }

    @Benchmark
    public PlainNode plainNewAddRemove() {
        PlainNode n = new PlainNode(plainParent);
        plainChildren.add(n);
        plainChildren.remove(n);
        return n;
    }

    @Benchmark
    public SafeNode threadSafeNewAddRemove() {
        SafeNode parent = safeParent;
        SafeNode n = new SafeNode(parent);
        synchronized (parent) {
            parent.children.add(n);
        }
        synchronized (parent) {
            parent.children.remove(n);
        }
        if (n.refs.decrementAndGet() != 0) {
            throw new IllegalStateException("reference count of a removed node is not zero");
        }
        return n;
    }

    @Benchmark
    public NtStatus frameworkCreateDeleteWithContextAndCleanup() {
        WdfObject o = WdfObject.create(withContextAndCleanup).value();
        return o.delete();
    }

    @Benchmark
    public PlainNodeWithContext plainNewAddRemoveWithContextAndCleanup() {
        PlainNodeWithContext n = new PlainNodeWithContext(plainParent, new Counter(), plainCleanup);
        plainParentWithContextChildren.add(n);
        plainParentWithContextChildren.remove(n);
        n.cleanup.cleanup(null);
        return n;
    }
}
