package org.wdf4j.framework;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxPnpMachine.Event;

/**
 * The devices of one device node, bottom to top (ST3, ST4): the physical device (the bus driver's), lower filters,
 * the function device and upper filters, possibly of different drivers. A client's request enters at the top; each
 * device's default I/O target is the device below it.
 *
 * <p>For the host: make a stack for a device node, then call {@link #addDevice} once per driver of the node, bottom
 * first, in the order Windows attaches them (the bus driver's PDO, lower filters, the function driver, upper filters):
 * each driver's EvtDriverDeviceAdd runs, and the device it creates ({@code WdfDeviceCreate}) is attached on top of the
 * stack at that moment, so that {@code WdfDeviceGetIoTarget} already answers the device below inside
 * EvtDriverDeviceAdd. Then {@link #pnp} drives the whole stack in Windows' order: start bottom-up, everything else
 * top-down. Clients open any device of the stack (its name or interface) and their requests enter at {@link #top()}.
 *
 * <p>Thread-safe: the device list is guarded by this object's monitor; it only grows while the stack is built, and
 * a device leaves it when it is deleted.
 */
public final class FxDeviceStack {

    private final String instanceId;
    /** The registry that finds this stack by its node, told when the stack empties; null when none does. */
    private final FxDeviceStacks registry;
    /** Bottom to top; guarded by this. */
    private final List<FxDevice> devices = new ArrayList<>(4);
    /** How many devices were ever attached (the stack's height as built; deleted devices leave {@link #devices}). */
    private int height;

    /** A stack for the device node {@code instanceId} (e.g. {@code ROOT\TOASTER\0000}), empty until devices are added. */
    public FxDeviceStack(String instanceId) {
        this(instanceId, null);
    }

    /** A stack that {@code registry} finds by its node ({@link FxDeviceStacks#create}). */
    FxDeviceStack(String instanceId, FxDeviceStacks registry) {
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.registry = registry;
    }

    public String instanceId() {
        return instanceId;
    }

    /**
     * Calls {@code driver}'s EvtDriverDeviceAdd for this node (on its passive thread, bounded like every lifecycle step)
     * and attaches the device it creates on top of the stack.
     *
     * @param hardwareId the ID the driver was matched by (what {@code WdfDeviceInit.hardwareId()} answers)
     * @return the device; the failures of {@link FxDriverGlobals#addDevice(String, String)}
     */
    public NtResult<FxDevice> addDevice(FxDriverGlobals driver, String hardwareId) {
        return driver.addDevice(hardwareId, instanceId, this);
    }

    /** The devices, bottom (index 0) to top; a snapshot. */
    public synchronized List<FxDevice> devices() {
        return List.copyOf(devices);
    }

    /** The top device, where requests enter; null when the stack is empty. */
    public synchronized FxDevice top() {
        return devices.isEmpty() ? null : devices.getLast();
    }

    /**
     * Inside WdfDeviceCreate: {@code device} goes on top; answers the device below it (null at the bottom) and its level
     * (1 at the bottom).
     */
    synchronized FxDevice attach(FxDevice device) {
        FxDevice below = devices.isEmpty() ? null : devices.getLast();
        devices.add(device);
        height++;
        device.stackLevel = height;
        return below;
    }

    /** The device is deleted: it leaves the stack; the last one to leave takes the stack out of its registry. */
    void detach(FxDevice device) {
        boolean empty;
        synchronized (this) {
            devices.remove(device);
            empty = devices.isEmpty();
        }
        if (empty && registry != null) {
            registry.forget(this);
        }
    }

    /** The device above {@code device}, or null at the top. */
    synchronized FxDevice above(FxDevice device) {
        int i = devices.indexOf(device);
        return i < 0 || i == devices.size() - 1 ? null : devices.get(i + 1);
    }

    /** Where a device at {@code level} stands, for reports: {@code level 2 of 3 (1 is the bottom) of ROOT\X\0000}. */
    synchronized String levelOf(int level) {
        return "level " + level + " of " + height + " (1 is the bottom) of device node " + instanceId;
    }

    /**
     * Runs {@code event} through the stack in Windows' order (ST4): START bottom-up (the PDO first), the others
     * (REMOVE, SURPRISE_REMOVE, SLEEP) top-down, and WAKE bottom-up. Each device's transition is
     * {@link FxDevice#pnp}, bounded as usual. A start that fails at one level stops there: the devices above are not
     * started, and the outcome is that level's.
     *
     * @return the outcome of each device, in the order they ran
     */
    public List<FxDevice.PnpOutcome> pnp(Event event) {
        List<FxDevice> order = new ArrayList<>(devices());
        boolean bottomUp = bottomUp(event);
        if (!bottomUp) {
            order = order.reversed();
        }
        List<FxDevice.PnpOutcome> outcomes = new ArrayList<>(order.size());
        for (FxDevice d : order) {
            FxDevice.PnpOutcome outcome = d.pnp(event);
            outcomes.add(outcome);
            if (bottomUp && (!outcome.status().isSuccess() || outcome.hung())) {
                break;
            }
        }
        return outcomes;
    }

    /**
     * Whether {@code event} runs through a stack bottom-up (START and WAKE: the PDO first) rather than top-down (REMOVE,
     * SURPRISE_REMOVE, SLEEP), as Windows sends it (ST4).
     */
    public static boolean bottomUp(Event event) {
        return event == Event.START || event == Event.WAKE;
    }

    /** Whether the outcomes of {@link #pnp} all succeeded. */
    public static boolean succeeded(List<FxDevice.PnpOutcome> outcomes) {
        return outcomes.stream().allMatch(o -> o.status().equals(NtStatus.STATUS_SUCCESS) && !o.hung());
    }

    @Override
    public String toString() {
        return "device stack " + instanceId + " " + devices();
    }
}
