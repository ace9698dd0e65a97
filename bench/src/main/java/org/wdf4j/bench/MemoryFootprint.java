package org.wdf4j.bench;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Memory per framework object against memory per hand-written node, measured from the used heap.
 *
 * <p>Method: for each kind, force a GC several times and read the used heap (MemoryMXBean); make
 * N objects that stay reachable; force GCs again and read the used heap; the difference divided by
 * N is the cost of one object. Then drop them (the framework tree is deleted) and go on to the
 * next kind. Each kind is measured in several rounds, interleaved, after one warm-up round; the
 * median is reported.
 *
 * <p>Kinds:
 * <ul>
 *   <li>{@code framework}: N {@code WdfObject}s (no context, no callbacks) created as children of
 *       one object under the driver object. The framework's links are fields of the object, so
 *       this is the whole cost of a child.</li>
 *   <li>{@code plain}: N {@link PlainNode}s added to one parent's {@code ArrayList} (the list
 *       slot, with the list's growth slack, is part of a child's cost; leaves have no list).</li>
 *   <li>{@code plainEagerList}: the same with a node class that creates its (empty)
 *       {@code ArrayList} in its constructor, as much hand-written code does.</li>
 *   <li>{@code *.instance}: the same classes held in a preallocated array, without a tree: the
 *       size of one instance.</li>
 * </ul>
 *
 * <p>Usage: {@code java -Xms2g -Xmx2g -cp benchmarks.jar org.wdf4j.bench.MemoryFootprint [N] [rounds]}
 */
public final class MemoryFootprint {

    /** A hand-written node that creates its child list eagerly. */
    static final class EagerNode {
        final EagerNode parent;
        final ArrayList<EagerNode> children = new ArrayList<>();

        EagerNode(EagerNode parent) {
            this.parent = parent;
        }
    }

    private interface Kind {
        /** Makes n objects that stay reachable from the answer (or from the driver). */
        Object build(int n);

        /** Lets them go. */
        void release(Object built);
    }

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        printJvm();
        BenchDriver bench = BenchDriver.load("memory");
        WdfObjectAttributes underDriver = WdfObjectAttributes.NONE.withParent(bench.driver);

        Kind framework = new Kind() {
            @Override
            public Object build(int count) {
                WdfObject root = TreeDeleteBenchmark.create(underDriver);
                WdfObjectAttributes underRoot = WdfObjectAttributes.NONE.withParent(root);
                for (int i = 0; i < count; i++) {
                    TreeDeleteBenchmark.create(underRoot);
                }
                return root;
            }

            @Override
            public void release(Object built) {
                BenchDriver.check(((WdfObject) built).delete(), "delete");
                bench.checkOnlyDriverLeft("after the memory measurement");
            }
        };
        Kind plain = new Kind() {
            @Override
            public Object build(int count) {
                PlainNode root = new PlainNode(null);
                for (int i = 0; i < count; i++) {
                    root.newChild();
                }
                return root;
            }

            @Override
            public void release(Object built) {
            }
        };
        Kind plainEager = new Kind() {
            @Override
            public Object build(int count) {
                EagerNode root = new EagerNode(null);
                for (int i = 0; i < count; i++) {
                    root.children.add(new EagerNode(root));
                }
                return root;
            }

            @Override
            public void release(Object built) {
            }
        };
        // Instance sizes: objects kept in an array allocated before the first reading.
        Object[] holder = new Object[n];
        Kind frameworkInstance = new Kind() {
            @Override
            public Object build(int count) {
                WdfObject root = TreeDeleteBenchmark.create(underDriver);
                WdfObjectAttributes underRoot = WdfObjectAttributes.NONE.withParent(root);
                for (int i = 0; i < count; i++) {
                    holder[i] = TreeDeleteBenchmark.create(underRoot);
                }
                return root;
            }

            @Override
            public void release(Object built) {
                Arrays.fill(holder, null);
                framework.release(built);
            }
        };
        Kind plainInstance = new Kind() {
            @Override
            public Object build(int count) {
                for (int i = 0; i < count; i++) {
                    holder[i] = new PlainNode(null);
                }
                return holder;
            }

            @Override
            public void release(Object built) {
                Arrays.fill(holder, null);
            }
        };

        String[] names = {"framework", "plain", "plainEagerList", "framework.instance", "plain.instance"};
        Kind[] kinds = {framework, plain, plainEager, frameworkInstance, plainInstance};
        double[][] results = new double[kinds.length][rounds];
        for (int k = 0; k < kinds.length; k++) {
            measure(kinds[k], n); // warm-up round, not recorded
        }
        for (int r = 0; r < rounds; r++) {
            for (int k = 0; k < kinds.length; k++) {
                results[k][r] = measure(kinds[k], n);
            }
        }
        Reference.reachabilityFence(holder);
        bench.stop();

        System.out.printf(Locale.ROOT, "%nN = %,d objects per measurement, %d rounds (after 1 warm-up round)%n", n, rounds);
        System.out.printf(Locale.ROOT, "%-20s %12s %12s %12s   %s%n", "kind", "median B/obj", "min", "max", "all rounds");
        double[] medians = new double[kinds.length];
        for (int k = 0; k < kinds.length; k++) {
            double[] sorted = results[k].clone();
            Arrays.sort(sorted);
            medians[k] = sorted[sorted.length / 2];
            List<String> all = new ArrayList<>();
            for (double v : results[k]) {
                all.add(String.format(Locale.ROOT, "%.2f", v));
            }
            System.out.printf(Locale.ROOT, "%-20s %12.2f %12.2f %12.2f   %s%n", names[k], medians[k], sorted[0],
                    sorted[sorted.length - 1], all);
        }
        System.out.printf(Locale.ROOT, "%nratio framework / plain              = %.2f%n", medians[0] / medians[1]);
        System.out.printf(Locale.ROOT, "ratio framework / plainEagerList     = %.2f%n", medians[0] / medians[2]);
        System.out.printf(Locale.ROOT, "ratio framework.instance / plain.instance = %.2f%n", medians[3] / medians[4]);
    }

    private static double measure(Kind kind, int n) throws InterruptedException {
        long before = usedAfterGc();
        Object built = kind.build(n);
        long after = usedAfterGc();
        Reference.reachabilityFence(built);
        kind.release(built);
        return (after - before) / (double) n;
    }

    private static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(20);
            used = Math.min(used, MEMORY.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static void printJvm() {
        HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        List<String> gcs = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs.add(gc.getName());
        }
        System.out.println("java " + System.getProperty("java.vm.version") + " (" + System.getProperty("java.vm.name")
                + "), GC " + gcs + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        for (String option : List.of("UseCompressedOops", "UseCompressedClassPointers", "UseCompactObjectHeaders", "ObjectAlignmentInBytes")) {
            try {
                System.out.println("  " + option + " = " + hs.getVMOption(option).getValue());
            } catch (IllegalArgumentException e) {
                System.out.println("  " + option + " = (no such option)");
            }
        }
    }
}
