package org.wdf4j.bench;

import java.util.ArrayList;

/**
 * The baseline: the tree node a user would write by hand, a parent reference and a list of
 * children. The child list is created with the first child, so a leaf costs one small object
 * (the leanest hand-written node; an eager {@code new ArrayList<>()} per node is measured
 * separately in {@link MemoryFootprint}). Not thread-safe, unlike framework objects.
 */
final class PlainNode {

    PlainNode parent;
    ArrayList<PlainNode> children;

    PlainNode(PlainNode parent) {
        this.parent = parent;
    }

    /** Makes a child and adds it to this node's list. */
    PlainNode newChild() {
        PlainNode child = new PlainNode(this);
        if (children == null) {
            children = new ArrayList<>();
        }
        children.add(child);
        return child;
    }
}
