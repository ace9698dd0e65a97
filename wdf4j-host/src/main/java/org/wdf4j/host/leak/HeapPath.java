package org.wdf4j.host.leak;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shortest path from a GC root to one class loader, read from an HPROF heap dump with a streaming parser of
 * its binary format (no external tool). Two passes build a compact reference graph (primitive arrays indexed by
 * object id: instances and object arrays to what their reference fields and elements hold and, for classes not of
 * the boot loader, to their class; classes to their loader, static fields, protection domain and signers; class
 * loaders to the classes they define); a breadth-first search from the GC roots finds the path. Weak, soft and
 * phantom references are not followed: they do not keep a class loader alive past a full collection.
 */
final class HeapPath {

    // Top-level records.
    private static final int UTF8 = 0x01;
    private static final int LOAD_CLASS = 0x02;
    private static final int FRAME = 0x04;
    private static final int TRACE = 0x05;
    private static final int HEAP_DUMP = 0x0C;
    private static final int HEAP_DUMP_SEGMENT = 0x1C;
    // Heap dump sub-records.
    private static final int ROOT_UNKNOWN = 0xFF;
    private static final int ROOT_JNI_GLOBAL = 0x01;
    private static final int ROOT_JNI_LOCAL = 0x02;
    private static final int ROOT_JAVA_FRAME = 0x03;
    private static final int ROOT_NATIVE_STACK = 0x04;
    private static final int ROOT_STICKY_CLASS = 0x05;
    private static final int ROOT_THREAD_BLOCK = 0x06;
    private static final int ROOT_MONITOR_USED = 0x07;
    private static final int ROOT_THREAD_OBJECT = 0x08;
    private static final int CLASS_DUMP = 0x20;
    private static final int INSTANCE_DUMP = 0x21;
    private static final int OBJ_ARRAY_DUMP = 0x22;
    private static final int PRIM_ARRAY_DUMP = 0x23;
    private static final int OBJECT = 2;

    private static final byte KIND_CLASS = 0;
    private static final byte KIND_INSTANCE = 1;
    private static final byte KIND_ARRAY = 2;

    /** The class of the host's driver class loaders, which the dump is searched for. */
    static final String DRIVER_LOADER_CLASS = "org.wdf4j.host.DriverClassLoader";

    /**
     * One element of the path.
     *
     * @param edge how the previous element holds this one ({@code java.lang.Thread.contextClassLoader}, {@code [3]});
     *     null for the root and for an object's class or a loader's class
     * @param node what this element is ({@code org.example.Poller}, {@code org.example.Poller.class})
     * @param className the class of the object, or the class itself for a class
     * @param isClass whether this element is a class
     * @param ofDriver whether this element is of the driver (an instance of one of its classes, or one of them)
     * @param threadName the name of this element when it is a thread, else null
     */
    record Step(String edge, String node, String className, boolean isClass, boolean ofDriver, String threadName) {
    }

    /**
     * The path found.
     *
     * @param root what kind of GC root it starts at, in words ({@code thread}, {@code class}, {@code JNI global})
     * @param rootThread the thread whose stack or object is the root, or null
     * @param steps root first, the loader last
     * @param text the path in one line
     * @param objects how many objects the graph held, for the log
     * @param soft whether the path goes through a {@code SoftReference}'s referent: no strong path exists, and the
     *     loader stays until the JVM clears soft references (when memory runs short, or at the next collection with
     *     {@code -XX:SoftRefLRUPolicyMSPerMB=0})
     */
    record Result(String root, String rootThread, List<Step> steps, String text, int objects, boolean soft) {
    }

    private static final class ClassInfo {
        final long id;
        long superId;
        long loaderId;
        long signersId;
        long domainId;
        long nameId;
        String name;
        long[] staticIds = new long[0];
        String[] staticNames = new String[0];
        byte[] fieldTypes;
        long[] fieldNameIds;
        int[] refOffsets; // reference fields of the whole hierarchy, as byte offsets into the instance data
        String[] refLabels; // Declaring.field for each of them
        int skipOffset = -1; // the referent of a weak, soft or phantom reference
        boolean soft; // a SoftReference: its referent is an edge of the soft search (kept in the graph negated)
        boolean thread;

        ClassInfo(long id) {
            this.id = id;
        }
    }

    private int idSize;
    private final Map<Long, String> utf8 = new HashMap<>();
    private final Map<Long, Long> classNames = new HashMap<>(); // class id -> name string id
    private final Map<Long, Long> classBySerial = new HashMap<>();
    private final Map<Long, long[]> frames = new HashMap<>(); // frame id -> method name id, class serial
    private final Map<Long, long[]> traces = new HashMap<>(); // trace serial -> frame ids
    private final Map<Long, ClassInfo> classes = new HashMap<>();
    private final Map<Long, long[]> definedBy = new HashMap<>(); // loader id -> class ids
    private final LongIntMap index = new LongIntMap(1 << 16);
    private long[] nodeIds = new long[1 << 16];
    private long[] nodeOffsets = new long[1 << 16];
    private byte[] nodeKinds = new byte[1 << 16];
    private int[] edgeStart = new int[1 << 16];
    private int nodes;
    private long[] edges = new long[1 << 18];
    private int edgeCount;
    // GC roots, in the order found.
    private int[] rootKinds = new int[1024];
    private long[] rootIds = new long[1024];
    private long[] rootThreads = new long[1024]; // thread serial, or 0
    private long[] rootFrames = new long[1024]; // frame depth, or -1
    private int roots;
    private final Map<Long, long[]> threadsBySerial = new HashMap<>(); // thread serial -> object id, trace serial
    private final Map<Long, Long> candidateLoaders = new HashMap<>(); // loader object id -> its nameAndId String id

    private HeapPath() {
    }

    /**
     * Finds the shortest path from a GC root to the driver class loader whose {@code ClassLoader.nameAndId} is
     * {@code loaderNameAndId} (e.g. {@code 'wdf4j-driver:leaky' @1b6d3586}); when no strong path exists, the shortest
     * one through a soft reference ({@link Result#soft}); null when there is neither.
     */
    static Result find(Path hprof, String loaderNameAndId) throws IOException {
        HeapPath heap = new HeapPath();
        try (HprofReader in = open(hprof)) {
            heap.structure(in);
            heap.graph(in);
            Map<Long, String> loaderNames = heap.strings(in, heap.candidateLoaders.values());
            long target = 0;
            for (Map.Entry<Long, Long> c : heap.candidateLoaders.entrySet()) {
                if (loaderNameAndId.equals(loaderNames.get(c.getValue()))) {
                    target = c.getKey();
                }
            }
            if (target == 0) {
                throw new IOException("the heap dump holds no " + DRIVER_LOADER_CLASS + " named " + loaderNameAndId
                        + " (it may have been collected meanwhile)");
            }
            int[] path = heap.search(target, false);
            if (path != null) {
                return heap.render(in, path, loaderNameAndId, false);
            }
            path = heap.search(target, true);
            return path == null ? null : heap.render(in, path, loaderNameAndId, true);
        }
    }

    private static HprofReader open(Path hprof) throws IOException {
        return new HprofReader(FileChannel.open(hprof, StandardOpenOption.READ));
    }

    private void header(HprofReader in) throws IOException {
        in.seek(0);
        StringBuilder format = new StringBuilder();
        for (int c = in.u1(); c != 0; c = in.u1()) {
            format.append((char) c);
        }
        if (!format.toString().startsWith("JAVA PROFILE")) {
            throw new IOException("not an HPROF heap dump: " + format);
        }
        idSize = in.i4();
        if (idSize != 4 && idSize != 8) {
            throw new IOException("unsupported identifier size " + idSize);
        }
        in.idSize = idSize;
        in.i8(); // timestamp
    }

    private int typeSize(int type) {
        return switch (type) {
            case OBJECT -> idSize;
            case 4, 8 -> 1; // boolean, byte
            case 5, 9 -> 2; // char, short
            case 6, 10 -> 4; // float, int
            case 7, 11 -> 8; // double, long
            default -> throw new IllegalStateException("unknown basic type " + type);
        };
    }

    /** Pass 1: names, classes, stack frames and traces. */
    private void structure(HprofReader in) throws IOException {
        header(in);
        while (!in.atEnd()) {
            int tag = in.u1();
            in.i4(); // time
            long length = in.u4();
            long end = in.position() + length;
            switch (tag) {
                case UTF8 -> {
                    long id = in.id();
                    utf8.put(id, new String(in.bytes((int) (length - idSize)), StandardCharsets.UTF_8));
                }
                case LOAD_CLASS -> {
                    long serial = in.u4();
                    long classId = in.id();
                    in.u4();
                    classNames.put(classId, in.id());
                    classBySerial.put(serial, classId);
                }
                case FRAME -> {
                    long frameId = in.id();
                    long method = in.id();
                    in.id();
                    in.id();
                    frames.put(frameId, new long[] {method, in.u4()});
                }
                case TRACE -> {
                    long serial = in.u4();
                    in.u4();
                    int count = in.i4();
                    long[] ids = new long[count];
                    for (int i = 0; i < count; i++) {
                        ids[i] = in.id();
                    }
                    traces.put(serial, ids);
                }
                case HEAP_DUMP, HEAP_DUMP_SEGMENT -> heapRecords(in, end, true);
                default -> { }
            }
            in.seek(end);
        }
        for (ClassInfo c : classes.values()) {
            Long nameId = classNames.get(c.id);
            c.name = nameId == null ? "class@" + Long.toHexString(c.id) : pretty(utf8.get(nameId));
            long[] defined = definedBy.getOrDefault(c.loaderId, new long[] {0});
            if (c.loaderId != 0) {
                int n = (int) defined[0];
                if (n + 1 == defined.length) {
                    defined = Arrays.copyOf(defined, defined.length * 2);
                }
                defined[n + 1] = c.id;
                defined[0] = n + 1;
                definedBy.put(c.loaderId, defined);
            }
        }
        for (ClassInfo c : classes.values()) {
            layout(c);
        }
    }

    /** Java's name for a class from its HPROF name: {@code java.lang.String}, {@code java.lang.Object[]}. */
    static String pretty(String name) {
        if (name == null) {
            return "?";
        }
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        String base = name.substring(dims);
        if (dims > 0) {
            base = switch (base) {
                case "Z" -> "boolean";
                case "B" -> "byte";
                case "C" -> "char";
                case "S" -> "short";
                case "I" -> "int";
                case "J" -> "long";
                case "F" -> "float";
                case "D" -> "double";
                default -> base.startsWith("L") && base.endsWith(";") ? base.substring(1, base.length() - 1) : base;
            };
        }
        return base.replace('/', '.') + "[]".repeat(dims);
    }

    /** The reference fields of the class's instances (its own first, then its superclasses'), as byte offsets. */
    private void layout(ClassInfo c) {
        List<Integer> offsets = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int offset = 0;
        boolean weak = false;
        for (ClassInfo k = c; k != null; k = classes.get(k.superId)) {
            switch (k.name) {
                case "java.lang.ref.WeakReference", "java.lang.ref.PhantomReference" -> weak = true;
                case "java.lang.ref.SoftReference" -> {
                    weak = true;
                    c.soft = true;
                }
                case "java.lang.Thread" -> c.thread = true;
                default -> { }
            }
            for (int f = 0; f < k.fieldTypes.length; f++) {
                if (k.fieldTypes[f] == OBJECT) {
                    String field = utf8.get(k.fieldNameIds[f]);
                    if (weak && k.name.equals("java.lang.ref.Reference") && "referent".equals(field)) {
                        c.skipOffset = offset;
                    }
                    offsets.add(offset);
                    labels.add(k.name + "." + field);
                }
                offset += typeSize(k.fieldTypes[f]);
            }
        }
        c.refOffsets = offsets.stream().mapToInt(Integer::intValue).toArray();
        c.refLabels = labels.toArray(String[]::new);
    }

    /** The byte offset and type of a field of the class's instances, or null. */
    private int[] field(ClassInfo c, String declaring, String name) {
        int offset = 0;
        for (ClassInfo k = c; k != null; k = classes.get(k.superId)) {
            for (int f = 0; f < k.fieldTypes.length; f++) {
                if (k.name.equals(declaring) && name.equals(utf8.get(k.fieldNameIds[f]))) {
                    return new int[] {offset, k.fieldTypes[f]};
                }
                offset += typeSize(k.fieldTypes[f]);
            }
        }
        return null;
    }

    /** Reads the sub-records of one heap dump record; pass 1 keeps classes, pass 2 the graph and the roots. */
    private void heapRecords(HprofReader in, long end, boolean firstPass) throws IOException {
        while (in.position() < end) {
            int tag = in.u1();
            switch (tag) {
                case ROOT_UNKNOWN, ROOT_STICKY_CLASS, ROOT_MONITOR_USED -> root(firstPass, tag, in.id(), 0, -1);
                case ROOT_JNI_GLOBAL -> {
                    long id = in.id();
                    in.id();
                    root(firstPass, tag, id, 0, -1);
                }
                case ROOT_JNI_LOCAL, ROOT_JAVA_FRAME -> {
                    long id = in.id();
                    long thread = in.u4();
                    root(firstPass, tag, id, thread, in.i4());
                }
                case ROOT_NATIVE_STACK, ROOT_THREAD_BLOCK -> {
                    long id = in.id();
                    root(firstPass, tag, id, in.u4(), -1);
                }
                case ROOT_THREAD_OBJECT -> {
                    long id = in.id();
                    long serial = in.u4();
                    long trace = in.u4();
                    if (!firstPass) {
                        threadsBySerial.put(serial, new long[] {id, trace});
                    }
                    root(firstPass, tag, id, serial, -1);
                }
                case CLASS_DUMP -> classDump(in, firstPass);
                case INSTANCE_DUMP -> instance(in, firstPass);
                case OBJ_ARRAY_DUMP -> objectArray(in, firstPass);
                case PRIM_ARRAY_DUMP -> {
                    in.id();
                    in.u4();
                    long count = in.u4();
                    in.skip(count * typeSize(in.u1()));
                }
                default -> throw new IOException("unknown heap dump sub-record 0x" + Integer.toHexString(tag)
                        + " at " + (in.position() - 1));
            }
        }
    }

    private void root(boolean firstPass, int kind, long id, long thread, long frame) {
        if (firstPass || id == 0) {
            return;
        }
        if (roots == rootIds.length) {
            int n = roots * 2;
            rootKinds = Arrays.copyOf(rootKinds, n);
            rootIds = Arrays.copyOf(rootIds, n);
            rootThreads = Arrays.copyOf(rootThreads, n);
            rootFrames = Arrays.copyOf(rootFrames, n);
        }
        rootKinds[roots] = kind;
        rootIds[roots] = id;
        rootThreads[roots] = thread;
        rootFrames[roots] = frame;
        roots++;
    }

    private void classDump(HprofReader in, boolean firstPass) throws IOException {
        long offset = in.position();
        ClassInfo c = new ClassInfo(in.id());
        in.u4();
        c.superId = in.id();
        c.loaderId = in.id();
        c.signersId = in.id();
        c.domainId = in.id();
        in.id();
        in.id();
        in.u4();
        int constants = in.u2();
        for (int i = 0; i < constants; i++) {
            in.u2();
            in.skip(typeSize(in.u1()));
        }
        int statics = in.u2();
        List<Long> staticIds = new ArrayList<>();
        List<Long> staticNames = new ArrayList<>();
        for (int i = 0; i < statics; i++) {
            long name = in.id();
            int type = in.u1();
            if (type == OBJECT) {
                long value = in.id();
                if (value != 0) {
                    staticIds.add(value);
                    staticNames.add(name);
                }
            } else {
                in.skip(typeSize(type));
            }
        }
        int fields = in.u2();
        c.fieldTypes = new byte[fields];
        c.fieldNameIds = new long[fields];
        for (int i = 0; i < fields; i++) {
            c.fieldNameIds[i] = in.id();
            c.fieldTypes[i] = (byte) in.u1();
        }
        if (firstPass) {
            c.staticIds = staticIds.stream().mapToLong(Long::longValue).toArray();
            c.staticNames = new String[staticNames.size()];
            for (int i = 0; i < c.staticNames.length; i++) {
                c.staticNames[i] = utf8.get(staticNames.get(i));
            }
            classes.put(c.id, c);
            addNode(c.id, offset, KIND_CLASS, edgeCount);
        }
    }

    private int addNode(long id, long offset, byte kind, int firstEdge) {
        if (nodes == nodeIds.length) {
            int n = nodes * 2;
            nodeIds = Arrays.copyOf(nodeIds, n);
            nodeOffsets = Arrays.copyOf(nodeOffsets, n);
            nodeKinds = Arrays.copyOf(nodeKinds, n);
            edgeStart = Arrays.copyOf(edgeStart, n + 1);
        }
        nodeIds[nodes] = id;
        nodeOffsets[nodes] = offset;
        nodeKinds[nodes] = kind;
        edgeStart[nodes] = firstEdge;
        index.put(id, nodes);
        return nodes++;
    }

    private void edge(long target) {
        if (edgeCount == edges.length) {
            edges = Arrays.copyOf(edges, edgeCount * 2);
        }
        edges[edgeCount++] = target;
    }

    private void instance(HprofReader in, boolean firstPass) throws IOException {
        long offset = in.position();
        long id = in.id();
        in.u4();
        long classId = in.id();
        int length = in.i4();
        if (firstPass) {
            in.skip(length);
            return;
        }
        ClassInfo c = classes.get(classId);
        in.ensure(length);
        int first = edgeCount;
        if (c != null) {
            for (int r = 0; r < c.refOffsets.length; r++) {
                int at = c.refOffsets[r];
                if ((at != c.skipOffset || c.soft) && at + idSize <= length) {
                    long value = in.idAt(at);
                    if (value != 0) {
                        edge(at == c.skipOffset ? -value : value); // a soft referent: negated, for the soft search
                    }
                }
            }
            if (c.loaderId != 0) {
                edge(classId);
            }
            if (c.name.equals(DRIVER_LOADER_CLASS)) {
                int[] nameAndId = field(c, "java.lang.ClassLoader", "nameAndId");
                if (nameAndId != null) {
                    candidateLoaders.put(id, in.idAt(nameAndId[0]));
                }
            }
        }
        long[] defined = definedBy.get(id);
        if (defined != null) {
            for (int i = 1; i <= defined[0]; i++) {
                edge(defined[i]);
            }
        }
        if (edgeCount > first) {
            addNode(id, offset, KIND_INSTANCE, first);
        }
        in.skip(length);
    }

    private void objectArray(HprofReader in, boolean firstPass) throws IOException {
        long offset = in.position();
        long id = in.id();
        in.u4();
        long count = in.u4();
        long classId = in.id();
        if (firstPass) {
            in.skip(count * idSize);
            return;
        }
        int first = edgeCount;
        for (long i = 0; i < count; i++) {
            long value = in.id();
            if (value != 0) {
                edge(value);
            }
        }
        ClassInfo c = classes.get(classId);
        if (c != null && c.loaderId != 0) {
            edge(classId);
        }
        if (edgeCount > first) {
            addNode(id, offset, KIND_ARRAY, first);
        }
    }

    /** Pass 2: instances, arrays and roots. */
    private void graph(HprofReader in) throws IOException {
        header(in);
        while (!in.atEnd()) {
            int tag = in.u1();
            in.i4();
            long length = in.u4();
            long end = in.position() + length;
            if (tag == HEAP_DUMP || tag == HEAP_DUMP_SEGMENT) {
                heapRecords(in, end, false);
            }
            in.seek(end);
        }
        edgeStart[nodes] = edgeCount;
    }

    /** The text of String objects, by id: their fields from the graph, their byte arrays from one more pass. */
    private Map<Long, String> strings(HprofReader in, java.util.Collection<Long> ids) throws IOException {
        Map<Long, long[]> valueOf = new HashMap<>(); // string id -> value array id, coder
        for (long id : ids) {
            int node = index.get(id);
            if (node < 0 || nodeKinds[node] != KIND_INSTANCE) {
                continue;
            }
            in.seek(nodeOffsets[node]);
            in.id();
            in.u4();
            ClassInfo c = classes.get(in.id());
            int length = in.i4();
            in.ensure(length);
            int[] value = c == null ? null : field(c, "java.lang.String", "value");
            int[] coder = c == null ? null : field(c, "java.lang.String", "coder");
            if (value != null) {
                valueOf.put(id, new long[] {in.idAt(value[0]), coder == null ? 0 : in.byteAt(coder[0])});
            }
        }
        Set<Long> arrays = new HashSet<>();
        valueOf.values().forEach(v -> arrays.add(v[0]));
        Map<Long, byte[]> bytes = arrays.isEmpty() ? Map.of() : byteArrays(in, arrays);
        Map<Long, String> out = new HashMap<>();
        Charset utf16 = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? StandardCharsets.UTF_16LE
                : StandardCharsets.UTF_16BE;
        valueOf.forEach((id, v) -> {
            byte[] b = bytes.get(v[0]);
            if (b != null) {
                out.put(id, new String(b, v[1] == 0 ? StandardCharsets.ISO_8859_1 : utf16));
            }
        });
        return out;
    }

    /** The contents of these primitive arrays (one pass over the heap records). */
    private Map<Long, byte[]> byteArrays(HprofReader in, Set<Long> ids) throws IOException {
        Map<Long, byte[]> out = new HashMap<>();
        header(in);
        while (!in.atEnd() && out.size() < ids.size()) {
            int tag = in.u1();
            in.i4();
            long length = in.u4();
            long end = in.position() + length;
            if (tag == HEAP_DUMP || tag == HEAP_DUMP_SEGMENT) {
                while (in.position() < end) {
                    int sub = in.u1();
                    switch (sub) {
                        case ROOT_UNKNOWN, ROOT_STICKY_CLASS, ROOT_MONITOR_USED -> in.skip(idSize);
                        case ROOT_JNI_GLOBAL -> in.skip(2L * idSize);
                        case ROOT_JNI_LOCAL, ROOT_JAVA_FRAME, ROOT_THREAD_OBJECT -> in.skip(idSize + 8);
                        case ROOT_NATIVE_STACK, ROOT_THREAD_BLOCK -> in.skip(idSize + 4);
                        case CLASS_DUMP -> classDump(in, false);
                        case INSTANCE_DUMP -> {
                            in.skip(idSize + 4 + idSize);
                            in.skip(in.u4());
                        }
                        case OBJ_ARRAY_DUMP -> {
                            in.skip(idSize + 4);
                            long count = in.u4();
                            in.skip(idSize + count * idSize);
                        }
                        case PRIM_ARRAY_DUMP -> {
                            long id = in.id();
                            in.u4();
                            long count = in.u4();
                            long size = count * typeSize(in.u1());
                            if (ids.contains(id) && size < (1 << 20)) {
                                out.put(id, in.bytes((int) size));
                            } else {
                                in.skip(size);
                            }
                        }
                        default -> throw new IOException("unknown heap dump sub-record 0x" + Integer.toHexString(sub));
                    }
                }
            }
            in.seek(end);
        }
        return out;
    }

    /** Breadth-first from the roots (threads and classes first); the node path root..target, or null. */
    private int[] search(long target, boolean throughSoft) {
        int targetNode = index.get(target);
        if (targetNode < 0) {
            return null;
        }
        int[] parent = new int[nodes];
        Arrays.fill(parent, -1);
        int[] queue = new int[nodes];
        int head = 0;
        int tail = 0;
        int[] order = {ROOT_THREAD_OBJECT, ROOT_STICKY_CLASS, ROOT_JNI_GLOBAL, ROOT_MONITOR_USED, ROOT_UNKNOWN,
            ROOT_JAVA_FRAME, ROOT_JNI_LOCAL, ROOT_NATIVE_STACK, ROOT_THREAD_BLOCK};
        for (int kind : order) {
            for (int r = 0; r < roots; r++) {
                if (rootKinds[r] != kind) {
                    continue;
                }
                int node = index.get(rootIds[r]);
                if (node >= 0 && parent[node] == -1) {
                    parent[node] = -2 - r;
                    queue[tail++] = node;
                }
            }
        }
        while (head < tail && parent[targetNode] == -1) {
            int node = queue[head++];
            if (nodeKinds[node] == KIND_CLASS) {
                for (long next : successors(node)) {
                    tail = visit(next, node, parent, queue, tail);
                }
            } else {
                int end = node + 1 < nodes ? edgeStart[node + 1] : edgeCount;
                for (int e = edgeStart[node]; e < end; e++) {
                    long next = edges[e];
                    if (next > 0 || throughSoft) {
                        tail = visit(Math.abs(next), node, parent, queue, tail);
                    }
                }
            }
        }
        if (parent[targetNode] == -1) {
            return null;
        }
        List<Integer> path = new ArrayList<>();
        int root = -1;
        for (int n = targetNode; ; n = parent[n]) {
            path.add(n);
            if (parent[n] <= -2) {
                root = -2 - parent[n];
                break;
            }
        }
        int[] out = new int[path.size() + 1];
        out[0] = root;
        for (int i = 0; i < path.size(); i++) {
            out[i + 1] = path.get(path.size() - 1 - i);
        }
        return out;
    }

    private int visit(long next, int from, int[] parent, int[] queue, int tail) {
        int n = next == 0 ? -1 : index.get(next);
        if (n >= 0 && parent[n] == -1) {
            parent[n] = from;
            queue[tail++] = n;
        }
        return tail;
    }

    /** What a class holds: its static fields, its loader, protection domain and signers. */
    private long[] successors(int node) {
        ClassInfo c = classes.get(nodeIds[node]);
        long[] out = Arrays.copyOf(c.staticIds, c.staticIds.length + 3);
        out[c.staticIds.length] = c.loaderId;
        out[c.staticIds.length + 1] = c.domainId;
        out[c.staticIds.length + 2] = c.signersId;
        return out;
    }

    /** The path in words; path[0] is the root's index, the rest are nodes. */
    private Result render(HprofReader in, int[] path, String loaderNameAndId, boolean soft) throws IOException {
        int root = path[0];
        int rootKind = rootKinds[root];
        String rootThreadName = null;
        long rootThreadId = 0;
        if (rootKind == ROOT_THREAD_OBJECT) {
            rootThreadId = rootIds[root];
        } else if (rootThreads[root] != 0 && threadsBySerial.containsKey(rootThreads[root])) {
            rootThreadId = threadsBySerial.get(rootThreads[root])[0];
        }
        // Thread names: of the root's thread and of every thread on the path.
        Map<Long, Long> nameIds = new HashMap<>(); // thread id -> name String id
        Set<Long> threads = new HashSet<>();
        if (rootThreadId != 0) {
            threads.add(rootThreadId);
        }
        for (int i = 1; i < path.length; i++) {
            if (isThread(in, path[i])) {
                threads.add(nodeIds[path[i]]);
            }
        }
        for (long t : threads) {
            long nameId = fieldValue(in, index.get(t), "java.lang.Thread", "name");
            if (nameId != 0) {
                nameIds.put(t, nameId);
            }
        }
        Map<Long, String> names = strings(in, nameIds.values());
        if (rootThreadId != 0) {
            rootThreadName = names.get(nameIds.get(rootThreadId));
        }
        String loaderLabel = loaderNameAndId.replaceAll("^'(.*)' @[0-9a-f]+$", "$1") + " loader";
        long driverLoader = nodeIds[path[path.length - 1]];

        List<Step> steps = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        String rootWords;
        switch (rootKind) {
            case ROOT_THREAD_OBJECT -> rootWords = "thread";
            case ROOT_STICKY_CLASS -> rootWords = "class";
            case ROOT_JNI_GLOBAL -> {
                rootWords = "JNI global reference";
                text.append("JNI global reference -> ");
            }
            case ROOT_JAVA_FRAME, ROOT_JNI_LOCAL, ROOT_NATIVE_STACK, ROOT_THREAD_BLOCK -> {
                rootWords = "thread stack";
                text.append("thread \"").append(rootThreadName).append("\" ").append(frameWords(root)).append(" -> ");
            }
            case ROOT_MONITOR_USED -> {
                rootWords = "monitor in use";
                text.append("monitor in use -> ");
            }
            default -> {
                rootWords = "unknown root";
                text.append("unknown GC root -> ");
            }
        }
        for (int i = 1; i < path.length; i++) {
            int node = path[i];
            String edge = i == 1 ? null : edgeLabel(in, path[i - 1], nodeIds[node]);
            String className;
            String label;
            boolean isClass = nodeKinds[node] == KIND_CLASS;
            boolean ofDriver;
            String threadName = null;
            if (isClass) {
                ClassInfo c = classes.get(nodeIds[node]);
                className = c.name;
                label = c.name + ".class";
                ofDriver = c.loaderId == driverLoader;
            } else {
                ClassInfo c = classes.get(classOf(in, node));
                className = c == null ? "?" : c.name;
                ofDriver = c != null && c.loaderId == driverLoader;
                if (i == path.length - 1) {
                    label = loaderLabel;
                } else if (isThread(in, node)) {
                    threadName = names.get(nameIds.get(nodeIds[node]));
                    label = (i == 1 && rootKind == ROOT_THREAD_OBJECT ? "thread" : className)
                            + " \"" + threadName + "\"";
                } else {
                    label = className;
                }
            }
            if (edge != null) {
                text.append(edge).append(" -> ");
            }
            text.append(label);
            if (i < path.length - 1) {
                text.append(" -> ");
            }
            steps.add(new Step(edge, label, className, isClass, ofDriver, threadName));
        }
        return new Result(rootWords, rootThreadName, steps, text.toString(), nodes, soft);
    }

    private String frameWords(int root) {
        long[] thread = threadsBySerial.get(rootThreads[root]);
        long[] trace = thread == null ? null : traces.get(thread[1]);
        long depth = rootFrames[root];
        if (trace == null || depth < 0 || depth >= trace.length) {
            return rootKinds[root] == ROOT_JAVA_FRAME ? "(a local variable)" : "(native or JNI local)";
        }
        long[] frame = frames.get(trace[(int) depth]);
        if (frame == null) {
            return "(a local variable)";
        }
        Long classId = classBySerial.get(frame[1]);
        ClassInfo c = classId == null ? null : classes.get(classId);
        return "(a local variable of " + (c == null ? "?" : c.name) + "." + utf8.get(frame[0]) + ")";
    }

    private boolean isThread(HprofReader in, int node) throws IOException {
        if (nodeKinds[node] != KIND_INSTANCE) {
            return false;
        }
        ClassInfo c = classes.get(classOf(in, node));
        return c != null && c.thread;
    }

    private long classOf(HprofReader in, int node) throws IOException {
        in.seek(nodeOffsets[node]);
        in.id();
        in.u4();
        if (nodeKinds[node] == KIND_ARRAY) {
            in.u4();
        }
        return in.id();
    }

    /** The value of a reference field of an instance node, or 0. */
    private long fieldValue(HprofReader in, int node, String declaring, String name) throws IOException {
        if (node < 0 || nodeKinds[node] != KIND_INSTANCE) {
            return 0;
        }
        ClassInfo c = classes.get(classOf(in, node));
        int length = in.i4();
        in.ensure(length);
        int[] f = c == null ? null : field(c, declaring, name);
        return f == null || f[1] != OBJECT ? 0 : in.idAt(f[0]);
    }

    /** How a node holds the next object: a field, a static, an array slot; null for its class or loader. */
    private String edgeLabel(HprofReader in, int from, long to) throws IOException {
        switch (nodeKinds[from]) {
            case KIND_CLASS -> {
                ClassInfo c = classes.get(nodeIds[from]);
                for (int i = 0; i < c.staticIds.length; i++) {
                    if (c.staticIds[i] == to) {
                        return c.name + "." + c.staticNames[i];
                    }
                }
                if (to == c.domainId) {
                    return "(protection domain)";
                }
                if (to == c.signersId) {
                    return "(signers)";
                }
                return null;
            }
            case KIND_INSTANCE -> {
                ClassInfo c = classes.get(classOf(in, from));
                int length = in.i4();
                in.ensure(length);
                if (c != null) {
                    for (int r = 0; r < c.refOffsets.length; r++) {
                        if ((c.refOffsets[r] != c.skipOffset || c.soft) && in.idAt(c.refOffsets[r]) == to) {
                            return c.refLabels[r];
                        }
                    }
                }
                return null;
            }
            default -> {
                in.seek(nodeOffsets[from]);
                in.id();
                in.u4();
                long count = in.u4();
                in.id();
                for (long i = 0; i < count; i++) {
                    if (in.id() == to) {
                        return "[" + i + "]";
                    }
                }
                return null;
            }
        }
    }
}
