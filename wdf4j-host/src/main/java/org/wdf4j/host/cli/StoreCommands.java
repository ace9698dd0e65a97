package org.wdf4j.host.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.wdf4j.host.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.ReportHistory;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The store commands: install, uninstall, list, status, reports. Each goes to the running host, or to the store without one. */
final class StoreCommands {

    private StoreCommands() {
    }

    private static final String EXIT = "Exit status: 0 done, 1 refused, 2 not a valid driver package.";

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Install a driver package into the host's driver store (copied; validated first).", EXIT})
    static final class Install implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Parameters(paramLabel = "DRIVER.jar", description = "The driver package.")
        Path jar;

        @Option(names = "--replace", description = "Replace the installed driver of the same name (not while it runs); "
                + "its parameters are kept.")
        boolean replace;

        @Option(names = "--entry", paramLabel = "CLASS", description = "The entry class, for a JAR that holds several "
                + "drivers (default: the manifest's Wdf4j-Driver-Entry).")
        String entry;

        @Option(names = "--name", paramLabel = "NAME", description = "The driver's name (default: the manifest's "
                + "Wdf4j-Driver-Name, else the JAR's file name).")
        String name;

        @Option(names = "--hosting", paramLabel = "MODEL", converter = HostingConverter.class,
                description = "Where the driver runs when it is started without --hosting: pooled (the pool's "
                        + "driver host process), isolated (a driver host process of its own) or in-process (the host's "
                        + "JVM). Default: the package's Wdf4j-Hosting, else pooled.")
        HostingModel hosting;

        @Option(names = "--class", paramLabel = "CLASS", description = "The setup class of the devices it is function "
                + "driver of, whose class filters they get (default: the manifest's Wdf4j-Class).")
        String deviceClass;

        @Option(names = "--upper-filters", paramLabel = "NAME,...", description = "The upper filter drivers of the "
                + "devices it is function driver of, bottom first, as a device's UpperFilters value (default: the "
                + "manifest's Wdf4j-Upper-Filters).")
        String upperFilters;

        @Option(names = "--lower-filters", paramLabel = "NAME,...", description = "The same below the function driver "
                + "(LowerFilters; default: the manifest's Wdf4j-Lower-Filters).")
        String lowerFilters;

        @Option(names = "--class-upper-filter", paramLabel = "CLASS,...", description = "Make this driver an upper "
                + "filter of every device of these setup classes (a class key's UpperFilters; class filters attach in "
                + "the order they were installed; default: the manifest's Wdf4j-Class-Upper-Filter).")
        String classUpperFilter;

        @Option(names = "--class-lower-filter", paramLabel = "CLASS,...", description = "The same below the function "
                + "driver (default: the manifest's Wdf4j-Class-Lower-Filter).")
        String classLowerFilter;

        @Override
        public Integer call() {
            Map<String, String> options = new LinkedHashMap<>();
            putIfGiven(options, "class", deviceClass);
            putIfGiven(options, "upper-filters", upperFilters);
            putIfGiven(options, "lower-filters", lowerFilters);
            putIfGiven(options, "class-upper-filter", classUpperFilter);
            putIfGiven(options, "class-lower-filter", classLowerFilter);
            if (replace) {
                options.put("replace", "");
            }
            if (hosting != null) {
                options.put("hosting", hosting.label());
            }
            if (entry != null) {
                options.put("entry", entry);
            }
            if (name != null) {
                options.put("name", name);
            }
            return state.onHostOrStore("install", new Request("install", options, jar.toAbsolutePath().normalize().toString()));
        }

        private static void putIfGiven(Map<String, String> options, String name, String value) {
            if (value != null) {
                options.put(name, value.strip());
            }
        }
    }

    @Command(name = "uninstall", mixinStandardHelpOptions = true,
            description = {"Remove an installed driver and its parameters (not while it runs).", EXIT})
    static final class Uninstall implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--force", description = "Remove a damaged driver too (wdf4j list shows what is wrong with it), "
                + "with whatever its directory in the store holds, parameters included.")
        boolean force;

        @Override
        public Integer call() {
            return state.onHostOrStore("uninstall", new Request("uninstall", force ? Map.of("force", "") : Map.of(),
                    name));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the installed drivers and their state (STARTED while a host runs them).")
    static final class ListDrivers implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Override
        public Integer call() {
            return state.onHostOrStore("list", new Request("list", Map.of(), ""));
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show an installed driver: its state, package, last unload and parameters.")
    static final class Status implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            return state.onHostOrStore("status", new Request("status", Map.of(), name));
        }
    }

    @Command(name = "reports", mixinStandardHelpOptions = true,
            description = {"Show the unload reports kept in the store (the last " + ReportHistory.KEPT + " of each "
                    + "driver, those of stops the framework made on its own included): of one driver in full, or of "
                    + "every driver in a line each.", "Exit status: 0 done, 1 refused."})
    static final class Reports implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "The driver (default: every driver).")
        String name;

        @Option(names = "--json", description = "Print them as one JSON document: {\"reports\":[{\"file\", \"time\", "
                + "\"report\"}...]}, oldest first.")
        boolean json;

        @Override
        public Integer call() {
            return state.onHostOrStore("reports", new Request("reports", json ? Map.of("json", "") : Map.of(),
                    name == null ? "" : name));
        }
    }
}
