package org.wdf4j.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.wdf4j.NtStatus;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Deleting a tree of {@value #OBJECTS} objects, one deletion per measurement (single shot), the
 * tree being built again before each one (outside the measurement, followed by a GC so that the
 * previous tree's garbage is not collected during the next measurement).
 *
 * <p>Shapes ({@code shape} parameter), both exactly {@value #OBJECTS} objects including the root:
 * <ul>
 *   <li>{@code WIDE}: a root object (a child of the driver object) with 999 children of 1,000
 *       children each: 1 + 999 + 999,000. (The root is an object of its own because the driver
 *       may not delete the driver object.)</li>
 *   <li>{@code CHAIN}: a root with a chain of 999,999 single descendants, depth 10^6.</li>
 * </ul>
 *
 * <p>{@code frameworkDeleteTree}: {@code root.delete()}; every object is cleaned up and destroyed
 * before it returns (checked after each invocation; the counts before and after, outside the
 * measurement, come from {@code liveObjects()}, a walk of the tree). {@code plainClearTree}
 * (baseline): the same shape of {@link PlainNode}s cleared by hand: an explicit-stack walk that
 * visits every node, unlinks it from its parent and clears its child list, then removes the root
 * from its parent's list.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class TreeDeleteBenchmark {

    static final int OBJECTS = 1_000_000;
    static final int WIDE_CHILDREN = 999;
    static final int WIDE_GRANDCHILDREN = 1_000;

    public enum Shape { WIDE, CHAIN }

    static WdfObject create(WdfObjectAttributes attributes) {
        var result = WdfObject.create(attributes);
        BenchDriver.check(result.status(), "WdfObject.create");
        return result.value();
    }

    @State(Scope.Benchmark)
    public static class FrameworkTree {
        @Param({"WIDE", "CHAIN"})
        public Shape shape;

        BenchDriver bench;
        WdfObjectAttributes underDriver;
        WdfObject root;

        @Setup(Level.Trial)
        public void load() {
            bench = BenchDriver.load("treedelete");
            underDriver = WdfObjectAttributes.NONE.withParent(bench.driver);
        }

        @Setup(Level.Invocation)
        public void build() {
            root = create(underDriver);
            int made = 1;
            if (shape == Shape.WIDE) {
                for (int i = 0; i < WIDE_CHILDREN; i++) {
                    WdfObject child = create(WdfObjectAttributes.NONE.withParent(root));
                    made++;
                    WdfObjectAttributes underChild = WdfObjectAttributes.NONE.withParent(child);
                    for (int j = 0; j < WIDE_GRANDCHILDREN; j++) {
                        create(underChild);
                        made++;
                    }
                }
            } else {
                WdfObject last = root;
                for (int i = 1; i < OBJECTS; i++) {
                    last = create(WdfObjectAttributes.NONE.withParent(last));
                    made++;
                }
            }
            // Not measured: liveObjects() walks the whole tree (O(n); 20-300 ms for 10^6 objects on
            // the machine of BENCHMARKS.md). Its garbage is collected by the System.gc() below.
            int live = bench.globals.liveObjects();
            if (made != OBJECTS || live != OBJECTS + 1) {
                throw new IllegalStateException("built " + made + " objects, " + live + " alive");
            }
            System.gc();
        }

        @TearDown(Level.Invocation)
        public void check() {
            // Not measured; after a complete deletion the walk visits only the driver object.
            bench.checkOnlyDriverLeft("after deleting the " + shape + " tree");
            root = null;
        }

        @TearDown(Level.Trial)
        public void unload() {
            bench.stop();
        }
    }

    @State(Scope.Benchmark)
    public static class PlainTree {
        @Param({"WIDE", "CHAIN"})
        public Shape shape;

        /** Stands for the driver object: the tree's root is its child. */
        PlainNode top;
        PlainNode root;

        @Setup(Level.Invocation)
        public void build() {
            top = new PlainNode(null);
            root = top.newChild();
            int made = 1;
            if (shape == Shape.WIDE) {
                for (int i = 0; i < WIDE_CHILDREN; i++) {
                    PlainNode child = root.newChild();
                    made++;
                    for (int j = 0; j < WIDE_GRANDCHILDREN; j++) {
                        child.newChild();
                        made++;
                    }
                }
            } else {
                PlainNode last = root;
                for (int i = 1; i < OBJECTS; i++) {
                    last = last.newChild();
                    made++;
                }
            }
            if (made != OBJECTS) {
                throw new IllegalStateException("built " + made + " nodes");
            }
            System.gc();
        }

        @TearDown(Level.Invocation)
        public void check() {
            if (!top.children.isEmpty() || root.parent != null || root.children != null && !root.children.isEmpty()) {
                throw new IllegalStateException("the plain tree was not cleared");
            }
        }

        /** Clears the subtree of {@code root} by hand; answers the number of nodes visited. */
        static int clear(PlainNode root) {
            int visited = 0;
            ArrayDeque<PlainNode> stack = new ArrayDeque<>();
            stack.push(root);
            while (!stack.isEmpty()) {
                PlainNode node = stack.pop();
                visited++;
                ArrayList<PlainNode> children = node.children;
                if (children != null) {
                    for (int i = children.size() - 1; i >= 0; i--) {
                        stack.push(children.get(i));
                    }
                    children.clear();
                }
                node.parent = null;
            }
            return visited;
        }
    }

    @Benchmark
    public NtStatus frameworkDeleteTree(FrameworkTree tree) {
        return tree.root.delete();
    }

    @Benchmark
    public int plainClearTree(PlainTree tree) {
        PlainNode parent = tree.root.parent;
        int visited = PlainTree.clear(tree.root);
        parent.children.remove(tree.root);
        if (visited != OBJECTS) {
            throw new IllegalStateException("visited " + visited);
        }
        return visited;
    }
}
