package org.wdf4j.host;

import java.util.Set;
import java.util.stream.Collectors;
import org.wdf4j.driver.DriverEntry;

/**
 * The parent of every driver's class loader: it shows a driver the JDK and the packages of
 * {@code wdf4j-api}, and nothing of the framework, the host or their libraries. A driver that tries
 * to load a framework class gets {@link ClassNotFoundException}.
 *
 * <p>Its own parent is the platform class loader, for the JDK. When the host runs as modules (the module path), the
 * platform class loader hands a class of a module defined to the application class loader to that loader (the two
 * share their map of packages to modules): the framework's, the host's and their libraries' classes would be found
 * through it. Their packages ({@link #MODULE_PATH_PACKAGES}) are refused here before it is asked. Loading a class is
 * not access: the module boundary is what keeps a driver out of the classes it finds anyway (through its driver
 * object's class, say), H9.
 */
final class ApiOnlyClassLoader extends ClassLoader {

    /** The API packages a driver may see; {@code org.wdf4j.spi} is the framework's, not the driver's. */
    static final Set<String> API_PACKAGES = Set.of("org.wdf4j", "org.wdf4j.driver", "org.wdf4j.object",
            "org.wdf4j.device", "org.wdf4j.io", "org.wdf4j.sync", "org.wdf4j.timer", "org.wdf4j.workitem", "org.wdf4j.memory",
            "org.wdf4j.registry", "org.wdf4j.serial", "org.wdf4j.disk", "org.wdf4j.net");

    /**
     * The packages of the boot layer's modules that are not the JDK's (neither the boot nor the platform class loader
     * defines them): those of the module path, the wdf4j modules and their libraries. Empty on the class path.
     */
    static final Set<String> MODULE_PATH_PACKAGES = ModuleLayer.boot().modules().stream()
            .filter(m -> m.getClassLoader() != null && m.getClassLoader() != ClassLoader.getPlatformClassLoader())
            .flatMap(m -> m.getPackages().stream())
            .collect(Collectors.toUnmodifiableSet());

    static {
        registerAsParallelCapable();
    }

    static final ApiOnlyClassLoader INSTANCE = new ApiOnlyClassLoader();

    private final ClassLoader api = DriverEntry.class.getClassLoader();

    private ApiOnlyClassLoader() {
        super("wdf4j-api", ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        String pkg = packageOf(name);
        if (MODULE_PATH_PACKAGES.contains(pkg) && !API_PACKAGES.contains(pkg)) {
            throw notShown(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (API_PACKAGES.contains(packageOf(name))) {
            return api.loadClass(name);
        }
        throw notShown(name);
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static ClassNotFoundException notShown(String name) {
        return new ClassNotFoundException(name + " (a driver sees the JDK, the wdf4j-api packages and its own package only)");
    }
}
