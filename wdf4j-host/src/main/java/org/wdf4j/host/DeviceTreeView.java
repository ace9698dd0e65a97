package org.wdf4j.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.wdf4j.host.PnpManager.DevNode;

/**
 * The device tree for people and programs ({@code wdf4j devices}): a table whose first column draws the tree (each
 * child indented under its parent, ST1), each node followed by where its driver runs, its interfaces and control
 * devices with their files; with {@code verbose}, also its IDs, how its driver was chosen and which candidates lost
 * (ST2), and its stack (ST3). JSON has every field of {@link DevNode}.
 */
final class DeviceTreeView {

    private DeviceTreeView() {
    }

    /**
     * The tree as a table, "(no devices)" when empty.
     *
     * @param files device path to its file ({@link DeviceFiles#pathsToFiles})
     * @param noFile device path to why it has no file ({@link DeviceFiles#problems})
     * @param verbose whether to add each node's IDs, match and stack
     */
    static String render(List<DevNode> tree, Map<String, String> files, Map<String, String> noFile, boolean verbose) {
        if (tree.isEmpty()) {
            return "(no devices)\n";
        }
        Map<String, String> notes = new HashMap<>();
        noFile.forEach((path, why) -> notes.put(path, "(no device file: " + why + ")"));
        files.forEach((path, file) -> notes.put(path, "-> " + file));
        List<Line> lines = treeOrder(tree);
        int idWidth = "INSTANCE ID".length();
        int hwWidth = "HARDWARE ID".length();
        int drvWidth = "DRIVER".length();
        for (Line l : lines) {
            idWidth = Math.max(idWidth, l.indent().length() + l.node().instanceId().length());
            hwWidth = Math.max(hwWidth, l.node().hardwareId() == null ? 1 : l.node().hardwareId().length());
            drvWidth = Math.max(drvWidth, l.node().driver() == null ? 1 : l.node().driver().length());
        }
        String format = "%-" + idWidth + "s  %-" + hwWidth + "s  %-" + drvWidth + "s  %s%n";
        StringBuilder out = new StringBuilder();
        out.append(String.format(format, "INSTANCE ID", "HARDWARE ID", "DRIVER", "STATUS"));
        for (Line l : lines) {
            DevNode n = l.node();
            String under = l.indent() + "    ";
            out.append(String.format(format, l.indent() + n.instanceId(), n.hardwareId() == null ? "-" : n.hardwareId(),
                    n.driver() == null ? "-" : n.driver(), status(n)).stripTrailing()).append('\n');
            if (n.host() != null && !n.host().equals(UnloadReport.IN_PROCESS)) {
                out.append(under).append("runs in ").append(n.host()).append('\n');
            }
            if (verbose) {
                if (n.deviceText() != null) {
                    out.append(under).append("device text: ").append(n.deviceText()).append('\n');
                }
                out.append(under).append("hardware IDs: ").append(listOrNone(n.hardwareIds()))
                        .append("; compatible IDs: ").append(listOrNone(n.compatibleIds())).append('\n');
                if (n.matched() != null) {
                    out.append(under).append("matched: ").append(n.matched()).append('\n');
                }
                for (String lost : n.lost()) {
                    out.append(under).append("lost: ").append(lost).append('\n');
                }
                if (!n.stack().isEmpty()) {
                    out.append(under).append("stack (bottom first): ").append(String.join(" < ", n.stack())).append('\n');
                }
            }
            for (String path : n.interfaces()) {
                out.append(under).append("interface ").append(path).append(noteOf(notes, path)).append('\n');
            }
            for (String name : n.controlDevices()) {
                out.append(under).append("control device \\\\.\\").append(name).append(noteOf(notes, name)).append('\n');
            }
        }
        return out.toString();
    }

    private static String status(DevNode n) {
        return switch (n.status()) {
            case NO_DRIVER -> "NO_DRIVER (" + (n.cause() != null ? n.cause()
                    : "no driver lists " + String.join(" or ", ids(n))) + ")";
            case FAILED -> "FAILED" + (n.problem() == null ? "" : " (" + n.problem() + ")")
                    + (n.cause() == null ? "" : ": " + n.cause());
            default -> n.status().name();
        };
    }

    private static List<String> ids(DevNode n) {
        List<String> ids = new ArrayList<>(n.hardwareIds());
        ids.addAll(n.compatibleIds());
        return ids.isEmpty() ? List.of(String.valueOf(n.hardwareId())) : ids;
    }

    private static String listOrNone(List<String> list) {
        return list.isEmpty() ? "(none)" : String.join(", ", list);
    }

    private static String noteOf(Map<String, String> notes, String path) {
        String note = notes.get(path);
        return note == null ? "" : " " + note;
    }

    /** A node and its indentation (two spaces per level below a root). */
    private record Line(DevNode node, String indent) {
    }

    /** Roots in order, each followed by its children, depth first; a node whose parent is not listed is a root. */
    private static List<Line> treeOrder(List<DevNode> tree) {
        Map<String, List<DevNode>> children = new LinkedHashMap<>();
        Map<String, DevNode> byId = new HashMap<>();
        tree.forEach(n -> byId.put(key(n.instanceId()), n));
        List<DevNode> roots = new ArrayList<>();
        for (DevNode n : tree) {
            if (n.parent() != null && byId.containsKey(key(n.parent()))) {
                children.computeIfAbsent(key(n.parent()), k -> new ArrayList<>()).add(n);
            } else {
                roots.add(n);
            }
        }
        List<Line> lines = new ArrayList<>();
        for (DevNode root : roots) {
            walk(root, "", children, lines);
        }
        return lines;
    }

    private static void walk(DevNode node, String indent, Map<String, List<DevNode>> children, List<Line> lines) {
        lines.add(new Line(node, indent));
        for (DevNode child : children.getOrDefault(key(node.instanceId()), List.of())) {
            walk(child, indent + "  ", children, lines);
        }
    }

    private static String key(String instanceId) {
        return instanceId.toUpperCase(Locale.ROOT);
    }

    /**
     * The tree as JSON, each node with the fields of {@link DevNode}, plus {@code "files": {"device path": "file"}}
     * when it has files and {@code "noDeviceFile": {"device path": "why"}} when some of its paths have none.
     */
    static String toJson(List<DevNode> tree, Map<String, String> files, Map<String, String> noFile) {
        Json json = new Json();
        json.array(tree, n -> {
            json.begin();
            json.field("instanceId", n.instanceId());
            json.field("hardwareId", n.hardwareId());
            json.field("driver", n.driver());
            json.field("status", n.status().name());
            json.field("problem", n.problem() == null ? null : n.problem().toString());
            json.field("cause", n.cause());
            json.field("host", n.host());
            json.name("interfaces").array(n.interfaces(), json::string);
            json.name("controlDevices").array(n.controlDevices(), json::string);
            json.field("parent", n.parent());
            json.name("hardwareIds").array(n.hardwareIds(), json::string);
            json.name("compatibleIds").array(n.compatibleIds(), json::string);
            json.field("matched", n.matched());
            json.field("deviceText", n.deviceText());
            json.name("lost").array(n.lost(), json::string);
            json.name("stack").array(n.stack(), json::string);
            if (!files.isEmpty()) {
                pathsObject(json, "files", n, files);
            }
            if (n.interfaces().stream().anyMatch(noFile::containsKey)
                    || n.controlDevices().stream().anyMatch(noFile::containsKey)) {
                pathsObject(json, "noDeviceFile", n, noFile);
            }
            json.end();
        });
        return json.toString();
    }

    /** {@code "name": {"device path": value}} for the node's interfaces and control devices that {@code values} has. */
    private static void pathsObject(Json json, String name, DevNode n, Map<String, String> values) {
        json.name(name).begin();
        for (List<String> paths : List.of(n.interfaces(), n.controlDevices())) {
            for (String path : paths) {
                if (values.containsKey(path)) {
                    json.field(path, values.get(path));
                }
            }
        }
        json.end();
    }
}
