package org.wdf4j.host;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxChildDescription;
import org.wdf4j.framework.FxChildIds;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.NameRule;
import org.wdf4j.framework.VerifierSettings;

/**
 * The host's PnP manager: the device tree of root-enumerated device nodes, each matched to the driver whose package
 * lists its hardware ID ({@code Wdf4j-Hardware-Ids}), as Windows' PnP manager does for devices that
 * {@code devcon install} creates under {@code ROOT}.
 *
 * <pre>{@code
 * HostedDriver echo = host.start(DriverPackage.open(Path.of("echo.jar")));
 * PnpManager.DevNode node = host.pnp().addDevice("ROOT\\ECHO");   // ROOT\ECHO\0000, STARTED
 * host.pnp().disable(node.instanceId());                           // REMOVE: DISABLED
 * host.pnp().enable(node.instanceId());                            // EvtDriverDeviceAdd + START: STARTED
 * host.pnp().removeDevice(node.instanceId());                      // REMOVE: the node is gone
 * }</pre>
 *
 * <p>A node whose hardware ID no running driver lists stays in the tree as {@link Status#NO_DRIVER} (Device
 * Manager's yellow bang) until such a driver starts; a host with a driver store starts an installed driver that lists
 * it. A start that fails leaves the node {@link Status#FAILED} with the status as its problem, and the framework's
 * device is removed, as Windows does after a failed start.
 *
 * <p>Stopping a driver ({@link DriverHost#stop(HostedDriver)}) removes its devices first (U7), in creation order; their
 * nodes become NO_DRIVER again. Drivers that made control devices show as {@code ROOT\LEGACY_NAME\0000} nodes, as
 * Windows shows non-PnP drivers; those nodes cannot be operated on: they go with their driver.
 *
 * <p>Thread-safe. Operations on one node are serialized; operations on different nodes run in parallel. Every
 * operation waits for the driver's callbacks, bounded by the driver's verifier wait timeout (a hung callback makes
 * the driver abandoned, and its node FAILED).
 */
public final class PnpManager {

    private static final Logger LOG = LoggerFactory.getLogger(PnpManager.class);

    /** Where a device node stands. */
    public enum Status {
        /** Its driver's device is started (D0). */
        STARTED,
        /** Started, and in D3 because the system sleeps. */
        SUSPENDED,
        /** EvtDriverDeviceAdd, the start or the resume failed: the node's problem says with what. */
        FAILED,
        /** Disabled by the user: no device object; {@link #enable} starts it again. */
        DISABLED,
        /** No running driver lists its hardware ID. */
        NO_DRIVER,
        /** Surprise-removed, waiting for its remove. */
        SURPRISE_REMOVED
    }

    /**
     * A snapshot of a device node.
     *
     * @param instanceId e.g. {@code ROOT\ECHO\0000}
     * @param hardwareId the hardware ID it was added with, e.g. {@code ROOT\ECHO}; null for the node of a non-PnP
     *     driver ({@code ROOT\LEGACY_NAME\0000})
     * @param driver the name of the driver bound to it, or null
     * @param status where it stands
     * @param problem for a FAILED node, the status that failed it; otherwise null
     * @param interfaces the paths of its enabled device interfaces, e.g.
     *     {@code \\?\ROOT#ECHO#0000#{cdc35b6e-0be4-4936-bf5f-5537380a7c1a}}
     * @param controlDevices for the node of a driver with control devices: their names (opened as {@code \\.\NAME});
     *     otherwise empty
     * @param cause for a FAILED node, what failed it in words when more is known than the status (how its driver
     *     host ended); otherwise null
     * @param host where the node's driver runs ({@code in-process}, {@code driver host 1234}), or null without one
     * @param hardwareIds all its hardware IDs, most specific first (the first is {@code hardwareId})
     * @param compatibleIds its compatible IDs, most specific first
     * @param parent the instance ID of its parent (a bus driver's node), or null for a root-enumerated node
     * @param stack its stack's drivers, bottom first, each with its role, e.g. {@code toaster (function driver)};
     *     empty while it has no devices
     * @param matched how its function driver was chosen, e.g.
     *     {@code toaster (hardware ID ROOT\TOASTER, rank 0x0000, version 1.0)}; null when no driver lists its IDs
     * @param lost the other drivers that list one of its IDs, best first, described as {@code matched}
     * @param deviceText for a bus driver's child, its device description and location as the bus driver gave them
     *     ({@code WdfPdoInitAddDeviceText}), e.g. {@code Microsoft_Eliyas_Toaster_01 (Toaster bus 0)}; otherwise null
     */
    public record DevNode(String instanceId, String hardwareId, String driver, Status status, NtStatus problem,
                          List<String> interfaces, List<String> controlDevices, String cause, String host,
                          List<String> hardwareIds, List<String> compatibleIds, String parent, List<String> stack,
                          String matched, List<String> lost, String deviceText) {

        public DevNode {
            Objects.requireNonNull(instanceId, "instanceId");
            Objects.requireNonNull(status, "status");
            interfaces = List.copyOf(interfaces);
            controlDevices = List.copyOf(controlDevices);
            hardwareIds = List.copyOf(hardwareIds);
            compatibleIds = List.copyOf(compatibleIds);
            stack = List.copyOf(stack);
            lost = List.copyOf(lost);
        }

        /** A node without stack details (the node of a non-PnP driver's control devices). */
        public DevNode(String instanceId, String hardwareId, String driver, Status status, NtStatus problem,
                       List<String> interfaces, List<String> controlDevices, String cause, String host) {
            this(instanceId, hardwareId, driver, status, problem, interfaces, controlDevices, cause, host,
                    hardwareId == null ? List.of() : List.of(hardwareId), List.of(), null, List.of(), null, List.of(), null);
        }

        /** One line, e.g. {@code ROOT\ECHO\0000 (ROOT\ECHO) driver echo: STARTED}. */
        @Override
        public String toString() {
            return instanceId + (hardwareId == null ? "" : " (" + hardwareId + ")") + " driver "
                    + (driver == null ? "(none)" : driver) + ": " + status + (problem == null ? "" : " " + problem);
        }
    }

    /** One device node. Its fields change under {@link #lock}; snapshots read them without it. */
    private static final class Node {
        final String instanceId;
        /** Its first hardware ID. */
        final String hardwareId;
        final List<String> hardwareIds;
        final List<String> compatibleIds;
        final long order;
        /** Serializes the operations on this node. */
        final ReentrantLock lock = new ReentrantLock();
        /** Its function driver's name, or null. */
        volatile String driver;
        /** Its devices, bottom to top; null while it has none. */
        volatile NodeStack stack;
        /** The drivers of its stack as last planned; null before. */
        volatile StackPlan plan;
        /** The last choice of its function driver (ST2). */
        volatile DriverMatcher.Match match = DriverMatcher.Match.NONE;
        volatile Status status = Status.NO_DRIVER;
        volatile NtStatus problem;
        /** What failed the node in words, when more is known than its problem status; null otherwise. */
        volatile String cause;
        volatile boolean deleted;
        /** For a bus driver's child (ST1): its parent node, its PDO (a device of the bus driver) and what the bus driver
         * said of it; null for a root-enumerated node. */
        final Node parent;
        final FxDeviceEndpoint pdo;
        final String busDriver;
        final FxChildIds childIds;
        /** Its children, in the order enumerated; changed with its lock held. */
        final List<Node> children = new CopyOnWriteArrayList<>();

        Node(String instanceId, List<String> hardwareIds, List<String> compatibleIds, long order) {
            this(instanceId, hardwareIds, compatibleIds, order, null, null);
        }

        Node(String instanceId, List<String> hardwareIds, List<String> compatibleIds, long order, Node parent,
             FxChildDescription child) {
            this.parent = parent;
            this.pdo = child == null ? null : child.pdo();
            this.busDriver = child == null ? null : child.pdo().driverName();
            this.childIds = child == null ? null : child.ids();
            this.instanceId = instanceId;
            this.hardwareId = hardwareIds.getFirst();
            this.hardwareIds = List.copyOf(hardwareIds);
            this.compatibleIds = List.copyOf(compatibleIds);
            this.order = order;
        }

        /** The stack with its PDO at the bottom (a child's), for events that reach the PDO too. */
        NodeStack withPdo() {
            NodeStack s = stack == null ? new NodeStack(List.of()) : stack;
            return pdo == null ? s : s.under(new NodeStack.Member(busDriver, StackPlan.Role.BUS_DRIVER, pdo));
        }

        /** The drivers of its stack (or, with none, its function driver), to tell whose failure concerns it. */
        boolean uses(String driverName) {
            NodeStack s = stack;
            return driverName.equals(driver) || (s != null && s.hasDriver(driverName));
        }
    }

    private final DriverHost host;
    /** The nodes by upper-cased instance ID, in creation order; guarded by itself. */
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    /** The instance numbers given per instance ID prefix ({@code ROOT\ECHO}); guarded by {@link #nodes}. */
    private final Map<String, InstanceNumbers> numbers = new LinkedHashMap<>();
    private long nextOrder;
    /** Drivers being stopped: no device is bound to them any more. */
    private final Set<String> stopping = ConcurrentHashMap.newKeySet();
    /** Serializes {@link #sleep()} and {@link #wake()}. */
    private final ReentrantLock powerLock = new ReentrantLock();
    private volatile boolean asleep;
    private volatile VerifierSettings autoStartVerifier = VerifierSettings.on();

    PnpManager(DriverHost host) {
        this.host = host;
    }

    /** The verifier settings of drivers this manager starts from the store for a new device (default: on). */
    public PnpManager autoStartVerifier(VerifierSettings verifier) {
        this.autoStartVerifier = Objects.requireNonNull(verifier, "verifier");
        return this;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Operations

    /**
     * Adds a root-enumerated device with this hardware ID ({@code devcon install}): a node {@code ROOT\LAST\NNNN}
     * (the hardware ID's last component, upper-cased, and a 4-digit counter), bound to the running driver that lists
     * the hardware ID (or, on a host with a store, to an installed one that lists it, started for it), whose
     * EvtDriverDeviceAdd is called and whose device is started.
     *
     * @return the node as it ends: STARTED, FAILED (with the status), or NO_DRIVER
     * @throws IllegalArgumentException for a hardware ID that breaks {@link NameRule#HARDWARE_ID}, naming the rule
     */
    public DevNode addDevice(String hardwareId) {
        Objects.requireNonNull(hardwareId, "hardwareId");
        return addDevice(List.of(hardwareId), List.of());
    }

    /**
     * Adds a root-enumerated device with these hardware and compatible IDs, each list most specific first (ST2): as
     * {@link #addDevice(String)}, its instance ID made from its first hardware ID, its function driver chosen by
     * {@link DriverMatcher}'s ranking.
     *
     * @throws IllegalArgumentException for no hardware ID, or an ID that breaks {@link NameRule#HARDWARE_ID}
     */
    public DevNode addDevice(List<String> hardwareIds, List<String> compatibleIds) {
        List<String> hwids = checkIds(hardwareIds);
        List<String> compatible = checkIds(compatibleIds);
        if (hwids.isEmpty()) {
            throw new IllegalArgumentException("a device needs at least one hardware ID");
        }
        String hwid = hwids.getFirst();
        String prefix = instancePrefix(hwid);
        Node node;
        synchronized (nodes) {
            int n = numbersLocked(prefix).next(number -> nodes.containsKey(key(instanceId(prefix, number))));
            if (n < 0) {
                throw new IllegalStateException("no instance number left for " + prefix + ": 0000 to 9999 are all"
                        + " devices now or kept for remembered ones; remove one (wdf4j device remove)");
            }
            node = new Node(instanceId(prefix, n), hwids, compatible, nextOrder++);
            nodes.put(key(node.instanceId), node);
        }
        LOG.info("PnP: device {} added with hardware ID {}", node.instanceId, hwid);
        bindOrStartDriver(node);
        return snapshot(node);
    }

    /**
     * Adds back a device node a previous host had ({@link StartState}), with its instance ID: as {@link #addDevice},
     * or left DISABLED when it was disabled. Later nodes of that hardware ID get higher instance numbers.
     *
     * @throws IllegalArgumentException when the hardware ID breaks the naming rule, the instance ID is not one
     *     {@link #addDevice} gives that hardware ID, or a node has it already
     */
    public DevNode restoreDevice(String instanceId, String hardwareId, boolean disabled) {
        String hwid = NameRule.HARDWARE_ID.check(hardwareId);
        String prefix = instancePrefix(hwid);
        int number = instanceNumber(instanceId, hwid);
        Node node;
        synchronized (nodes) {
            if (nodes.containsKey(key(instanceId))) {
                throw new IllegalArgumentException("a device " + instanceId + " exists already");
            }
            numbersLocked(prefix).given(number);
            node = new Node(instanceId(prefix, number), List.of(hwid), List.of(), nextOrder++);
            if (disabled) {
                node.status = Status.DISABLED;
            }
            nodes.put(key(node.instanceId), node);
        }
        LOG.info("PnP: device {} added back with hardware ID {}{}", node.instanceId, hwid, disabled ? ", disabled" : "");
        if (!disabled) {
            bindOrStartDriver(node);
        }
        return snapshot(node);
    }

    /**
     * Keeps the instance number of {@code instanceId}, a node {@link #addDevice} gave {@code hardwareId}, from being
     * given again (a remembered node not brought back, under {@code --clean-start}); answers the number.
     *
     * @throws IllegalArgumentException when the instance ID is not one {@link #addDevice} gives that hardware ID
     */
    public int reserveInstanceId(String instanceId, String hardwareId) {
        int number = instanceNumber(instanceId, hardwareId);
        synchronized (nodes) {
            numbersLocked(instancePrefix(hardwareId)).reserve(number);
        }
        return number;
    }

    /** The number of {@code instanceId}, a node {@link #addDevice} gives {@code hardwareId}. */
    private static int instanceNumber(String instanceId, String hardwareId) {
        String prefix = instancePrefix(hardwareId);
        String digits = instanceId.regionMatches(true, 0, prefix + "\\", 0, prefix.length() + 1)
                ? instanceId.substring(prefix.length() + 1) : "";
        if (!digits.matches("[0-9]{4}")) {
            throw new IllegalArgumentException("'" + instanceId + "' is not an instance ID of hardware ID " + hardwareId
                    + ": it would be " + prefix + "\\NNNN (four digits)");
        }
        return Integer.parseInt(digits);
    }

    private static String instanceId(String prefix, int number) {
        return String.format("%s\\%04d", prefix, number);
    }

    private InstanceNumbers numbersLocked(String prefix) {
        assert Thread.holdsLock(nodes);
        return numbers.computeIfAbsent(prefix, p -> new InstanceNumbers());
    }


    private static List<String> checkIds(List<String> ids) {
        return ids.stream().map(id -> NameRule.HARDWARE_ID.check(Objects.requireNonNull(id, "id").strip())).toList();
    }

    /** {@code ROOT\LAST}: the instance IDs of a hardware ID's nodes are this and a 4-digit number. */
    private static String instancePrefix(String hardwareId) {
        return "ROOT\\" + hardwareId.substring(hardwareId.lastIndexOf('\\') + 1).toUpperCase(Locale.ROOT);
    }

    /** Removes the device (an orderly REMOVE) and deletes its node ({@code devcon remove}). */
    public void removeDevice(String instanceId) {
        Node node = lockNode(instanceId);
        try {
            queryRemove(node);
            if (node.parent != null) {
                removeChild(node, false);
                return;
            }
            removeFrameworkDevice(node, "removed");
            node.deleted = true;
            synchronized (nodes) {
                nodes.remove(key(node.instanceId));
            }
            LOG.info("PnP: device {} removed", node.instanceId);
        } finally {
            node.lock.unlock();
        }
    }

    /** Disables the device ({@code devcon disable}): REMOVE; the node stays, DISABLED, until {@link #enable}. */
    public DevNode disable(String instanceId) {
        Node node = lockNode(instanceId);
        try {
            if (node.status != Status.DISABLED) {
                queryRemove(node);
                removeFrameworkDevice(node, "disabled");
                node.status = Status.DISABLED;
                node.problem = null;
                node.cause = null;
                LOG.info("PnP: device {} disabled", node.instanceId);
            }
            return snapshot(node);
        } finally {
            node.lock.unlock();
        }
    }

    /**
     * Enables a DISABLED node, retries a FAILED one, looks again for a driver for a NO_DRIVER one: EvtDriverDeviceAdd
     * and START again. A started node is left as it is.
     */
    public DevNode enable(String instanceId) {
        Node node = lockNode(instanceId);
        try {
            if (node.status != Status.DISABLED && node.status != Status.FAILED && node.status != Status.NO_DRIVER) {
                return snapshot(node);
            }
            node.status = Status.NO_DRIVER;
            node.problem = null;
            node.cause = null;
            node.driver = null;
            LOG.info("PnP: device {} enabled", node.instanceId);
        } finally {
            node.lock.unlock();
        }
        bindOrStartDriver(node);
        return snapshot(node);
    }

    /**
     * The device is gone without warning (unplugged): SURPRISE_REMOVE, then REMOVE, and its node is deleted. While
     * it runs, the node is SURPRISE_REMOVED.
     */
    public void surpriseRemove(String instanceId) {
        Node node = lockNode(instanceId);
        try {
            if (node.parent != null) {
                removeChild(node, true);
                return;
            }
            removeChildren(node, true);
            NodeStack stack = node.stack;
            if (stack != null) {
                node.status = Status.SURPRISE_REMOVED;
                FxDevice.PnpOutcome outcome = stack.pnp(FxPnpMachine.Event.SURPRISE_REMOVE, this::driverUsable);
                removeComplete(node); // ST9: remote targets close (their sent requests cancelled) before REMOVE
                if (outcome == null || !outcome.hung()) {
                    stack.pnp(FxPnpMachine.Event.REMOVE, this::driverUsable);
                }
            }
            removeComplete(node);
            node.stack = null;
            node.deleted = true;
            synchronized (nodes) {
                nodes.remove(key(node.instanceId));
            }
            LOG.info("PnP: device {} surprise-removed", node.instanceId);
        } finally {
            node.lock.unlock();
        }
    }

    /**
     * The system goes to sleep: every started device goes to D3 (SLEEP), last added first; they are SUSPENDED until
     * {@link #wake()}. Devices that start meanwhile are suspended at once.
     *
     * @return the device tree afterwards
     */
    public List<DevNode> sleep() {
        powerLock.lock();
        try {
            asleep = true;
            for (Node node : nodeList().reversed()) {
                node.lock.lock();
                try {
                    if (!node.deleted && node.status == Status.STARTED) {
                        suspend(node);
                    }
                } finally {
                    node.lock.unlock();
                }
            }
            LOG.info("PnP: the system sleeps");
            return devices();
        } finally {
            powerLock.unlock();
        }
    }

    /**
     * The system wakes: every suspended device goes back to D0 (WAKE), first added first. A device whose resume
     * fails is FAILED with the status, and removed.
     *
     * @return the device tree afterwards
     */
    public List<DevNode> wake() {
        powerLock.lock();
        try {
            asleep = false;
            for (Node node : nodeList()) {
                node.lock.lock();
                try {
                    if (!node.deleted && node.status == Status.SUSPENDED) {
                        resume(node);
                    }
                } finally {
                    node.lock.unlock();
                }
            }
            LOG.info("PnP: the system is awake");
            return devices();
        } finally {
            powerLock.unlock();
        }
    }

    /** Whether the system sleeps ({@link #sleep()} without {@link #wake()} since). */
    public boolean isAsleep() {
        return asleep;
    }

    /**
     * The device tree: the root-enumerated nodes in the order they were added, then a {@code ROOT\LEGACY_NAME\0000}
     * node for each running driver that has control devices.
     */
    public List<DevNode> devices() {
        List<DevNode> tree = new ArrayList<>();
        for (Node node : nodeList()) {
            tree.add(snapshot(node));
        }
        for (HostedDriver hosted : host.drivers()) {
            DriverRuntime runtime = hosted.runtime();
            if (runtime == null) {
                continue;
            }
            List<String> names = runtime.controlDevices();
            if (!names.isEmpty()) {
                tree.add(new DevNode(legacyInstanceId(hosted.name()), null, hosted.name(),
                        hosted.isRunning() ? Status.STARTED : Status.FAILED,
                        runtime.failure() == null ? null : NtStatus.STATUS_DRIVER_INTERNAL_ERROR, List.of(), names,
                        runtime.failure(), where(hosted)));
            }
        }
        return List.copyOf(tree);
    }

    /** The node with this instance ID (case-insensitive), if any. */
    public Optional<DevNode> device(String instanceId) {
        return devices().stream().filter(n -> n.instanceId().equalsIgnoreCase(instanceId)).findFirst();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // For the host

    /**
     * A driver started: nodes without a driver get their stacks when it completes one (its hardware IDs match them, or
     * it is a filter they wait for), first added first.
     */
    void driverStarted(HostedDriver hosted) {
        for (Node node : nodeList()) {
            if (node.status == Status.NO_DRIVER) {
                tryBind(node);
            }
        }
    }

    /**
     * U7: the driver is about to be stopped: its devices are removed, in creation order, and their nodes left without
     * a driver (NO_DRIVER; a disabled node stays DISABLED). A node's stack goes whole (ST3): a filter's stop removes
     * the node's other devices too, and the node gets its stack again when the filter starts again. A driver stopped by a bug check is not called: the
     * framework deletes its devices with the driver object.
     *
     * @return the instance IDs of the devices removed, in order
     */
    List<String> driverStopping(HostedDriver hosted) {
        String name = hosted.name();
        stopping.add(name);
        List<String> removed = new ArrayList<>();
        for (Node node : nodeList()) {
            if (!node.uses(name)) {
                continue;
            }
            node.lock.lock();
            try {
                if (node.deleted || !node.uses(name)) {
                    continue;
                }
                if (node.stack != null) {
                    if (driverUsable(name)) {
                        descendants(node, removed); // its children are removed first (ST4)
                        removed.add(node.instanceId);
                        String vetoer = host.targetNotifications().queryRemove(subtree(node)); // ST9
                        if (vetoer != null) {
                            LOG.warn("PnP: {} vetoed the removal of {}, but driver {} is stopping: the device is "
                                    + "removed and the target told so", vetoer, node.instanceId, name);
                        }
                    }
                    // a stack is built and removed whole: a filter's stop removes the node's other devices too
                    removeFrameworkDevice(node, "removed before its driver " + name + " unloads (U7)");
                }
                unbind(node);
            } finally {
                node.lock.unlock();
            }
        }
        return removed;
    }

    /** The framework refused to stop the driver: it keeps running, and devices may be bound to it again. */
    void driverStopRefused(HostedDriver hosted) {
        stopping.remove(hosted.name());
        driverStarted(hosted);
    }

    /** The driver is unloaded (or abandoned): no node keeps its device; its nodes are left without a driver. */
    void driverGone(String name) {
        for (Node node : nodeList()) {
            if (!node.uses(name)) {
                continue;
            }
            node.lock.lock();
            try {
                if (node.uses(name)) {
                    removeChildren(node, true); // their PDOs went with it; what runs above them is removed
                    node.stack = null;
                    removeComplete(node); // ST9: its devices went with the driver
                    unbind(node);
                }
            } finally {
                node.lock.unlock();
            }
        }
        stopping.remove(name);
        for (Node node : nodeList()) {
            if (node.status == Status.NO_DRIVER) {
                tryBind(node, false); // what it waits for now
            }
        }
    }

    /**
     * H5: the driver's driver host ended: its nodes are FAILED with STATUS_DRIVER_PROCESS_TERMINATED and the cause;
     * their devices are gone with the process (nothing is sent to them).
     */
    void driverHostFailed(String name, String cause) {
        List<IoClient.DeviceHostProblem> problems = new ArrayList<>();
        for (Node node : nodeList()) {
            if (!node.uses(name)) {
                continue;
            }
            node.lock.lock();
            try {
                if (node.uses(name) && !node.deleted && node.status != Status.DISABLED
                        && node.status != Status.NO_DRIVER) {
                    List<String> paths = snapshot(node).interfaces();
                    problems.add(new IoClient.DeviceHostProblem(node.instanceId, name,
                            NtStatus.STATUS_DRIVER_PROCESS_TERMINATED, cause, paths));
                    node.stack = null;
                    node.status = Status.FAILED;
                    node.problem = NtStatus.STATUS_DRIVER_PROCESS_TERMINATED;
                    removeChildren(node, true); // a bus's children go with it
                    removeComplete(node); // ST9: its devices went with the process
                    node.cause = cause;
                    LOG.warn("PnP: device {} ({}) failed: driver {}'s {}", node.instanceId, node.hardwareId, name,
                            cause);
                } else if (node.uses(name)) {
                    node.stack = null;
                }
            } finally {
                node.lock.unlock();
            }
        }
        problems.forEach(host::deviceHostProblem);
    }

    /**
     * H6: the driver runs again in a new driver host: the nodes its failure failed get their stacks back (each as
     * soon as all its drivers run again).
     */
    void driverRestarted(HostedDriver hosted) {
        for (Node node : nodeList()) {
            node.lock.lock();
            try {
                if (node.deleted || node.status != Status.FAILED
                        || !NtStatus.STATUS_DRIVER_PROCESS_TERMINATED.equals(node.problem)
                        || !(hosted.name().equals(node.driver) || node.plan != null
                                && node.plan.drivers().contains(hosted.name()))) {
                    continue;
                }
                node.status = Status.NO_DRIVER;
                node.problem = null;
                node.cause = null;
                node.driver = null;
            } finally {
                node.lock.unlock();
            }
        }
        driverStarted(hosted);
    }

    /**
     * A bus device's children changed (IoInvalidateDeviceRelations, ST1): its node is enumerated again on another
     * thread (the driver's thread that told it must not wait for the PnP manager).
     */
    void busRelationsChanged(FxDeviceEndpoint bus) {
        for (Node node : nodeList()) {
            NodeStack stack = node.stack;
            if (stack != null && stack.members().stream().anyMatch(m -> m.device() == bus)) {
                Thread.ofVirtual().name("wdf4j-pnp-enumerate").start(() -> enumerate(node));
                return;
            }
        }
    }

    /** The creation order of a node, for listing interfaces in the order devices were added. */
    long order(String instanceId) {
        synchronized (nodes) {
            Node node = nodes.get(key(instanceId));
            return node == null ? Long.MAX_VALUE : node.order;
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Steps, each with the node's lock held (except bindOrStartDriver, which takes it)

    /**
     * Chooses the node's function driver among all the drivers the host knows (running or installed, ST2), starts the
     * installed drivers its stack needs (function driver and filters, ST3) where the stack runs, and builds the stack
     * when they all run ({@link #tryBind}).
     */
    private void bindOrStartDriver(Node node) {
        DriverCatalog catalog = DriverCatalog.of(host, stopping);
        DriverMatcher.Match match = DriverMatcher.match(node.hardwareIds, node.compatibleIds, catalog);
        if (match.chosen() == null) {
            node.match = match;
            LOG.info("PnP: no driver for {} ({}): the device has no driver", node.instanceId, node.hardwareId);
            return;
        }
        StackPlan plan = StackPlan.of(catalog.get(match.chosen().driver()), catalog);
        HostingModel hosting = StackHosting.of(plan, catalog, host);
        for (StackPlan.Level level : plan.levels()) {
            DriverCatalog.Entry entry = catalog.get(level.driver());
            if (entry == null || entry.running() || host.driver(level.driver()) != null) {
                continue;
            }
            try {
                // Its start binds the nodes waiting for it (driverStarted), this one when its stack is complete.
                HostedDriver started = host.start(level.driver(), autoStartVerifier, hosting);
                if (started.report() != null) {
                    LOG.warn("PnP: driver {}, installed as the {} of {}, failed in DriverEntry", level.driver(),
                            level.role().label(), node.instanceId);
                }
            } catch (DriverPackageException | DriverStoreException | IOException | RuntimeException e) {
                LOG.warn("PnP: cannot start driver {} for {}: {}", level.driver(), node.instanceId, e.getMessage());
            }
        }
        tryBind(node);
    }

    /**
     * Builds the stack of a node without a driver when its drivers all run, in one process: matches it again (the
     * drivers may have changed), then EvtDriverDeviceAdd of each, bottom first, then START through the stack. A node
     * whose stack is not complete stays NO_DRIVER, its cause naming the driver it waits for.
     */
    private void tryBind(Node node) {
        tryBind(node, true);
    }

    /** As {@link #tryBind(Node)}; without {@code mayBuild}, only says what the node waits for (its cause). */
    private void tryBind(Node node, boolean mayBuild) {
        node.lock.lock();
        try {
            if (node.deleted || node.status != Status.NO_DRIVER) {
                return;
            }
            DriverCatalog catalog = DriverCatalog.of(host, stopping);
            DriverMatcher.Match match = DriverMatcher.match(node.hardwareIds, node.compatibleIds, catalog);
            node.match = match;
            node.cause = null;
            if (match.chosen() == null) {
                return;
            }
            StackPlan plan = StackPlan.of(catalog.get(match.chosen().driver()), catalog);
            node.plan = plan;
            List<HostedDriver> drivers = new ArrayList<>();
            for (StackPlan.Level level : plan.levels()) {
                HostedDriver hosted = host.driver(level.driver());
                if (hosted == null || !hosted.isRunning() || stopping.contains(level.driver())) {
                    node.cause = "waiting for its " + level.role().label() + " " + level.driver() + ", which "
                            + (catalog.get(level.driver()) != null ? "is installed but not running (wdf4j device enable "
                                    + node.instanceId + " starts it)" : "is neither running nor installed");
                    return;
                }
                drivers.add(hosted);
            }
            if (!mayBuild) {
                return;
            }
            String problem = StackHosting.problem(plan, drivers);
            if (problem != null) {
                node.driver = match.chosen().driver();
                fail(node, NtStatus.STATUS_INVALID_DEVICE_STATE, "its stack cannot be built");
                node.cause = problem;
                return;
            }
            build(node, match.chosen().matchedId(), plan, drivers);
        } finally {
            node.lock.unlock();
        }
    }

    /** EvtDriverDeviceAdd of each driver of the plan, bottom first, then START bottom-up (ST3, ST4). */
    private void build(Node node, String matchedId, StackPlan plan, List<HostedDriver> drivers) {
        node.driver = plan.levels().stream().filter(l -> l.role() == StackPlan.Role.FUNCTION).findFirst()
                .orElseThrow().driver();
        NodeStack stack = new NodeStack(List.of());
        boolean onPdo = onPdo(node, drivers.getFirst());
        for (int i = 0; i < drivers.size(); i++) {
            StackPlan.Level level = plan.levels().get(i);
            DriverRuntime runtime = drivers.get(i).runtime();
            NtResult<? extends FxDeviceEndpoint> added = runtime == null ? NtResult.failure(NtStatus.STATUS_NO_SUCH_DEVICE)
                    : runtime.addDevice(matchedId, node.instanceId, i == 0 && !onPdo);
            if (!added.isSuccess()) {
                node.stack = stack.members().isEmpty() ? null : stack;
                removeFrameworkDevice(node, "its stack failed");
                fail(node, added.status(), "EvtDriverDeviceAdd of its " + level.role().label() + " " + level.driver()
                        + " failed");
                return;
            }
            stack = stack.with(new NodeStack.Member(level.driver(), level.role(), added.value()));
            node.stack = stack;
        }
        // a parent is started before its children (ST4): a child's PDO is started first, bottom-up with the stack
        FxDevice.PnpOutcome outcome = node.withPdo().pnp(FxPnpMachine.Event.START, this::driverUsable);
        if (outcome != null && outcome.state() == FxPnpMachine.State.STARTED && outcome.status().isSuccess()
                && !outcome.hung()) {
            node.status = Status.STARTED;
            node.problem = null;
            node.cause = null;
            LOG.info("PnP: device {} started: {}", node.instanceId, node.withPdo().describe());
            if (asleep) {
                suspend(node);
            }
            enumerate(node); // its children, now that it runs (ST1)
            return;
        }
        failStarted(node, outcome == null ? new FxDevice.PnpOutcome(FxPnpMachine.State.FAILED,
                NtStatus.STATUS_UNSUCCESSFUL, false, false) : outcome, "the start failed");
    }

    /**
     * Asks the started node's function device for its bus relations (ST1) and acts on them, as Windows' PnP manager
     * does after IRP_MN_QUERY_DEVICE_RELATIONS: a new child gets a node under it, {@code DEVICEID\INSTANCEID}, matched
     * and started like any device (its PDO at the bottom of its stack); a child no longer reported is surprise-removed
     * and its node deleted (ST4); a child whose eject was asked for is removed in order and its node deleted. Takes the
     * node's lock, then its children's.
     */
    private void enumerate(Node node) {
        List<Node> added = new ArrayList<>();
        node.lock.lock();
        try {
            NodeStack stack = node.stack;
            if (node.deleted || stack == null || (node.status != Status.STARTED && node.status != Status.SUSPENDED)) {
                return;
            }
            FxDeviceEndpoint bus = stack.members().stream().filter(m -> m.role() == StackPlan.Role.FUNCTION)
                    .map(NodeStack.Member::device).findFirst().orElse(null);
            List<FxChildDescription> relations = bus == null ? null : bus.busRelations();
            if (relations == null) {
                return;
            }
            for (Node child : node.children) {
                FxChildDescription now = relations.stream().filter(d -> d.pdo() == child.pdo).findFirst().orElse(null);
                if (now == null) {
                    removeChild(child, true); // reported missing: unplugged
                } else if (now.ejectRequested()) {
                    String vetoer = host.targetNotifications().queryRemove(subtree(child)); // ST9
                    if (vetoer == null) {
                        removeChild(child, false); // ejected: removed in order
                    } else {
                        LOG.warn("PnP: the eject of {} was vetoed by {}: the child stays", child.instanceId, vetoer);
                    }
                }
            }
            for (FxChildDescription d : relations) {
                if (d.ejectRequested() || node.children.stream().anyMatch(c -> c.pdo == d.pdo())) {
                    continue;
                }
                Node child = addChild(node, d);
                if (child != null) {
                    added.add(child);
                }
            }
        } finally {
            node.lock.unlock();
        }
        added.forEach(this::bindOrStartDriver);
    }

    /** A node for a new child; null (logged) when its IDs are refused or its instance path is taken. */
    private Node addChild(Node parent, FxChildDescription d) {
        FxChildIds ids = d.ids();
        String path = ids.instancePath();
        List<String> hardwareIds;
        List<String> compatibleIds;
        try {
            NameRule.HARDWARE_ID.check(path);
            hardwareIds = checkIds(ids.hardwareIds());
            compatibleIds = checkIds(ids.compatibleIds());
        } catch (IllegalArgumentException e) {
            LOG.warn("PnP: bus {} reported a child whose IDs are refused: {}", parent.instanceId, e.getMessage());
            return null;
        }
        Node child;
        synchronized (nodes) {
            if (nodes.containsKey(key(path))) {
                LOG.warn("PnP: bus {} reported a child {} that is a device already: each child of a bus needs its own "
                        + "device ID and instance ID (WdfPdoInitAssignInstanceID); it is ignored", parent.instanceId, path);
                return null;
            }
            child = new Node(path, hardwareIds, compatibleIds, nextOrder++, parent, d);
            // matched at once, so that the tree never shows a child that has a driver as having none
            child.match = DriverMatcher.match(hardwareIds, compatibleIds, DriverCatalog.of(host, stopping));
            nodes.put(key(path), child);
        }
        parent.children.add(child);
        LOG.info("PnP: bus {} enumerated child {} ({})", parent.instanceId, path, hardwareIds.getFirst());
        return child;
    }

    /** The node's children and theirs, in the order {@link #removeChildren} removes them. */
    private static void descendants(Node node, List<String> into) {
        for (Node child : node.children.reversed()) {
            descendants(child, into);
            into.add(child.instanceId);
        }
    }

    /** Removes every child of the node, each with its own children first (ST4). Takes each child's lock. */
    private void removeChildren(Node node, boolean surprise) {
        for (Node child : node.children.reversed()) {
            removeChild(child, surprise);
        }
    }

    /**
     * A child is gone: its children first, then SURPRISE_REMOVE (when {@code surprise} and it has devices) and REMOVE
     * through its stack top-down, its PDO last; its node is deleted.
     */
    private void removeChild(Node child, boolean surprise) {
        child.lock.lock();
        try {
            if (child.deleted) {
                return;
            }
            removeChildren(child, surprise);
            NodeStack full = child.withPdo();
            if (surprise) {
                child.status = Status.SURPRISE_REMOVED;
                FxDevice.PnpOutcome outcome = full.pnp(FxPnpMachine.Event.SURPRISE_REMOVE, this::driverUsable);
                if (outcome != null && outcome.hung()) {
                    LOG.warn("PnP: the surprise removal of {} hung", child.instanceId);
                }
                removeComplete(child); // ST9: remote targets close (their sent requests cancelled) before REMOVE
            }
            full.pnp(FxPnpMachine.Event.REMOVE, this::driverUsable);
            removeComplete(child);
            child.stack = null;
            child.deleted = true;
            synchronized (nodes) {
                nodes.remove(key(child.instanceId));
            }
            child.parent.children.remove(child);
            LOG.info("PnP: child {} of {} {}", child.instanceId, child.parent.instanceId,
                    surprise ? "surprise-removed (missing)" : "removed");
        } finally {
            child.lock.unlock();
        }
    }

    /** Whether a child's first upper driver runs where its PDO is, so that its device joins the PDO's stack. */
    private boolean onPdo(Node node, HostedDriver first) {
        if (node.pdo == null) {
            return false;
        }
        HostedDriver bus = host.driver(node.busDriver);
        DriverRuntime busRuntime = bus == null ? null : bus.runtime();
        DriverRuntime runtime = first.runtime();
        return busRuntime != null && runtime != null && busRuntime.pid() == runtime.pid();
    }

    /** SLEEP. */
    private void suspend(Node node) {
        NodeStack stack = node.stack;
        if (stack == null) {
            return;
        }
        FxDevice.PnpOutcome outcome = node.withPdo().pnp(FxPnpMachine.Event.SLEEP, this::driverUsable);
        if (outcome == null) {
            return;
        }
        if (outcome.state() == FxPnpMachine.State.SUSPENDED) {
            node.status = Status.SUSPENDED;
        } else if (outcome.hung() || outcome.state() == FxPnpMachine.State.FAILED) {
            failStarted(node, outcome, "the suspend failed");
        }
    }

    /** WAKE. */
    private void resume(Node node) {
        NodeStack stack = node.stack;
        if (stack == null) {
            return;
        }
        FxDevice.PnpOutcome outcome = node.withPdo().pnp(FxPnpMachine.Event.WAKE, this::driverUsable);
        if (outcome == null) {
            return;
        }
        if (outcome.state() == FxPnpMachine.State.STARTED) {
            node.status = Status.STARTED;
        } else {
            failStarted(node, outcome, "the resume failed");
        }
    }

    /** A start, suspend or resume failed: the node is FAILED and, as Windows does then, the device is removed. */
    private void failStarted(Node node, FxDevice.PnpOutcome outcome, String what) {
        NtStatus status = outcome.hung() ? NtStatus.STATUS_UNSUCCESSFUL
                : outcome.status().isSuccess() ? NtStatus.STATUS_UNSUCCESSFUL : outcome.status();
        NodeStack stack = node.stack;
        if (!outcome.hung()) {
            removeChildren(node, true);
        }
        if (stack != null && !outcome.hung()) {
            stack.pnp(FxPnpMachine.Event.REMOVE, this::driverUsable);
        }
        node.stack = null;
        removeComplete(node);
        fail(node, status, what);
    }

    private void fail(Node node, NtStatus status, String what) {
        node.status = Status.FAILED;
        node.problem = status;
        LOG.warn("PnP: device {} ({}), driver {}: {} with {}", node.instanceId, node.hardwareId, node.driver, what, status);
    }

    /**
     * REMOVE through the node's stack, top-down, to each device whose driver can still be called; the node keeps no
     * device.
     */
    private void removeFrameworkDevice(Node node, String why) {
        removeChildren(node, false); // a parent's children are removed before it (ST4)
        NodeStack stack = node.stack;
        node.stack = null;
        if (stack != null) {
            FxDevice.PnpOutcome outcome = stack.pnp(FxPnpMachine.Event.REMOVE, this::driverUsable);
            if (outcome != null && outcome.hung()) {
                LOG.warn("PnP: the remove of {} hung; driver {} is abandoned", node.instanceId, node.driver);
            }
            removeComplete(node);
        }
        LOG.debug("PnP: device {} {}", node.instanceId, why);
    }

    /** A node and its descendants (theirs first), for a query-remove, which asks about the whole subtree (ST9). */
    private static List<String> subtree(Node node) {
        List<String> ids = new ArrayList<>();
        descendants(node, ids);
        ids.add(node.instanceId);
        return ids;
    }

    /**
     * ST9: before an orderly removal, the remote targets open on the node or its descendants are asked; a veto leaves
     * the device as it is.
     *
     * @throws RemovalVetoedException when one vetoed
     */
    private void queryRemove(Node node) {
        String vetoer = host.targetNotifications().queryRemove(subtree(node));
        if (vetoer != null) {
            throw new RemovalVetoedException(node.instanceId, vetoer);
        }
    }

    /** ST9: the node's devices are gone: the remote targets open on it are told (once) and forgotten. */
    private void removeComplete(Node node) {
        host.targetNotifications().removeComplete(List.of(node.instanceId));
    }

    /** The node has no driver any more: NO_DRIVER, unless the user disabled it. */
    private static void unbind(Node node) {
        node.driver = null;
        if (node.status == Status.FAILED && NtStatus.STATUS_DRIVER_PROCESS_TERMINATED.equals(node.problem)) {
            return; // its driver host failed and the driver was not restarted: it stays failed, with the cause
        }
        node.problem = null;
        node.cause = null;
        if (node.status != Status.DISABLED) {
            node.status = Status.NO_DRIVER;
        }
    }

    /** Whether the driver of that name runs and has not failed: PnP events may be sent to its devices. */
    private boolean driverUsable(String name) {
        if (name == null) {
            return false;
        }
        HostedDriver hosted = host.driver(name);
        return hosted != null && hosted.isRunning();
    }

    /** Where a driver runs, for the tree: {@code in-process}, or {@code driver host PID, N restarts, M left}. */
    private String where(HostedDriver hosted) {
        if (!hosted.hosting().isIsolated()) {
            return hosted.where();
        }
        int restarts = hosted.restarts();
        return hosted.where() + ", " + restarts + (restarts == 1 ? " restart, " : " restarts, ")
                + hosted.restartsLeft(host.restartPolicy()) + " left";
    }

    /** Finds the node and takes its lock; the errors name the instance ID and list the known ones. */
    private Node lockNode(String instanceId) {
        Objects.requireNonNull(instanceId, "instanceId");
        Node node;
        synchronized (nodes) {
            node = nodes.get(key(instanceId));
        }
        if (node == null) {
            throw unknown(instanceId);
        }
        node.lock.lock();
        if (node.deleted) {
            node.lock.unlock();
            throw unknown(instanceId);
        }
        return node;
    }

    private IllegalArgumentException unknown(String instanceId) {
        for (HostedDriver hosted : host.drivers()) {
            if (legacyInstanceId(hosted.name()).equalsIgnoreCase(instanceId)) {
                return new IllegalArgumentException(instanceId + " is the node of driver " + hosted.name()
                        + "'s control devices: they go with the driver; stop the driver instead");
            }
        }
        List<String> known = nodeList().stream().map(n -> n.instanceId).toList();
        return new IllegalArgumentException("no device " + instanceId + " in the device tree; known devices: "
                + (known.isEmpty() ? "(none)" : String.join(", ", known)));
    }

    private List<Node> nodeList() {
        synchronized (nodes) {
            return new ArrayList<>(nodes.values());
        }
    }

    private static String key(String instanceId) {
        return instanceId.toUpperCase(Locale.ROOT);
    }

    static String legacyInstanceId(String driverName) {
        return "ROOT\\LEGACY_" + driverName.toUpperCase(Locale.ROOT) + "\\0000";
    }

    private DevNode snapshot(Node node) {
        NodeStack stack = node.stack;
        List<String> paths = new ArrayList<>();
        List<String> levels = new ArrayList<>();
        if (stack != null) {
            for (FxDevice.DeviceInterface i : stack.interfaces()) {
                if (i.active()) {
                    paths.add(DeviceNamespace.interfacePath(node.instanceId, i.interfaceClassGuid(), i.referenceString()));
                }
            }
        }
        node.withPdo().members().forEach(m -> levels.add(m.driver() + " (" + m.role().label() + ")"));
        FxChildIds ids = node.childIds;
        String text = ids == null || ids.description() == null ? null
                : ids.description() + (ids.location() == null ? "" : " (" + ids.location() + ")");
        String driver = node.driver;
        HostedDriver hosted = driver == null ? null : host.driver(driver);
        DriverMatcher.Match match = node.match;
        return new DevNode(node.instanceId, node.hardwareId, driver, node.status, node.problem, paths, List.of(),
                node.cause, hosted == null ? null : where(hosted), node.hardwareIds, node.compatibleIds,
                node.parent == null ? null : node.parent.instanceId, levels,
                match.chosen() == null ? null : match.chosen().describe(),
                match.lost().stream().map(DriverMatcher.Candidate::describe).toList(), text);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Rendering ({@link DeviceTreeView})

    /** The tree as text ({@link DeviceTreeView#render}). */
    public static String render(List<DevNode> tree) {
        return DeviceTreeView.render(tree, Map.of(), Map.of(), false);
    }

    /** The tree as text, each device path with its file or why it has none ({@link DeviceTreeView#render}). */
    public static String render(List<DevNode> tree, Map<String, String> files, Map<String, String> noFile) {
        return DeviceTreeView.render(tree, files, noFile, false);
    }

    /**
     * The tree as text, each device path with its file or why it has none; {@code verbose} adds each node's IDs, how
     * its driver was chosen, the candidates that lost and its stack ({@link DeviceTreeView#render}).
     */
    public static String render(List<DevNode> tree, Map<String, String> files, Map<String, String> noFile,
                                boolean verbose) {
        return DeviceTreeView.render(tree, files, noFile, verbose);
    }

    /** The tree as text, each device path with its file ({@link DeviceTreeView#render}). */
    public static String render(List<DevNode> tree, Map<String, String> files) {
        return DeviceTreeView.render(tree, files, Map.of(), false);
    }

    /** The tree as JSON ({@link DeviceTreeView#toJson}). */
    public static String toJson(List<DevNode> tree) {
        return DeviceTreeView.toJson(tree, Map.of(), Map.of());
    }

    /** The tree as JSON with the files of its device paths ({@link DeviceTreeView#toJson}). */
    public static String toJson(List<DevNode> tree, Map<String, String> files) {
        return DeviceTreeView.toJson(tree, files, Map.of());
    }

    /** The tree as JSON with files and why some paths have none ({@link DeviceTreeView#toJson}). */
    public static String toJson(List<DevNode> tree, Map<String, String> files, Map<String, String> noFile) {
        return DeviceTreeView.toJson(tree, files, noFile);
    }
}
