package org.wdf4j.host;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drivers a PnP manager can put in a device stack, as Windows' driver store is to its PnP manager: those installed
 * in the host's store, oldest install first, then those running without being installed (started from a JAR), in the
 * order they were loaded. A driver that runs is described by the package it runs from.
 */
final class DriverCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(DriverCatalog.class);

    /**
     * A driver it knows.
     *
     * @param name the driver's name
     * @param hardwareIds the IDs it binds to (its INF's models)
     * @param setup what it says about stacks: version, class, filters
     * @param running whether it runs now (else it is installed and would be started)
     * @param hosting where it asks to run (its install's choice, else its package's), or null: the host's default
     */
    record Entry(String name, List<String> hardwareIds, DeviceSetup setup, boolean running, HostingModel hosting) {
    }

    private final List<Entry> entries;

    private DriverCatalog(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** What {@code host} knows now, without the drivers in {@code excluded} (being stopped). */
    static DriverCatalog of(DriverHost host, Set<String> excluded) {
        Map<String, HostedDriver> running = new LinkedHashMap<>();
        for (HostedDriver d : host.drivers()) {
            if (d.isRunning() && !excluded.contains(d.name())) {
                running.put(d.name(), d);
            }
        }
        List<Entry> entries = new ArrayList<>();
        DriverStore store = host.store();
        if (store != null) {
            try {
                List<DriverStore.InstalledDriver> installed = new ArrayList<>(store.list());
                installed.sort(Comparator.comparing(DriverStore.InstalledDriver::installedAt, Instant::compareTo));
                for (DriverStore.InstalledDriver d : installed) {
                    HostedDriver now = running.remove(d.name());
                    if (now != null) {
                        entries.add(entry(now));
                    } else {
                        entries.add(new Entry(d.name(), d.hardwareIds(), d.setup(), false, d.hosting()));
                    }
                }
            } catch (IOException e) {
                LOG.warn("PnP: cannot read the driver store: {}", e.toString());
            }
        }
        running.values().forEach(d -> entries.add(entry(d)));
        return new DriverCatalog(entries);
    }

    private static Entry entry(HostedDriver d) {
        DriverPackage p = d.driverPackage();
        return new Entry(d.name(), p.hardwareIds(), p.setup(), true, d.hosting());
    }

    List<Entry> entries() {
        return entries;
    }

    /** The driver of that name, or null. */
    Entry get(String name) {
        for (Entry e : entries) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }
}
