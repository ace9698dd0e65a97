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
    ISOLATED("isolated"),
    /**
     * In the pool's driver host, shared with the other pooled drivers, as UMDF pools devices by default: one process
     * for many drivers; when it fails every driver of the pool is restarted in a new one, and a driver that fails the
     * pool twice is moved to a driver host of its own (H6).
     */
    POOLED("pooled");

    private final String label;

    HostingModel(String label) {
        this.label = label;
    }

    /** The name on the command line and in manifests and reports: {@code in-process}, {@code isolated}, {@code pooled}. */
    public String label() {
        return label;
    }

    /**
     * The model named {@code text} ({@code in-process}, {@code isolated}, {@code pooled}; case and {@code _} or
     * {@code -} do not matter).
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
        throw new IllegalArgumentException("'" + text + "' is not a hosting model: use in-process, isolated or pooled");
    }

    /** Whether the driver runs in a driver host process (isolated or pooled). */
    public boolean isIsolated() {
        return this != IN_PROCESS;
    }

    @Override
    public String toString() {
        return label;
    }
}
