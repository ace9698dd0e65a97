package org.wdf4j.host;

import java.util.Set;
import org.wdf4j.driver.DriverEntry;

/**
 * The parent of every driver's class loader: it shows a driver the JDK and the packages of
 * {@code wdf4j-api}, and nothing of the framework, the host or their libraries. A driver that tries
 * to load a framework class gets {@link ClassNotFoundException}.
 */
final class ApiOnlyClassLoader extends ClassLoader {

    /** The API packages a driver may see; {@code org.wdf4j.spi} is the framework's, not the driver's. */
    static final Set<String> API_PACKAGES = Set.of("org.wdf4j", "org.wdf4j.driver", "org.wdf4j.object",
            "org.wdf4j.device", "org.wdf4j.io", "org.wdf4j.sync", "org.wdf4j.timer", "org.wdf4j.workitem", "org.wdf4j.memory",
            "org.wdf4j.registry");

    static {
        registerAsParallelCapable();
    }

    static final ApiOnlyClassLoader INSTANCE = new ApiOnlyClassLoader();

    private final ClassLoader api = DriverEntry.class.getClassLoader();

    private ApiOnlyClassLoader() {
        super("wdf4j-api", ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        int dot = name.lastIndexOf('.');
        String pkg = dot < 0 ? "" : name.substring(0, dot);
        if (API_PACKAGES.contains(pkg)) {
            return api.loadClass(name);
        }
        throw new ClassNotFoundException(name + " (a driver sees the JDK, the wdf4j-api packages and its own package only)");
    }
}
