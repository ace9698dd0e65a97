package org.wdf4j.host;

import java.io.File;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.framework.FxDriverGlobals;

/**
 * Where the host's code is, to start another JVM that runs it (a driver host): the host, the framework and the API,
 * and the libraries the host needs (slf4j, logback, picocli, jackson-core), one JAR or classes directory each, found from the code
 * source of one class of each; so it is the same whether the host runs from the launcher's JARs or, in the tests, from
 * {@code target/classes} directories (exploded modules).
 *
 * <p>They go on the module path, as the {@code wdf4j} launcher puts them, so that a driver in that JVM meets the same
 * module boundary as in the host's (rule H9). When the host's code is not in modules (a shaded JAR whose module
 * descriptors were dropped, as the benchmarks' is), they go on the class path, as before there were modules.
 */
final class HostCode {

    /** The host's module, whose main classes are run. */
    static final String MODULE = "org.wdf4j.host";
    /** The modules that must be found, with their descriptors, for the code to go on the module path. */
    private static final List<String> WDF4J_MODULES = List.of(MODULE, "org.wdf4j.framework", "org.wdf4j.api");

    private static final Logger LOG = LoggerFactory.getLogger(HostCode.class);

    private HostCode() {
    }

    /** The code, in order: the host's, the framework's, the API's, then the libraries'. */
    static List<Path> locations() {
        Set<Path> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(DriverHostMain.class, FxDriverGlobals.class, DriverEntry.class, LoggerFactory.class,
                ch.qos.logback.classic.Logger.class, ch.qos.logback.core.Appender.class, picocli.CommandLine.class,
                com.fasterxml.jackson.core.JsonFactory.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
            } catch (URISyntaxException | RuntimeException e) {
                throw new IllegalStateException("cannot find the code of " + c.getName() + " to start a JVM with", e);
            }
        }
        return List.copyOf(entries);
    }

    /** Whether {@link #locations()} holds the wdf4j modules with their module descriptors. */
    static boolean modular() {
        return Modular.VALUE;
    }

    /** Computed once: the code does not move while the host runs. */
    private static final class Modular {
        static final boolean VALUE = find();

        private static boolean find() {
            List<Path> locations = locations();
            ModuleFinder finder = ModuleFinder.of(locations.toArray(Path[]::new));
            List<String> missing = new ArrayList<>();
            for (String name : WDF4J_MODULES) {
                Optional<ModuleReference> found;
                try {
                    found = finder.find(name);
                } catch (RuntimeException e) { // FindException: two of a name, a bad descriptor
                    LOG.info("driver hosts run on the class path: their module path {} cannot be read: {}", locations, e);
                    return false;
                }
                if (found.isEmpty() || found.get().descriptor().isAutomatic()) {
                    missing.add(name);
                }
            }
            if (!missing.isEmpty()) {
                LOG.info("driver hosts run on the class path, without the module boundary: {} not found as modules in {}",
                        missing, locations);
                return false;
            }
            return true;
        }
    }

    /**
     * The {@code java} options that run {@code mainClass}, a class of the host's module, with the host's code:
     * {@code --module-path CODE -m org.wdf4j.host/CLASS}, or {@code -cp CODE CLASS} when the code is not modular.
     * Whatever follows is the program's arguments.
     */
    static List<String> launch(Class<?> mainClass) {
        String path = String.join(File.pathSeparator, locations().stream().map(Path::toString).toList());
        if (!modular()) {
            return List.of("-cp", path, mainClass.getName());
        }
        return List.of("--module-path", path, "-m", MODULE + "/" + mainClass.getName());
    }
}
