package org.wdf4j.host.cli;

import java.util.List;
import org.wdf4j.framework.FxDriverGlobals.TreeLine;

/** Draws a driver's object tree with box-drawing lines. */
final class TreePrinter {

    private TreePrinter() {
    }

    static String render(List<TreeLine> lines) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            TreeLine line = lines.get(i);
            StringBuilder prefix = new StringBuilder();
            for (int d = 1; d < line.depth(); d++) {
                prefix.append(hasLaterSibling(lines, i, d) ? "│  " : "   ");
            }
            if (line.depth() > 0) {
                prefix.append(hasLaterSibling(lines, i, line.depth()) ? "├─ " : "└─ ");
            }
            out.append(prefix).append(line.name())
                    .append(line.contexts().size() > 1 ? " +" + String.join(",", line.contexts().subList(1, line.contexts().size())) : "")
                    .append("  (").append(line.references()).append(line.references() == 1 ? " reference" : " references")
                    .append(", ").append(line.state()).append(")\n");
        }
        return out.toString();
    }

    /** Whether some later line sits at {@code depth} before the tree climbs above it. */
    private static boolean hasLaterSibling(List<TreeLine> lines, int index, int depth) {
        for (int j = index + 1; j < lines.size(); j++) {
            int d = lines.get(j).depth();
            if (d < depth) {
                return false;
            }
            if (d == depth) {
                return true;
            }
        }
        return false;
    }
}
