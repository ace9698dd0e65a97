package org.wdf4j.host;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.framework.FxDeviceStack;
import org.wdf4j.framework.FxPnpMachine;

/**
 * The devices of one device node as the PnP manager sees them, bottom to top, each with its driver and role (ST3,
 * ST4): wherever the drivers run (all in one process: the host's, or one driver host), the PnP manager drives the node
 * through these endpoints, in Windows' order. Immutable.
 *
 * @param members bottom to top
 */
record NodeStack(List<Member> members) {

    /** One device of the stack. */
    record Member(String driver, StackPlan.Role role, FxDeviceEndpoint device) {
    }

    NodeStack {
        members = List.copyOf(members);
    }

    /** This stack with {@code member} on top. */
    NodeStack with(Member member) {
        List<Member> more = new ArrayList<>(members);
        more.add(member);
        return new NodeStack(more);
    }

    /** This stack on {@code member} (a child's PDO, at the bottom). */
    NodeStack under(Member member) {
        List<Member> more = new ArrayList<>(members.size() + 1);
        more.add(member);
        more.addAll(members);
        return new NodeStack(more);
    }

    /** The top device, where requests enter; null when empty. */
    FxDeviceEndpoint top() {
        return members.isEmpty() ? null : members.getLast().device();
    }

    boolean hasDriver(String name) {
        return members.stream().anyMatch(m -> m.driver().equals(name));
    }

    /**
     * Runs {@code event} through the stack in Windows' order ({@link FxDeviceStack#bottomUp}): START and WAKE
     * bottom-up, stopping at the first level that fails; the others top-down, every level. A level whose driver
     * {@code callable} refuses (failed, abandoned) is skipped.
     *
     * @return the outcome of the first level that failed or hung, else of the last level that ran (for a START, the
     *     top's); null when no level ran
     */
    FxDevice.PnpOutcome pnp(FxPnpMachine.Event event, Predicate<String> callable) {
        boolean bottomUp = FxDeviceStack.bottomUp(event);
        List<Member> order = bottomUp ? members : members.reversed();
        FxDevice.PnpOutcome first = null;
        FxDevice.PnpOutcome last = null;
        for (Member m : order) {
            if (!callable.test(m.driver())) {
                continue;
            }
            FxDevice.PnpOutcome outcome = m.device().pnp(event);
            last = outcome;
            boolean failed = outcome.hung() || !outcome.status().equals(NtStatus.STATUS_SUCCESS);
            if (failed && first == null) {
                first = outcome;
                if (bottomUp) {
                    break;
                }
            }
        }
        return first != null ? first : last;
    }

    /** The enabled interfaces of every device of the stack, bottom first. */
    List<FxDevice.DeviceInterface> interfaces() {
        List<FxDevice.DeviceInterface> all = new ArrayList<>();
        for (Member m : members) {
            all.addAll(m.device().interfaces());
        }
        return all;
    }

    /** For the tree: {@code tlower (lower filter) < toaster (function driver) < tupper (upper filter)}, bottom first. */
    String describe() {
        return String.join(" < ", members.stream().map(m -> m.driver() + " (" + m.role().label() + ")").toList());
    }
}
