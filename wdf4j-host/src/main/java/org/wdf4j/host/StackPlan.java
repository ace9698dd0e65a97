package org.wdf4j.host;

import java.util.ArrayList;
import java.util.List;

/**
 * The drivers of a device node's stack above its bus driver, bottom to top, in the order Windows attaches them (ST3,
 * "Filter driver load order"): the node's lower filters, its class's lower filters, the function driver, the node's
 * upper filters, its class's upper filters. Each list in its own order.
 *
 * <p>The node's filter lists are its function driver's ({@link DeviceSetup#upperFilters()}, as the function driver's
 * INF writes them to the node's hardware key); its class is the function driver's ({@link DeviceSetup#deviceClass()});
 * a class's filters are the drivers that name the class ({@link DeviceSetup#upperFilterOfClasses()}), in the order the
 * catalog lists them (installed ones by install time, as INFs append themselves to a class's list).
 *
 * @param levels bottom to top
 */
record StackPlan(List<Level> levels) {

    /** What a driver is in a stack. */
    enum Role {
        /** The bus driver's physical device object (a child node's bottom). */
        BUS_DRIVER("bus driver (PDO)"),
        LOWER_FILTER("lower filter"),
        LOWER_CLASS_FILTER("lower class filter"),
        FUNCTION("function driver"),
        UPPER_FILTER("upper filter"),
        UPPER_CLASS_FILTER("upper class filter");

        private final String label;

        Role(String label) {
            this.label = label;
        }

        /** In words, e.g. {@code upper filter}. */
        String label() {
            return label;
        }
    }

    /** One driver of the stack. */
    record Level(String driver, Role role) {
    }

    StackPlan {
        levels = List.copyOf(levels);
    }

    /** The plan for a node whose function driver is {@code function}, with the catalog's class filters. */
    static StackPlan of(DriverCatalog.Entry function, DriverCatalog catalog) {
        DeviceSetup setup = function.setup();
        String deviceClass = setup.deviceClass();
        List<Level> levels = new ArrayList<>();
        setup.lowerFilters().forEach(f -> levels.add(new Level(f, Role.LOWER_FILTER)));
        classFilters(deviceClass, catalog, false).forEach(f -> levels.add(new Level(f, Role.LOWER_CLASS_FILTER)));
        levels.add(new Level(function.name(), Role.FUNCTION));
        setup.upperFilters().forEach(f -> levels.add(new Level(f, Role.UPPER_FILTER)));
        classFilters(deviceClass, catalog, true).forEach(f -> levels.add(new Level(f, Role.UPPER_CLASS_FILTER)));
        return new StackPlan(levels);
    }

    private static List<String> classFilters(String deviceClass, DriverCatalog catalog, boolean upper) {
        if (deviceClass == null) {
            return List.of();
        }
        List<String> filters = new ArrayList<>();
        for (DriverCatalog.Entry e : catalog.entries()) {
            List<String> classes = upper ? e.setup().upperFilterOfClasses() : e.setup().lowerFilterOfClasses();
            if (classes.stream().anyMatch(deviceClass::equalsIgnoreCase)) {
                filters.add(e.name());
            }
        }
        return filters;
    }

    /** The names of its drivers, bottom first, each once (a driver may not appear at two levels). */
    List<String> drivers() {
        return levels.stream().map(Level::driver).distinct().toList();
    }

    /** The first driver named at two levels, or null: a stack attaches each driver once. */
    String duplicate() {
        List<String> seen = new ArrayList<>();
        for (Level l : levels) {
            if (seen.contains(l.driver())) {
                return l.driver();
            }
            seen.add(l.driver());
        }
        return null;
    }
}
