package org.wdf4j.framework;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The verifier's record of one object: where it was created, the references it holds by tag, and,
 * with handle tracking on for its type, the last reference events with their stacks. Holds text
 * only, never the tags themselves, so that it cannot keep a driver's objects alive.
 */
final class FxTracker {

    static final String UNTAGGED = "<untagged>";

    final String createdAt;
    private final Map<String, Integer> held = new LinkedHashMap<>();
    private final int historySize;
    private final ArrayDeque<String> history;

    FxTracker(int historySize) {
        this.createdAt = Stacks.here();
        this.historySize = historySize;
        this.history = historySize > 0 ? new ArrayDeque<>(historySize) : null;
    }

    /** True with handle tracking on for the object's type: reference events are recorded, and unknown tags reported. */
    boolean recordsHistory() {
        return history != null;
    }

    static String tagName(Object tag) {
        if (tag == null) {
            return UNTAGGED;
        }
        return tag instanceof CharSequence s ? "'" + s + "'" : tag.toString();
    }

    synchronized void referenced(Object tag) {
        String name = tagName(tag);
        held.merge(name, 1, Integer::sum);
        record("reference", name);
    }

    /** False when the tag holds no reference (the release is then not counted against it). */
    synchronized boolean dereferenced(Object tag) {
        String name = tagName(tag);
        record("dereference", name);
        Integer count = held.get(name);
        if (count == null) {
            return false;
        }
        if (count == 1) {
            held.remove(name);
        } else {
            held.put(name, count - 1);
        }
        return true;
    }

    private void record(String what, String tag) {
        if (history == null) {
            return;
        }
        if (history.size() == historySize) {
            history.removeFirst();
        }
        history.addLast(what + " " + tag + " on thread \"" + Thread.currentThread().getName() + "\" at "
                + FxThreadState.currentIrql() + "\n" + Stacks.here());
    }

    /** The references held, e.g. {@code 'io' x2, <untagged> x1}; empty when none. */
    synchronized String heldTags() {
        return held.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "));
    }

    synchronized String describeHeld() {
        String tags = heldTags();
        return tags.isEmpty() ? " (it holds no tagged references)" : " (references held: " + tags + ")";
    }

    /** The recorded reference events, oldest first; empty without handle tracking. */
    synchronized String history() {
        return history == null ? "" : String.join("\n", history);
    }

}
