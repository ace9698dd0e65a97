package org.wdf4j.host;

import java.util.Locale;

/**
 * Where a driver's code runs (H2): chosen by whoever installs or starts the driver, never by the driver's code.
 */
public enum HostingModel {

    /** In the host's own JVM, as KMDF drivers run in the kernel: fastest, and trusted. */
    IN_PROCESS("in-process"),
    /**
     * In a driver host process of its own, as UMDF drivers run in WUDFHost: a driver that exits, crashes, hangs or
     * runs out of memory takes only its own process with it; the host completes its requests, marks its devices
     * failed and restarts it.
     */
    ISOLATED("isolated");

    private final String label;

    HostingModel(String label) {
        this.label = label;
    }

    /** The name on the command line and in manifests and reports: {@code in-process} or {@code isolated}. */
    public String label() {
        return label;
    }

    /**
     * The model named {@code text} ({@code in-process}, {@code isolated}; case and {@code _} or {@code -} do not
     * matter).
     *
     * @throws IllegalArgumentException naming the models, for anything else
     */
    public static HostingModel parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (HostingModel m : values()) {
            if (m.label.equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a hosting model: use in-process or isolated");
    }

    @Override
    public String toString() {
        return label;
    }
}
