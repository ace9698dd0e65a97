package org.wdf4j.host;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/** A driver's own class loader: its package's classes, over the JDK and wdf4j-api only. */
final class DriverClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    DriverClassLoader(String driverName, Path jar) throws MalformedURLException {
        super("wdf4j-driver:" + driverName, new URL[] {jar.toUri().toURL()}, ApiOnlyClassLoader.INSTANCE);
    }
}
