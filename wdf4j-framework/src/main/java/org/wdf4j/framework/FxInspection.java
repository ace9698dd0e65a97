package org.wdf4j.framework;

import java.util.List;
import java.util.Map;

/**
 * What a running driver looks like inside, read without stopping it: the counterpart of {@code !wdfkd}'s
 * {@code !wdfdriverinfo}, {@code !wdfdevice}, {@code !wdfdevicequeues} and {@code !wdfrequest}. Made by
 * {@link FxDriverGlobals#inspect()}; text, numbers and enums only, never the driver's objects, so it crosses the
 * driver-host channel and outlives the driver.
 *
 * @param driver the driver's name
 * @param state its lifecycle state
 * @param objectCounts how many framework objects of each type are alive in its tree (e.g. {@code WDFQUEUE} 2), and
 *     {@code WDFREQUEST} for the requests it holds (those are not nodes of the tree)
 * @param devices its devices, in creation order
 * @param busy what the framework is doing for the driver now and waiting for, or empty when it is idle
 * @param timers its timers ({@code !wdfkd}'s {@code !wdftmr}), children before parents
 * @param workItems its work items ({@code !wdfworkitem})
 * @param locks its wait locks and spin locks ({@code !wdfwaitlock}, {@code !wdfspinlock}), held or not
 */
public record FxInspection(String driver, FxDriverState state, Map<String, Integer> objectCounts, List<Device> devices,
                           List<Busy> busy, List<Timer> timers, List<WorkItem> workItems, List<Lock> locks) {

    public FxInspection {
        objectCounts = Map.copyOf(objectCounts);
        devices = List.copyOf(devices);
        busy = List.copyOf(busy);
        timers = List.copyOf(timers);
        workItems = List.copyOf(workItems);
        locks = List.copyOf(locks);
    }

    /** Without timers, work items and locks: a part of a driver (one device, one request), or none left. */
    public FxInspection(String driver, FxDriverState state, Map<String, Integer> objectCounts, List<Device> devices,
                        List<Busy> busy) {
        this(driver, state, objectCounts, devices, busy, List.of(), List.of(), List.of());
    }

    /**
     * One timer ({@code !wdftmr}).
     *
     * @param handle its handle name, e.g. {@code WDFTIMER#4}
     * @param periodNanos its period, or 0 for a one-shot timer
     * @param queued whether it is started: an expiration is due
     * @param dueNanos in how long the next expiration is due, when queued (else 0)
     * @param running whether its callback runs now
     * @param passive whether its callback runs at PASSIVE_LEVEL (else DISPATCH_LEVEL)
     */
    public record Timer(String handle, long periodNanos, boolean queued, long dueNanos, boolean running,
                        boolean passive) {

        /** {@code WDFTIMER#4: periodic every 1.0 s, due in 0.4 s, not running (DISPATCH_LEVEL)}. */
        public String describe() {
            return handle + ": " + (periodNanos > 0 ? "periodic every " + seconds(periodNanos) : "one-shot") + ", "
                    + (queued ? "due in " + seconds(dueNanos) : "stopped") + ", "
                    + (running ? "its callback runs now" : "not running") + " (" + (passive ? "PASSIVE" : "DISPATCH")
                    + "_LEVEL)";
        }
    }

    /**
     * One work item ({@code !wdfworkitem}).
     *
     * @param handle its handle name, e.g. {@code WDFWORKITEM#5}
     * @param enqueued whether it waits for the passive thread to run its callback
     * @param running whether its callback runs now
     */
    public record WorkItem(String handle, boolean enqueued, boolean running) {

        public String describe() {
            return handle + ": " + (enqueued ? "enqueued" : "not enqueued") + ", "
                    + (running ? "its callback runs now" : "not running");
        }
    }

    /**
     * One lock ({@code !wdfwaitlock}, {@code !wdfspinlock}).
     *
     * @param handle its handle name, e.g. {@code WDFWAITLOCK#6}
     * @param type {@code WDFWAITLOCK} or {@code WDFSPINLOCK}
     * @param holder the name of the thread that holds it, or null when it is free
     */
    public record Lock(String handle, String type, String holder) {

        public String describe() {
            return handle + " (" + type + "): " + (holder == null ? "free" : "held by thread " + holder);
        }
    }

    /**
     * One device ({@code !wdfdevice}).
     *
     * @param handle its handle name, e.g. {@code WDFDEVICE#3}
     * @param instanceId its device node's instance ID (null for a control device)
     * @param hardwareId the hardware ID it was added for (null for a control device)
     * @param name its assigned name, or null
     * @param control whether it is a control device
     * @param pnpState its PnP state
     * @param powerState its device power state
     * @param queues its queues, in creation order
     */
    public record Device(String handle, String instanceId, String hardwareId, String name, boolean control,
                         FxPnpMachine.State pnpState, FxPnpMachine.Power powerState, List<Queue> queues) {

        public Device {
            queues = List.copyOf(queues);
        }

        /** Whether {@code id} names this device: its instance ID, handle or name, ignoring case. */
        public boolean isNamed(String id) {
            return id.equalsIgnoreCase(instanceId) || id.equalsIgnoreCase(handle) || id.equalsIgnoreCase(name);
        }
    }

    /**
     * One queue ({@code !wdfdevicequeues}, {@code !wdfqueue}).
     *
     * @param handle its handle name, e.g. {@code WDFQUEUE#5}
     * @param dispatch SEQUENTIAL, PARALLEL or MANUAL
     * @param defaultQueue whether it is the device's default queue
     * @param powerManaged whether it stops presenting when the device leaves D0
     * @param accepting whether it takes new requests
     * @param dispatching whether it presents requests now (started, and powered when power-managed)
     * @param queued how many requests wait in it
     * @param held the requests the driver holds from it (presented or retrieved, not completed)
     */
    public record Queue(String handle, String dispatch, boolean defaultQueue, boolean powerManaged, boolean accepting,
                        boolean dispatching, int queued, List<Request> held) {

        public Queue {
            held = List.copyOf(held);
        }

        /** The state in WDF's words: what {@code !wdfqueue} prints. */
        public String stateText() {
            return (accepting ? "accepting" : "not accepting") + ", " + (dispatching ? "dispatching" : "not dispatching");
        }
    }

    /**
     * One request the driver holds ({@code !wdfrequest}).
     *
     * @param handle its handle name, e.g. {@code WDFREQUEST#12}
     * @param type READ, WRITE, DEVICE_CONTROL...
     * @param length its length in bytes: what a write brings, what a read asks for, an IOCTL's input length
     * @param ioControlCode an IOCTL's control code, else 0
     * @param state who owns it ({@link FxRequestState}: DRIVER, CANCELABLE, SENT...)
     * @param cancelable whether the driver marked it cancelable
     * @param cancelRequested whether its requestor cancelled it
     * @param heldNanos how long ago it was delivered to the driver, in nanoseconds
     * @param requestorPid the requesting process
     * @param queue the handle name of the queue it came from
     * @param device the handle name of its device
     */
    public record Request(String handle, String type, long length, int ioControlCode, FxRequestState state,
                          boolean cancelable, boolean cancelRequested, long heldNanos, long requestorPid,
                          String queue, String device) {

        /** The request in a line, for people: {@code WDFREQUEST#12 (WRITE, 4 bytes, held 5.0 s, not cancelable)}. */
        public String describe() {
            return handle + " (" + type + ", " + length + " bytes, held " + seconds(heldNanos) + ", "
                    + (cancelable ? "cancelable" : "not cancelable") + (cancelRequested ? ", cancel requested" : "")
                    + ", from pid " + requestorPid + ")";
        }
    }

    /**
     * Something the framework is doing for the driver now.
     *
     * @param what what it runs or waits for, in words (a PnP transition, a framework wait and what it needs, a timer
     *     or work item callback and its thread)
     * @param nanos for how long, in nanoseconds
     */
    public record Busy(String what, long nanos) {

        public String describe() {
            return what + " (for " + seconds(nanos) + ")";
        }
    }

    /** Every request the driver holds, across its devices and queues. */
    public List<Request> heldRequests() {
        return devices.stream().flatMap(d -> d.queues().stream()).flatMap(q -> q.held().stream()).toList();
    }

    /** {@code 5.0 s}. */
    public static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
    }
}
